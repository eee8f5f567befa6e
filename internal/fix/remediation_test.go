package fix

import (
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

func tfCluster(window model.Value[int64]) model.Cluster {
	loc := model.Location{File: "main.tf", Line: 1, Column: 1}
	return model.Cluster{Source: model.SourceTerraform, Type: "aws_rds_cluster", Address: "aws_rds_cluster.db",
		Name: "orders", Location: loc, Root: ".",
		Engine:          model.KnownValue("aurora-mysql", loc),
		EngineVersion:   model.KnownValue("8.0.mysql_aurora.3.04.0", loc),
		BacktrackWindow: window}
}

func liveCluster(w int64) model.Cluster {
	return model.Cluster{Source: model.SourceAWS, Type: "AWS::RDS::DBCluster", Name: "orders",
		Address: "arn:aws:rds:ap-northeast-1:111122223333:cluster:orders",
		ARN:     "arn:aws:rds:ap-northeast-1:111122223333:cluster:orders", Account: "111122223333", Region: "ap-northeast-1",
		Engine: model.KnownValue("aurora-mysql", model.Location{}), EngineVersion: model.KnownValue("8.0.mysql_aurora.3.04.0", model.Location{}),
		BacktrackWindow: model.KnownValue(w, model.Location{}), InstanceClasses: []string{"db.r6g.large"}}
}

// findingFor evaluates the cluster with the real policy and returns the
// finding of one rule.
func findingFor(t *testing.T, c model.Cluster, rule string, min int64) model.Finding {
	t.Helper()
	fs := policy.Evaluate(model.Inventory{Clusters: []model.Cluster{c}}, policy.Options{MinWindowSeconds: min})
	for _, f := range fs {
		if f.RuleID == rule {
			return f
		}
	}
	t.Fatalf("no %s finding", rule)
	return model.Finding{}
}

func TestRemediatePathFollowsFacts(t *testing.T) {
	attr := func(w int64) model.Value[int64] {
		l := model.Location{File: "main.tf", Line: 5, Column: 22}
		return model.KnownValue(w, l, model.Origin{Kind: model.OriginAttribute, Location: l})
	}
	planCreate := tfCluster(model.Value[int64]{})
	planCreate.Source, planCreate.Action = model.SourceTerraformPlan, model.ActionCreate
	planCreateShort := tfCluster(model.KnownValue[int64](3600, model.Location{File: "plan.json", Line: 3, Column: 5}))
	planCreateShort.Source, planCreateShort.Action = model.SourceTerraformPlan, model.ActionCreate
	planNoop := planCreate
	planNoop.Action = model.ActionNoop
	planEnable := tfCluster(model.KnownValue[int64](86400, model.Location{}))
	planEnable.Source, planEnable.Action = model.SourceTerraformPlan, model.ActionUpdate
	planEnable.PriorBacktrackWindow = model.KnownValue[int64](0, model.Location{})
	planDisable := tfCluster(model.KnownValue[int64](0, model.Location{}))
	planDisable.Source, planDisable.Action = model.SourceTerraformPlan, model.ActionUpdate
	planDisable.PriorBacktrackWindow = model.KnownValue[int64](43200, model.Location{})
	postgres := liveCluster(0)
	postgres.Engine = model.KnownValue("aurora-postgresql", model.Location{})

	cases := []struct {
		name       string // the AWS rule the case follows (docs/backtrack-rules.md)
		c          model.Cluster
		rule       string
		min        int64
		reason     model.Reason
		path       model.RemediationPath
		target     int64
		cliHas     []string
		cliHasNot  []string
		iacSnippet string
	}{
		{"HCL absent window: set if new, migrate if it exists", tfCluster(model.Value[int64]{}), "KG-BT-001", 86400,
			model.ReasonBacktrackDisabled, model.PathSetOrMigrate, 86400,
			[]string{"restore-db-cluster-from-snapshot", "--backtrack-window 86400"}, []string{"modify-db-cluster"}, "backtrack_window = 86400 # 24h"},
		{"short window on enabled cluster: modify in place", tfCluster(attr(3600)), "KG-BT-002", 86400,
			model.ReasonWindowBelowMinimum, model.PathRaiseWindow, 86400,
			[]string{"modify-db-cluster --db-cluster-identifier orders --backtrack-window 86400 --apply-immediately"}, []string{"restore-db-cluster"}, "backtrack_window = 86400 # 24h"},
		{"24 meant as hours: 86400", tfCluster(attr(24)), "KG-BT-002", 86400,
			model.ReasonWindowLikelyHours, model.PathRaiseWindow, 86400, []string{"--backtrack-window 86400"}, nil, "backtrack_window = 86400 # 24h"},
		{"72 meant as hours: 259200, above the minimum", tfCluster(attr(72)), "KG-BT-002", 86400,
			model.ReasonWindowLikelyHours, model.PathRaiseWindow, 259200, []string{"--backtrack-window 259200"}, nil, "backtrack_window = 259200 # 72h"},
		{"12 meant as hours but below a 48h minimum: minimum", tfCluster(attr(12)), "KG-BT-002", 172800,
			model.ReasonWindowLikelyHours, model.PathRaiseWindow, 172800, []string{"--backtrack-window 172800"}, nil, "backtrack_window = 172800 # 48h"},
		{"live cluster without backtrack: migrate", liveCluster(0), "KG-BT-001", 86400,
			model.ReasonBacktrackDisabled, model.PathMigrate, 86400,
			[]string{"aws sts get-caller-identity", "create-db-cluster-snapshot --db-cluster-identifier orders --db-cluster-snapshot-identifier orders-pre-backtrack --tags Key=kumoguard:backtrack-migration-from,Value=orders --region ap-northeast-1",
				"--db-cluster-identifier orders-bt --snapshot-identifier orders-pre-backtrack --engine aurora-mysql --engine-version 8.0.mysql_aurora.3.04.0 --backtrack-window 86400",
				"--db-instance-class db.r6g.large"}, []string{"modify-db-cluster", "copy-on-write"}, ""},
		{"live enabled, short window: modify, account and region filled", liveCluster(7200), "KG-BT-002", 86400,
			model.ReasonWindowBelowMinimum, model.PathRaiseWindow, 86400,
			[]string{"modify-db-cluster --db-cluster-identifier orders --backtrack-window 86400 --apply-immediately --region ap-northeast-1", "get-caller-identity"}, []string{"restore"}, ""},
		{"plan creates the cluster: set the window", planCreate, "KG-BT-001", 86400,
			model.ReasonBacktrackDisabled, model.PathSetWindow, 86400, []string{"create-db-cluster", "--manage-master-user-password", "--backtrack-window 86400"}, []string{"modify-db-cluster"}, "backtrack_window = 86400 # 24h"},
		{"plan creates the cluster with a short window: set it, never modify-db-cluster", planCreateShort, "KG-BT-002", 86400,
			model.ReasonWindowBelowMinimum, model.PathSetWindow, 86400, []string{"create-db-cluster", "--backtrack-window 86400"}, []string{"modify-db-cluster"}, "backtrack_window = 86400 # 24h"},
		{"plan: cluster exists without backtrack: migrate", planNoop, "KG-BT-001", 86400,
			model.ReasonBacktrackDisabled, model.PathMigrate, 86400, []string{"restore-db-cluster-from-snapshot"}, []string{"modify-db-cluster"}, ""},
		{"plan enables on existing cluster: migrate", planEnable, "KG-BT-001", 86400,
			model.ReasonEnableOnExistingCluster, model.PathMigrate, 86400, []string{"restore-db-cluster-from-snapshot"}, []string{"modify-db-cluster"}, ""},
		{"plan disables: keep the prior window", planDisable, "KG-BT-001", 86400,
			model.ReasonDisableIrreversible, model.PathKeepWindow, 43200, nil, []string{"--backtrack-window 0"}, "backtrack_window = 43200 # 12h"},
		{"out of scope: nothing to do", postgres, "KG-BT-001", 86400,
			model.ReasonEngineNotAuroraMySQL, model.PathNone, 0, nil, nil, ""},
		{"pass: nothing to do", liveCluster(86400), "KG-BT-002", 86400,
			model.ReasonWindowMeetsMinimum, model.PathNone, 0, nil, nil, ""},
		{"out of range: 259200", tfCluster(attr(300000)), "KG-BT-002", 86400,
			model.ReasonWindowOutOfRange, model.PathFixInput, 259200, nil, nil, "backtrack_window = 259200 # 72h"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := findingFor(t, tc.c, tc.rule, tc.min)
			if f.Reason != tc.reason {
				t.Fatalf("policy reason %s, want %s", f.Reason, tc.reason)
			}
			r := Remediate(f)
			if r.Path != tc.path {
				t.Errorf("path %s, want %s", r.Path, tc.path)
			}
			if r.TargetWindowSeconds != tc.target {
				t.Errorf("target %d, want %d", r.TargetWindowSeconds, tc.target)
			}
			if r.Summary.EN == "" || r.Summary.JA == "" {
				t.Errorf("summary missing a language: %+v", r.Summary)
			}
			var cli strings.Builder
			for _, c := range r.CLI {
				cli.WriteString(c.Command + "\n")
				if c.Purpose.EN == "" || c.Purpose.JA == "" {
					t.Errorf("command %q lacks a bilingual purpose", c.Command)
				}
			}
			for _, want := range tc.cliHas {
				if !strings.Contains(cli.String(), want) {
					t.Errorf("CLI lacks %q:\n%s", want, cli.String())
				}
			}
			for _, bad := range tc.cliHasNot {
				if strings.Contains(cli.String(), bad) {
					t.Errorf("CLI must not contain %q (backtrack can only be enabled at creation):\n%s", bad, cli.String())
				}
			}
			if tc.iacSnippet != "" {
				if len(r.IaC) != 1 || !strings.Contains(r.IaC[0].Snippet, tc.iacSnippet) {
					t.Errorf("IaC change %+v, want snippet %q", r.IaC, tc.iacSnippet)
				}
			}
			for _, s := range r.Console {
				if s.EN == "" || s.JA == "" {
					t.Errorf("console step lacks a language: %+v", s)
				}
			}
			if tc.path == model.PathMigrate && r.Runbook == "" {
				t.Error("migration without a runbook command")
			}
		})
	}
}

func TestConsoleUsesHoursAndTheConsoleLabels(t *testing.T) {
	f := findingFor(t, liveCluster(3600), "KG-BT-002", 129600)
	r := Remediate(f)
	all := ""
	for _, s := range r.Console {
		all += s.EN + "\n" + s.JA + "\n"
	}
	for _, want := range []string{"Target Backtrack window to 36 hours", "Modify Cluster", "Apply immediately", "ターゲットバックトラックウィンドウ", "?region=ap-northeast-1", "account 111122223333"} {
		if !strings.Contains(all, want) {
			t.Errorf("console steps lack %q:\n%s", want, all)
		}
	}
}

func TestProvenanceDecidesWhereTheCodeChanges(t *testing.T) {
	def := model.Location{File: "variables.tf", Line: 3, Column: 13}
	cases := []struct {
		kind      model.SourceKind
		origin    model.Origin
		snippet   string
		automatic bool
	}{
		{model.SourceTerraform, model.Origin{Kind: model.OriginVariableDefault, Name: "bt", Location: def}, "variable \"bt\" {\n  default = 86400 # 24h\n}", true},
		{model.SourceTerraform, model.Origin{Kind: model.OriginVarFile, Name: "bt", Location: def}, "bt = 86400 # 24h", true},
		{model.SourceTerraform, model.Origin{Kind: model.OriginVarFile, Name: "windows", Key: "staging", Location: def}, "staging = 86400 # 24h", true},
		{model.SourceTerraform, model.Origin{Kind: model.OriginVariableDefault, Name: "windows", Key: "eu-west-1", Location: def}, "eu-west-1 = 86400 # 24h", true},
		{model.SourceTerraform, model.Origin{Kind: model.OriginLocal, Name: "windows", Key: "prod env", Location: def}, "\"prod env\" = 86400 # 24h", true},
		{model.SourceTerraform, model.Origin{Kind: model.OriginLocal, Name: "bt", Location: def}, "locals {\n  bt = 86400 # 24h\n}", true},
		{model.SourceTerraform, model.Origin{Kind: model.OriginModuleArgument, Name: "backtrack_window", Location: def}, "backtrack_window = 86400 # 24h", true},
		{model.SourceTerraform, model.Origin{Kind: model.OriginVarFlag, Name: "bt"}, "-var bt=86400", false},
		{model.SourceTerraform, model.Origin{Kind: model.OriginEnvironment, Name: "bt"}, "TF_VAR_bt=86400", false},
		{model.SourceCloudFormation, model.Origin{Kind: model.OriginParameterDefault, Name: "Window", Location: def}, "Parameters:\n  Window:\n    Default: 86400", true},
		{model.SourceCloudFormation, model.Origin{Kind: model.OriginParameterFile, Name: "Window"}, "Window=86400", false},
		{model.SourceCloudFormation, model.Origin{Kind: model.OriginAttribute, Location: def}, "BacktrackWindow: 86400", true},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind)+"/"+string(tc.origin.Kind), func(t *testing.T) {
			f := model.Finding{RuleID: "KG-BT-002", Status: model.StatusFail, Reason: model.ReasonWindowBelowMinimum,
				Resource:   model.Resource{Kind: tc.kind, Address: "db", Name: "orders"},
				Details:    map[string]any{"window_seconds": int64(3600)},
				Provenance: []model.Origin{{Kind: model.OriginAttribute}, tc.origin},
				Resolution: &model.Resolution{Path: model.PathRaiseWindow, Step: model.StepRaise, Window: 3600, WindowKnown: true,
					Target: 86400, Basis: model.BasisMinimum, Minimum: 86400}}
			r := Remediate(f)
			if len(r.IaC) != 1 {
				t.Fatalf("IaC changes: %+v", r.IaC)
			}
			ch := r.IaC[0]
			if ch.Snippet != tc.snippet || ch.Automatic != tc.automatic {
				t.Errorf("got snippet %q automatic %v, want %q %v", ch.Snippet, ch.Automatic, tc.snippet, tc.automatic)
			}
			if ch.Location != tc.origin.Location {
				t.Errorf("location %v, want %v", ch.Location, tc.origin.Location)
			}
			if ch.Description.EN == "" || ch.Description.JA == "" {
				t.Errorf("description lacks a language: %+v", ch.Description)
			}
		})
	}
}

func TestEnrichReplacesTextAndMatchesClusters(t *testing.T) {
	c := liveCluster(0)
	inv := model.Inventory{Clusters: []model.Cluster{c}}
	fs := policy.Evaluate(inv, policy.Options{MinWindowSeconds: 86400})
	rs := Enrich(fs)
	if len(rs) != len(fs) {
		t.Fatalf("%d remediations for %d findings", len(rs), len(fs))
	}
	for i, f := range fs {
		if f.RuleID != "KG-BT-001" && f.RuleID != "KG-BT-002" {
			continue
		}
		if rs[i].Path != model.PathMigrate {
			t.Errorf("%s: path %s", f.RuleID, rs[i].Path)
		}
		if !strings.Contains(f.Remediation.EN, "--db-instance-class db.r6g.large") || !strings.Contains(f.Remediation.JA, "AWS CLI：") {
			t.Errorf("%s: remediation text not replaced: %q", f.RuleID, f.Remediation.EN)
		}
	}
}

func TestShellQuoteAndNames(t *testing.T) {
	if got := shellQuote("it's"); got != `'it'\''s'` {
		t.Errorf("quote: %s", got)
	}
	if got := shellQuote("orders-1"); got != "orders-1" {
		t.Errorf("quote safe: %s", got)
	}
	long := strings.Repeat("a", 60)
	n := NamesFor(long)
	if len(n.Snapshot) > 63 || len(n.NewCluster) > 63 || !strings.HasSuffix(n.NewCluster, "-bt") {
		t.Errorf("names: %+v", n)
	}
}

func TestOtherFailuresKeepThePolicyText(t *testing.T) {
	f := model.Finding{RuleID: "KG-BT-003", Status: model.StatusFail, Reason: model.ReasonActualWindowBelowTarget,
		Remediation: model.T("Reduce write volume or lower the target.", "書き込み量を減らすか目標を下げてください。")}
	r := Remediate(f)
	if r.Path != model.PathManual || r.Summary != f.Remediation || len(r.CLI) != 0 {
		t.Errorf("%+v", r)
	}
}

// TestReduceWritesNeverBelowTheMinimum: the achieved window falling short
// never leads to advice to set a target below the policy minimum.
func TestReduceWritesNeverBelowTheMinimum(t *testing.T) {
	for _, tc := range []struct {
		target, actual, minimum int64
		want                    string
	}{
		{259200, 100000, 86400, "--backtrack-window 100000"},
		{259200, 3600, 86400, "--backtrack-window 86400"},
		{259200, -1, 86400, "--backtrack-window 86400"},
		{86400, 3600, 86400, "not a way out"},
		{3600, 1800, 86400, "not a way out"},
	} {
		f := model.Finding{Resource: model.Resource{Name: "db"}}
		got := reduceWrites(f, tc.target, tc.actual, tc.minimum)
		if !strings.Contains(got.EN, tc.want) || got.JA == "" {
			t.Errorf("target %d actual %d min %d: %q, want %q", tc.target, tc.actual, tc.minimum, got.EN, tc.want)
		}
	}
}
