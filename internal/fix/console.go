package fix

import "github.com/kumoguard/kumoguard/internal/model"

// Console steps use the Amazon RDS console's own labels, as the Aurora User
// Guide words them (looked up for this file):
//   - creating: "choose Enable Backtrack and specify a Target Backtrack window
//     value that is greater than zero in the Backtrack section"
//     https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
//   - modifying: Databases → the cluster → Modify → Target Backtrack window →
//     Continue → Scheduling of Modifications: Apply immediately → Modify Cluster;
//     the Backtrack section "doesn't appear for a DB cluster that was created
//     with the Backtrack feature disabled" (same page, and
//     AuroraMySQL.Managing.Backtrack.Disabling.html for the scheduling labels)
//   - restoring a snapshot: Snapshots → the snapshot → Actions → Restore snapshot
//     https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html
//
// The Japanese texts keep the English label and add the Japanese console
// label in parentheses, as the Japanese edition of the guide does, because the
// console's language follows the user's setting. The console takes the window
// in hours; the API, CLI, Terraform and CloudFormation take seconds:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html

const consoleURL = "https://console.aws.amazon.com/rds/"

func consoleOpen(region string) model.Text {
	url := consoleURL
	if region != "" {
		url = "https://console.aws.amazon.com/rds/home?region=" + region
	}
	return model.T("Sign in to the AWS Management Console and open the Amazon RDS console at %s.",
		"AWS マネジメントコンソールにサインインし、Amazon RDS コンソール（%s）を開きます。", url)
}

func consoleAccount(account string) []model.Text {
	if account == "" {
		return nil
	}
	return []model.Text{model.T("Check that you are signed in to account %s (top right of the console).",
		"アカウント %s にサインインしていることを確認します（コンソール右上）。", account)}
}

// consoleCreate: the cluster is not created yet.
func consoleCreate(target int64, region string) []model.Text {
	return []model.Text{
		consoleOpen(region),
		model.T("Choose Create database, then Aurora (MySQL Compatible).",
			"[Create database (データベースの作成)] を選択し、[Aurora (MySQL Compatible)] を選択します。"),
		model.T("In the Backtrack section, choose Enable Backtrack and set Target Backtrack window to %s hours (the console takes hours; %d seconds elsewhere).",
			"[Backtrack (バックトラック)] セクションで [Enable Backtrack (バックトラックの有効化)] を選択し、[Target Backtrack window (ターゲットバックトラックウィンドウ)] を %s 時間に設定します（コンソールは時間単位、その他は %d 秒）。",
			model.FormatHours(target), target),
		model.T("Finish the other settings and choose Create database.",
			"その他の設定を済ませ、[Create database (データベースの作成)] を選択します。"),
	}
}

// consoleRaise: backtrack is enabled; change the window in place.
func consoleRaise(id, account, region string, target int64) []model.Text {
	steps := append(append([]model.Text{consoleOpen(region)}, consoleAccount(account)...),
		model.T("Choose Databases, choose the DB cluster %s, and choose Modify.",
			"[Databases (データベース)] を選択し、DB クラスター %s を選択して [Modify (変更)] を選択します。", id),
		model.T("In the Backtrack section, set Target Backtrack window to %s hours (%d seconds).",
			"[Backtrack (バックトラック)] セクションで [Target Backtrack window (ターゲットバックトラックウィンドウ)] を %s 時間（%d 秒）に設定します。",
			model.FormatHours(target), target),
		model.T("Choose Continue. Under Scheduling of Modifications choose Apply immediately (no outage), then choose Modify Cluster.",
			"[Continue (続行)] を選択します。[Scheduling of Modifications (変更のスケジュール)] で [Apply immediately (すぐに適用)] を選択し（停止は発生しません）、[Modify Cluster (クラスターの変更)] を選択します。"),
	)
	return steps
}

// consoleMigrate: the cluster exists without backtrack. The Backtrack section
// is not shown for it, so the console path is a snapshot restore.
func consoleMigrate(id, account, region string, target int64) []model.Text {
	snap := id + "-pre-backtrack"
	steps := append(append([]model.Text{consoleOpen(region)}, consoleAccount(account)...),
		model.T("Choose Databases, choose the DB cluster %s, then Actions, Take snapshot; name it %s and wait until it is Available.",
			"[Databases (データベース)] で DB クラスター %s を選択し、[Actions (アクション)]、[Take snapshot (スナップショットの取得)] を選択します。名前を %s とし、[Available (利用可能)] になるまで待ちます。", id, snap),
		model.T("Choose Snapshots, choose %s, then Actions, Restore snapshot.",
			"[Snapshots (スナップショット)] で %s を選択し、[Actions (アクション)]、[Restore snapshot (スナップショットを復元)] を選択します。", snap),
		model.T("Use the same engine version, VPC, DB subnet group, VPC security groups, DB cluster parameter group and AWS KMS key as %s, and an instance class like its writer.",
			"%s と同じエンジンバージョン、VPC、DB サブネットグループ、VPC セキュリティグループ、DB クラスターパラメータグループ、AWS KMS キーを指定し、インスタンスクラスはライターと同じにします。", id),
		model.T("In the Backtrack section, choose Enable Backtrack and set Target Backtrack window to %s hours (%d seconds). Then restore the DB cluster.",
			"[Backtrack (バックトラック)] セクションで [Enable Backtrack (バックトラックの有効化)] を選択し、[Target Backtrack window (ターゲットバックトラックウィンドウ)] を %s 時間（%d 秒）に設定して、DB クラスターを復元します。",
			model.FormatHours(target), target),
		model.T("Add reader instances like the source's, validate the data, cut over, and keep %s until rollback is no longer needed (`kumoguard runbook` writes every step).",
			"元と同じリーダーインスタンスを追加し、データを検証して切り替えます。ロールバック不要になるまで %s は残します（全手順は `kumoguard runbook` で出力できます）。", id),
	)
	return steps
}
