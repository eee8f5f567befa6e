package report

import (
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// fixtureRoot is the scan root of the fixture report.
const fixtureRoot = "/work/repo"

// fixtureReport is a complete report as the CLI would hand it to a reporter:
// every status, every source kind (Terraform with file positions,
// CloudFormation, live AWS with account/region/ARN), input problems (KG-BT-000),
// suppressions (inline with an expiry, config without), notes, details,
// provenance, Japanese text and paths, and characters that need escaping
// (| < > & " ` and a terminal escape sequence) in messages, reasons and paths.
func fixtureReport() model.Report {
	until := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	tf := func(addr, name string) model.Resource {
		return model.Resource{Kind: model.SourceTerraform, Type: "aws_rds_cluster", Address: addr, Name: name}
	}
	live := func(acct, region, name string) model.Resource {
		arn := "arn:aws:rds:" + region + ":" + acct + ":cluster:" + name
		return model.Resource{Kind: model.SourceAWS, Type: "AWS::RDS::DBCluster", Address: arn, Name: name,
			Account: acct, Region: region, ARN: arn}
	}
	liveLoc := func(r model.Resource) model.Location {
		return model.Location{Account: r.Account, Region: r.Region, ARN: r.ARN}
	}
	fp := func(rule string, r model.Resource, root string) string { return model.Fingerprint(rule, r, root) }

	dbThis := tf("module.db.aws_rds_cluster.this[0]", "orders-prod")
	orders := tf("aws_rds_cluster.orders", "orders")
	legacy := tf("aws_rds_cluster.legacy", "legacy")
	pg := tf("aws_rds_cluster.pg", "analytics")
	sv2 := tf("aws_rds_cluster.sv2", "")
	staging := tf("aws_rds_cluster.this", "staging")
	network := model.Resource{Kind: model.SourceTerraform, Address: "module.network"}
	broken := model.Resource{Kind: model.SourceTerraform, Address: "envs/日本/broken file.tf:7:19"}
	cfn := model.Resource{Kind: model.SourceCloudFormation, Type: "AWS::RDS::DBCluster", Address: "AuroraCluster", Name: "cfn-db"}
	ordersLive := live("123456789012", "us-east-1", "orders-prod")
	paymentsLive := live("210987654321", "ap-northeast-1", "payments-tokyo")
	denied := model.Resource{Kind: model.SourceAWS, Address: "210987654321/eu-west-1", Account: "210987654321", Region: "eu-west-1"}

	enableFix := model.T(
		"Set backtrack_window when the cluster is created, e.g. backtrack_window = 86400 (24 h). For a cluster that exists without backtrack, restore a snapshot into a new cluster with --backtrack-window and cut over (kumoguard runbook).",
		"クラスター作成時に backtrack_window を設定します（例：backtrack_window = 86400、24 時間）。バックトラックなしで既に存在するクラスターは、--backtrack-window を指定してスナップショットを新しいクラスターに復元し、切り替えます（kumoguard runbook）。")
	raiseFix := model.T(
		"Set backtrack_window to at least 86400 seconds (24 h); the unit is seconds, not hours. This is an in-place change with no outage.",
		"backtrack_window を 86400 秒（24 時間）以上に設定してください。単位は時間ではなく秒です。停止を伴わないその場での変更です。")

	findings := []model.Finding{
		{
			RuleID: "KG-BT-001", Status: model.StatusFail, Reason: model.ReasonBacktrackDisabled, Severity: model.SeverityHigh,
			Resource: dbThis,
			Location: model.Location{File: "envs/prod/main.tf", Line: 12, Column: 1, EndLine: 30, EndColumn: 2},
			Message: model.T("Backtracking is disabled: backtrack_window is not set, and the default is 0.",
				"バックトラックが無効です：backtrack_window が設定されておらず、既定値は 0 です。"),
			Remediation: enableFix,
			Fingerprint: fp("KG-BT-001", dbThis, "envs/prod"),
		},
		{
			RuleID: "KG-BT-001", Status: model.StatusPass, Reason: model.ReasonBacktrackEnabled, Severity: model.SeverityHigh,
			Resource: orders,
			Location: model.Location{File: "envs/prod/main.tf", Line: 40, Column: 22, EndLine: 40, EndColumn: 34},
			Message: model.T("Backtracking is enabled: backtrack_window = 72 (1m12s).",
				"バックトラックが有効です：backtrack_window = 72（1m12s）。"),
			Fingerprint: fp("KG-BT-001", orders, "envs/prod"),
			Provenance: []model.Origin{{Kind: model.OriginAttribute, Location: model.Location{File: "envs/prod/main.tf", Line: 40, Column: 22}},
				{Kind: model.OriginVariableDefault, Name: "window", Location: model.Location{File: "envs/prod/variables.tf", Line: 3, Column: 13}}},
		},
		{
			RuleID: "KG-BT-002", Status: model.StatusFail, Reason: model.ReasonWindowLikelyHours, Severity: model.SeverityMedium,
			Resource: orders,
			Location: model.Location{File: "envs/prod/main.tf", Line: 40, Column: 22, EndLine: 40, EndColumn: 34},
			Message: model.T("backtrack_window = 72 is 72 seconds, below the minimum of 24h (86400 seconds). 72 looks like hours: the unit is seconds.",
				"backtrack_window = 72 は 72 秒で、最小値 24h（86400 秒）を下回っています。72 は時間のつもりに見えますが、単位は秒です。"),
			Remediation: raiseFix,
			Fingerprint: fp("KG-BT-002", orders, "envs/prod"),
			Details:     map[string]any{"window_seconds": 72, "minimum_seconds": 86400},
			Fix: &model.Remediation{
				Path:                model.PathRaiseWindow,
				TargetWindowSeconds: 259200,
				Summary: model.T("Raise the target window to 259200 seconds (72h); on an enabled cluster this is an in-place change with no outage.",
					"ターゲットウィンドウを 259200 秒（72h）に引き上げます。有効なクラスターでは停止を伴わないその場での変更です。"),
				Console: []model.Text{
					model.T("Open the Amazon RDS console and choose Databases.", "Amazon RDS コンソールを開き、「データベース」を選択します。"),
					model.T("Choose the cluster orders, then Modify.", "クラスター orders を選択し、「変更」を選択します。"),
				},
				CLI: []model.CLICommand{
					{Purpose: model.T("Check the account", "アカウントを確認"), Command: "aws sts get-caller-identity --query Account --output text"},
					{Purpose: model.T("Raise the window", "ウィンドウを引き上げる"), Command: "aws rds modify-db-cluster --db-cluster-identifier orders --backtrack-window 259200 --apply-immediately"},
				},
				IaC: []model.IaCChange{{
					Kind:        model.SourceTerraform,
					Description: model.T("Set the default of variable \"window\" to 259200.", "変数 \"window\" の既定値を 259200 にします。"),
					Location:    model.Location{File: "envs/prod/variables.tf", Line: 3, Column: 13},
					Snippet:     "default = 259200\n",
					Automatic:   true,
					Edits:       []model.TextEdit{{File: "envs/prod/variables.tf", StartLine: 3, StartColumn: 13, EndLine: 3, EndColumn: 15, Insert: "259200"}},
				}},
			},
			Provenance: []model.Origin{{Kind: model.OriginAttribute, Location: model.Location{File: "envs/prod/main.tf", Line: 40, Column: 22}},
				{Kind: model.OriginVariableDefault, Name: "window", Location: model.Location{File: "envs/prod/variables.tf", Line: 3, Column: 13}}},
		},
		{
			RuleID: "KG-BT-001", Status: model.StatusFail, Reason: model.ReasonBacktrackDisabled, Severity: model.SeverityHigh,
			Resource:    legacy,
			Location:    model.Location{File: "envs/prod/main.tf", Line: 52, Column: 1},
			Message:     model.T("Backtracking is disabled: backtrack_window is 0.", "バックトラックが無効です：backtrack_window が 0 です。"),
			Remediation: enableFix,
			Fingerprint: fp("KG-BT-001", legacy, "envs/prod"),
			Suppressed: &model.Suppression{RuleID: "KG-BT-001", Source: "inline", Until: &until,
				Reason:   `legacy <v2> | migrating & "snapshot" restore planned`,
				Location: model.Location{File: "envs/prod/main.tf", Line: 51, Column: 1}},
		},
		{
			RuleID: "KG-BT-001", Status: model.StatusNotApplicable, Reason: model.ReasonEngineNotAuroraMySQL, Severity: model.SeverityHigh,
			Resource: pg,
			Location: model.Location{File: "envs/prod/main.tf", Line: 61, Column: 12},
			Message: model.T(`Engine "aurora-postgresql" is not Aurora MySQL; backtrack exists only for Aurora MySQL.`,
				`エンジン "aurora-postgresql" は Aurora MySQL ではありません。バックトラックは Aurora MySQL のみの機能です。`),
			Fingerprint: fp("KG-BT-001", pg, "envs/prod"),
		},
		{
			RuleID: "KG-BT-002", Status: model.StatusPass, Reason: model.ReasonWindowMeetsMinimum, Severity: model.SeverityMedium,
			Resource: sv2,
			Location: model.Location{File: "envs/prod/main.tf", Line: 80, Column: 22},
			Message: model.T("The target window 86400 (24h) meets the minimum of 24h.",
				"ターゲットウィンドウ 86400（24h）は最小値 24h を満たしています。"),
			Fingerprint: fp("KG-BT-002", sv2, "envs/prod"),
			Notes: []model.Text{model.T("Backtrack on Aurora Serverless v2 is unconfirmed by AWS documentation; verify in a sandbox.",
				"Aurora Serverless v2 でのバックトラックは AWS のドキュメントで確認されていません。サンドボックスで検証してください。")},
		},
		{
			RuleID: "KG-BT-000", Status: model.StatusUnknown, Reason: model.ReasonModuleNotInstalled, Severity: model.SeverityMedium,
			Resource: network,
			Location: model.Location{File: "envs/staging/main.tf", Line: 1, Column: 1},
			Message: model.T(`Module "network" (source "git::https://example.com/net.git?ref=v1") is not installed; clusters inside it were not evaluated.`,
				`モジュール "network"（source "git::https://example.com/net.git?ref=v1"）がインストールされていないため、その中のクラスターは評価されていません。`),
			Remediation: model.T("Run terraform init in envs/staging, then scan again.", "envs/staging で terraform init を実行してから再度スキャンしてください。"),
			Fingerprint: fp("KG-BT-000", network, "envs/staging/main.tf|MODULE_NOT_INSTALLED"),
		},
		{
			RuleID: "KG-BT-001", Status: model.StatusUnknown, Reason: model.ReasonUnresolvedValue, Severity: model.SeverityHigh,
			Resource: staging,
			Location: model.Location{File: "envs/staging/main.tf", Line: 9, Column: 22},
			Message: model.T("backtrack_window could not be resolved: variable `window` has no default and no value was given.",
				"backtrack_window を解決できません：変数 `window` に既定値がなく、値も与えられていません。"),
			Remediation: model.T("Pass -var 'window=86400' or set it in terraform.tfvars.",
				"-var 'window=86400' を指定するか、terraform.tfvars に設定してください。"),
			Fingerprint: fp("KG-BT-001", staging, "envs/staging"),
			Notes: []model.Text{model.T("count could not be resolved; the resource was evaluated once.",
				"count を解決できないため、リソースを 1 回だけ評価しました。")},
		},
		{
			RuleID: "KG-BT-000", Status: model.StatusError, Reason: model.ReasonParseError, Severity: model.SeverityMedium,
			Resource: broken,
			Location: model.Location{File: "envs/日本/broken file.tf", Line: 7, Column: 19, EndLine: 7, EndColumn: 20},
			Message: model.T("Invalid expression: expected the start of an expression, but found \"<\" in `a | b & c`.\x1b[31m",
				"式が不正です：式の開始が必要ですが、`a | b & c` の中に \"<\" があります。\x1b[31m"),
			Remediation: model.T("Fix the syntax at the reported position and scan again.", "報告された位置の構文を修正し、再度スキャンしてください。"),
			Fingerprint: fp("KG-BT-000", broken, "envs/日本/broken file.tf|PARSE_ERROR"),
		},
		{
			RuleID: "KG-BT-001", Status: model.StatusFail, Reason: model.ReasonBacktrackDisabled, Severity: model.SeverityHigh,
			Resource: cfn,
			Location: model.Location{File: "templates/db.yaml", Line: 14, Column: 5},
			Message:  model.T("Backtracking is disabled: BacktrackWindow is 0.", "バックトラックが無効です：BacktrackWindow が 0 です。"),
			Remediation: model.T("Set BacktrackWindow: 86400 on the AWS::RDS::DBCluster when it is created.",
				"AWS::RDS::DBCluster の作成時に BacktrackWindow: 86400 を設定してください。"),
			Fingerprint: fp("KG-BT-001", cfn, "templates/db.yaml"),
		},
		{
			RuleID: "KG-BT-002", Status: model.StatusFail, Reason: model.ReasonWindowBelowMinimum, Severity: model.SeverityMedium,
			Resource:    cfn,
			Location:    model.Location{File: "templates/db.yaml", Line: 14, Column: 5},
			Message:     model.T("BacktrackWindow 0 is below the minimum of 24h.", "BacktrackWindow 0 は最小値 24h を下回っています。"),
			Remediation: model.T("Set BacktrackWindow to at least 86400.", "BacktrackWindow を 86400 以上に設定してください。"),
			Fingerprint: fp("KG-BT-002", cfn, "templates/db.yaml"),
			Suppressed: &model.Suppression{RuleID: "KG-BT-002", Source: "config", Pattern: "Aurora*",
				Reason:   "KG-BT-001 covers this template",
				Location: model.Location{File: "kumoguard.yaml", Line: 8, Column: 5}},
		},
		{
			RuleID: "KG-BT-001", Status: model.StatusPass, Reason: model.ReasonBacktrackEnabled, Severity: model.SeverityHigh,
			Resource: ordersLive, Location: liveLoc(ordersLive),
			Message:     model.T("Backtracking is enabled: BacktrackWindow = 3600 (1h).", "バックトラックが有効です：BacktrackWindow = 3600（1h）。"),
			Fingerprint: fp("KG-BT-001", ordersLive, ""),
		},
		{
			RuleID: "KG-BT-002", Status: model.StatusFail, Reason: model.ReasonWindowBelowMinimum, Severity: model.SeverityMedium,
			Resource: ordersLive, Location: liveLoc(ordersLive),
			Message: model.T("The target window 3600 (1h) is below the minimum of 24h.",
				"ターゲットウィンドウ 3600（1h）は最小値 24h を下回っています。"),
			Remediation: model.T("aws rds modify-db-cluster --db-cluster-identifier orders-prod --backtrack-window 86400 --apply-immediately",
				"aws rds modify-db-cluster --db-cluster-identifier orders-prod --backtrack-window 86400 --apply-immediately を実行してください。"),
			Fingerprint: fp("KG-BT-002", ordersLive, ""),
			Details:     map[string]any{"window_seconds": 3600, "minimum_seconds": 86400},
		},
		{
			RuleID: "KG-BT-001", Status: model.StatusNotApplicable, Reason: model.ReasonGlobalDatabaseMember, Severity: model.SeverityHigh,
			Resource: paymentsLive, Location: liveLoc(paymentsLive),
			Message: model.T(`The cluster is a member of Aurora global database "payments"; global databases do not support backtrack.`,
				`このクラスターは Aurora グローバルデータベース "payments" のメンバーです。グローバルデータベースはバックトラックに対応していません。`),
			Fingerprint: fp("KG-BT-001", paymentsLive, ""),
		},
		{
			RuleID: "KG-BT-000", Status: model.StatusError, Reason: model.ReasonAccessDenied, Severity: model.SeverityMedium,
			Resource: denied, Location: model.Location{Account: "210987654321", Region: "eu-west-1"},
			Message: model.T("AccessDenied: rds:DescribeDBClusters was refused in 210987654321/eu-west-1; clusters there were not evaluated.",
				"AccessDenied：210987654321/eu-west-1 で rds:DescribeDBClusters が拒否されたため、そこのクラスターは評価されていません。"),
			Remediation: model.T("Grant rds:DescribeDBClusters to the scanning role (see the README's IAM policy).",
				"スキャン用ロールに rds:DescribeDBClusters を許可してください（README の IAM ポリシーを参照）。"),
			Fingerprint: fp("KG-BT-000", denied, "|ACCESS_DENIED"),
		},
	}
	return model.Report{
		SchemaVersion: 1,
		Tool:          model.Tool{Name: "kumoguard", Version: "0.3.0"},
		Summary:       model.Summarize(findings),
		Findings:      findings,
		Scan: model.ScanInfo{Kind: "iac", Root: fixtureRoot, StartedAt: time.Date(2026, 11, 25, 1, 2, 3, 0, time.UTC),
			Duration: 1.25, MinWindow: 86400, Coverage: map[string]int{"files": 4, "account_regions": 3}, Suppressed: 2},
		Rules: policy.Infos(),
	}
}

// emptyReport is a scan that found nothing.
func emptyReport() model.Report {
	return model.Report{
		SchemaVersion: 1,
		Tool:          model.Tool{Name: "kumoguard", Version: "0.3.0"},
		Summary:       model.Summarize(nil),
		Scan: model.ScanInfo{Kind: "aws", StartedAt: time.Date(2026, 11, 25, 1, 2, 3, 0, time.UTC),
			Duration: 0.5, MinWindow: 86400},
		Rules: policy.Infos(),
	}
}
