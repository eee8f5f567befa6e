package fix

import "github.com/kumoguard/kumoguard/internal/model"

// advice is the summary of a way out that changes no window: out of scope,
// input to fix, permissions to grant, an achieved window that falls short.
func advice(f model.Finding, res model.Resolution) model.Text {
	attr := res.Attribute
	switch res.Step {
	case model.StepScope:
		return scopeAdvice(f.Reason)
	case model.StepFixInput:
		return res.Advice
	case model.StepWholeSeconds:
		return model.T("Set %s to a whole number of seconds from 0 to 259200 (72 hours), e.g. 86400 for 24 hours.",
			"%s には 0～259200（72 時間）の整数の秒数を設定してください（例：24 時間なら 86400）。", attr)
	case model.StepWindowInRange:
		return model.T("Set %s to a number of seconds from 1 to 259200, e.g. 86400 for 24 hours.",
			"%s には 1～259200 の秒数を設定してください（例：24 時間なら 86400）。", attr)
	case model.StepGiveValue:
		return giveValue
	case model.StepGiveValueCandidates:
		return model.T("Give the missing value so kumoguard can evaluate it.", "評価できるよう、不足している値を指定してください。")
	case model.StepUpgradeEngine:
		return upgradeEngine(res.Minimum)
	case model.StepGrantScopeRead:
		return model.T("Allow rds:DescribeDBClusterParameters and rds:DescribeIntegrations to the scanning role and scan again: kumoguard reads aurora_enhanced_binlog and the zero-ETL integrations to tell whether backtrack applies.",
			"スキャン用ロールに rds:DescribeDBClusterParameters と rds:DescribeIntegrations を許可して再スキャンしてください。kumoguard は aurora_enhanced_binlog とゼロ ETL 統合を読み取り、バックトラックが適用対象かを判断します。")
	case model.StepReduceWrites:
		return reduceWrites(f, res.Window, res.Actual, res.Minimum)
	case model.StepRunDrill:
		return runDrill(f)
	case model.StepCheckEvidence:
		return model.T("Run kumoguard drill verify on the evidence directory with the expected public key, find out why the named documents do not verify, and restore the originals from a copy: evidence is never edited, and a deleted or changed document breaks the chain of the ones after it.",
			"想定する公開鍵を指定して証跡ディレクトリに kumoguard drill verify を実行し、名前の挙がった文書が検証できない理由を調べ、コピーから元の文書を復元してください。証跡は編集しないでください。文書を削除・変更すると、その後の文書のチェーンが壊れます。")
	case model.StepGrantDescribe:
		return model.T("Allow rds:DescribeDBClusters and cloudwatch:GetMetricData to the scanning role and scan again; a newly enabled cluster reports EarliestBacktrackTime once change records accrue.",
			"スキャン用ロールに rds:DescribeDBClusters と cloudwatch:GetMetricData を許可して再スキャンしてください。有効化直後のクラスターは、変更レコードが蓄積されると EarliestBacktrackTime を返します。")
	case model.StepGrantMetrics:
		return model.T("Allow cloudwatch:GetMetricData to the scanning role, make sure the cluster has a writer instance (the metric is per writer instance), and scan again.",
			"スキャン用ロールに cloudwatch:GetMetricData を許可し、クラスターにライターインスタンスがあることを確認して（メトリクスはライターインスタンス単位）、再スキャンしてください。")
	}
	return model.Text{}
}

var giveValue = model.T("Give the missing value (for Terraform --var/--var-file or TF_VAR_*, for CloudFormation --parameter/--parameter-file) so kumoguard can evaluate it.",
	"不足している値を指定してください（Terraform は --var/--var-file または TF_VAR_*、CloudFormation は --parameter/--parameter-file）。")

// scopeAdvice says what to do about an out-of-scope or undecidable cluster:
// usually nothing, with why; otherwise how to make it decidable. Scope:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
func scopeAdvice(r model.Reason) model.Text {
	switch r {
	case model.ReasonEngineNotAuroraMySQL, model.ReasonResourceDeleted:
		return model.T("Nothing to do: backtrack does not apply to this resource.", "対応は不要です：このリソースにはバックトラックが適用されません。")
	case model.ReasonServerlessV1:
		return model.T("Nothing to do for backtrack while it is Serverless v1. To get backtrack, move to Serverless v2 or provisioned by restoring a snapshot with --backtrack-window.",
			"Serverless v1 のままではバックトラックに関する対応はありません。バックトラックを使うには、--backtrack-window を指定したスナップショット復元で Serverless v2 またはプロビジョンドへ移行してください。")
	case model.ReasonEngineModeUnsupported:
		return model.T("Nothing to do for backtrack in this engine mode. To get backtrack, restore a snapshot into a provisioned cluster with --backtrack-window.",
			"このエンジンモードではバックトラックに関する対応はありません。バックトラックを使うには、--backtrack-window を指定してスナップショットをプロビジョンドクラスターに復元してください。")
	case model.ReasonGlobalDatabaseMember:
		return model.T("Nothing to do while the cluster is in a global database: backtrack is never available there. If rewind matters more than cross-Region replication, remove the cluster from the global database and migrate it to a backtrack-enabled cluster.",
			"グローバルデータベースに属している間は対応できません（バックトラックは利用不可）。リージョン間レプリケーションより巻き戻しが重要な場合は、グローバルデータベースから外し、バックトラック有効のクラスターへ移行してください。")
	case model.ReasonBinlogReplication:
		return model.T("Nothing to do while binlog replication is configured: backtrack is not supported with it.",
			"バイナリログレプリケーションが設定されている間は対応できません（バックトラック非対応）。")
	case model.ReasonEnhancedBinlog:
		return model.T("Nothing to do for backtrack while enhanced binlog is on: AWS does not allow the two together. If rewinding matters more than enhanced binlog, set aurora_enhanced_binlog to 0 in the cluster parameter group and migrate to a new cluster created with backtrack (backtrack can only be enabled when a cluster is created); kumoguard never adds a window to this cluster.",
			"拡張バイナリログが有効な間はバックトラックに関する対応はありません（AWS は両者の併用を許可しません）。拡張バイナリログより巻き戻しが重要な場合は、クラスターパラメータグループで aurora_enhanced_binlog を 0 にし、バックトラックを有効にして作成した新しいクラスターへ移行してください（バックトラックは作成時にしか有効化できません）。kumoguard がこのクラスターにウィンドウを追加することはありません。")
	case model.ReasonZeroETLIntegration:
		return model.T("Nothing to do for backtrack while the cluster is the source of a zero-ETL integration: zero-ETL needs enhanced binlog, which excludes backtrack. Rely on automated backups and point-in-time restore for recovery; kumoguard never adds a window to this cluster.",
			"クラスターがゼロ ETL 統合のソースである間はバックトラックに関する対応はありません。ゼロ ETL には拡張バイナリログが必要で、拡張バイナリログはバックトラックと併用できません。復旧には自動バックアップとポイントインタイムリカバリを使ってください。kumoguard がこのクラスターにウィンドウを追加することはありません。")
	case model.ReasonRegionUnsupported:
		return model.T("Nothing to do in this Region; if backtrack is required, run the cluster in a Region that offers it.",
			"このリージョンでは対応できません。バックトラックが必要なら、対応リージョンでクラスターを運用してください。")
	case model.ReasonEngineNotSet:
		return model.T("Set the engine explicitly (aurora-mysql for Aurora MySQL).", "engine を明示的に設定してください（Aurora MySQL なら aurora-mysql）。")
	case model.ReasonInvalidValue:
		return model.T("Fix the value: engine must be aurora-mysql, aurora-postgresql, mysql or postgres; engine mode provisioned or serverless.",
			"値を修正してください：engine は aurora-mysql、aurora-postgresql、mysql、postgres のいずれか、エンジンモードは provisioned または serverless です。")
	}
	return giveValue
}

// reduceWrites is the way out when the achieved window falls short of the
// target (actual < 0: not measured). The target can be changed in place with
// no outage, and RDS-EVENT-0131 reports the shortfall:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Monitoring.html
// A lower target is suggested only down to the policy minimum, never below.
func reduceWrites(f model.Finding, target, actual, minimum int64) model.Text {
	id := f.Resource.Name
	if id == "" {
		id = "<cluster-id>"
	}
	if minimum <= 0 {
		minimum = model.DefaultMinWindowSeconds
	}
	lower := max(actual, minimum)
	if actual <= 0 {
		lower = minimum
	}
	if lower >= target {
		return model.T(
			"Reduce the cluster's write volume (batch or move bulk writes) so that Aurora can keep %s of change records; lowering the target is not a way out, since it is already at or below the policy minimum of %s. Watch BacktrackWindowAlert and subscribe to RDS-EVENT-0131.",
			"クラスターの書き込み量を減らし（一括書き込みをまとめる・移す）、Aurora が %s 分の変更レコードを保持できるようにしてください。ターゲットは既にポリシーの最小値 %s 以下のため、下げることは解決になりません。BacktrackWindowAlert を監視し、RDS-EVENT-0131 を購読してください。",
			model.FormatDuration(target), model.FormatDuration(minimum))
	}
	return model.T(
		"Reduce the cluster's write volume (batch or move bulk writes), or, if it stays at or above the policy minimum, lower the target to what the workload sustains so alerts stop: aws rds modify-db-cluster --db-cluster-identifier %s --backtrack-window %d --apply-immediately (in place, no outage). Watch BacktrackWindowAlert and subscribe to RDS-EVENT-0131.",
		"クラスターの書き込み量を減らす（一括書き込みをまとめる・移す）か、ポリシーの最小値を下回らない範囲で、ワークロードが維持できる値までターゲットを下げてアラートを止めてください：aws rds modify-db-cluster --db-cluster-identifier %s --backtrack-window %d --apply-immediately（停止なしでその場で適用）。BacktrackWindowAlert を監視し、RDS-EVENT-0131 を購読してください。",
		id, lower)
}

// upgradeEngine is the way out of a window on an engine version without
// backtrack: Aurora MySQL 2 supports it from 2.06.0, version 3 and 8.4 do,
// and AWS rejected it on 3.02.0.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
func upgradeEngine(minimum int64) model.Text {
	if minimum <= 0 {
		minimum = model.DefaultMinWindowSeconds
	}
	return model.T("Use an engine version that supports backtrack (Aurora MySQL 2.06.0 or later, a version 3 release after 3.02.0 such as the long-term support 3.04 or 3.10, or 8.4) and give the cluster a target window of at least %d seconds (%s) when it is created. A cluster not created yet can change its engine version and window in code; an existing cluster does not gain backtrack by an upgrade, so restore its snapshot into a new cluster on such a version with --backtrack-window and cut over. kumoguard does not write the window into the code while the version does not support it.",
		"バックトラックに対応したエンジンバージョン（Aurora MySQL 2.06.0 以降、3.02.0 より後のバージョン 3 のリリース（長期サポートの 3.04 や 3.10 など）、または 8.4）を使い、クラスター作成時に %d 秒（%s）以上のターゲットウィンドウを設定してください。未作成のクラスターはコードでエンジンバージョンとウィンドウを変更できます。既存のクラスターはアップグレードしてもバックトラックは有効にならないため、そのバージョンで --backtrack-window を指定してスナップショットを新しいクラスターに復元し、切り替えてください。バージョンが対応していない間、kumoguard はウィンドウをコードに書き込みません。",
		minimum, model.FormatDuration(minimum))
}

// runDrill is the way out of a missing, stale or failed drill (KG-BT-004).
func runDrill(f model.Finding) model.Text {
	ref := f.Resource.ARN
	if ref == "" {
		ref = f.Resource.Name
	}
	if ref == "" {
		ref = "<cluster>"
	}
	cmd := "kumoguard drill run " + shellQuote(ref) + " --apply --evidence-dir <dir>"
	return model.T("Run a backtrack drill on a copy-on-write clone (%s; the source cluster is only read), keep the signed evidence in the directory the scan reads, and scan again.",
		"コピーオンライトクローンでバックトラックの訓練を実行し（%s。ソースクラスターは読み取るだけです）、署名付きの証跡をスキャンが読むディレクトリに保存して、再スキャンしてください。", cmd)
}
