package i18n

// Terms are the Japanese spellings kumoguard uses, following the AWS
// Japanese console and documentation, each with the variants it replaced.
// spelling_test.go keeps the variants out of every message.
var Terms = []struct {
	Use      string
	Variants []string
}{
	{"パラメータ", []string{"パラメーター"}}, // パラメータグループ (RDS console)
	{"ブルー/グリーンデプロイ", []string{"Blue/Green デプロイ", "ブルーグリーンデプロイ", "ブルー・グリーン"}}, // RDS Blue/Green Deployments
	{"変更のスケジュール", []string{"変更のスケジューリング"}},                                   // Modify DB cluster: Scheduling of modifications
	{"クラスター", []string{"クラスタ "}},
}
