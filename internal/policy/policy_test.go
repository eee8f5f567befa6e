package policy

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kumoguard/kumoguard/internal/model"
)

var now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func loc(line int) model.Location { return model.Location{File: "main.tf", Line: line, Column: 3} }

func known[T comparable](v T) model.Value[T] { return model.KnownValue(v, loc(5)) }

// base is an in-scope provisioned Aurora MySQL v3 cluster declared in Terraform.
func base() model.Cluster {
	return model.Cluster{
		Source: model.SourceTerraform, Type: "aws_rds_cluster", Address: "aws_rds_cluster.db", Name: "db",
		Location:      loc(1),
		Engine:        known("aurora-mysql"),
		EngineVersion: known("8.0.mysql_aurora.3.04.0"),
	}
}

func with(f func(*model.Cluster)) model.Cluster {
	c := base()
	f(&c)
	return c
}

func window(w int64) func(*model.Cluster) {
	return func(c *model.Cluster) { c.BacktrackWindow = model.KnownValue(w, loc(7)) }
}

type want struct {
	status model.Status
	reason model.Reason
}

func TestRules(t *testing.T) {
	tests := []struct {
		name    string
		fact    string // the AWS page (docs/backtrack-rules.md) the expectation follows
		cluster model.Cluster
		bt001   want
		bt002   want
		msg     string // substring of the KG-BT-002 English message, when it matters
		note    string // substring of a note on the findings
	}{
		{"window 24h passes both", "API_CreateDBCluster", with(window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", ""},
		{"window 72h max passes", "API_CreateDBCluster max 259200", with(window(259200)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", ""},
		{"absent window is 0, disabled", "API_CreateDBCluster default 0", base(),
			want{model.StatusFail, model.ReasonBacktrackDisabled}, want{model.StatusFail, model.ReasonWindowBelowMinimum}, "is 0", ""},
		{"explicit 0 disabled", "API_CreateDBCluster", with(window(0)),
			want{model.StatusFail, model.ReasonBacktrackDisabled}, want{model.StatusFail, model.ReasonWindowBelowMinimum}, "", ""},
		{"72 is seconds, not hours", "rds_cluster backtrack_window is seconds", with(window(72)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusFail, model.ReasonWindowLikelyHours}, "did you mean 259200 for 72 hours", ""},
		{"1 hour below 24h minimum", "API_CreateDBCluster", with(window(3600)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusFail, model.ReasonWindowBelowMinimum}, "below the minimum of 86400 (24h)", ""},
		{"above 259200 out of range", "API_CreateDBCluster range", with(window(300000)),
			want{model.StatusError, model.ReasonWindowOutOfRange}, want{model.StatusError, model.ReasonWindowOutOfRange}, "out of range", ""},
		{"negative out of range", "API_CreateDBCluster range", with(window(-1)),
			want{model.StatusError, model.ReasonWindowOutOfRange}, want{model.StatusError, model.ReasonWindowOutOfRange}, "", ""},
		{"invalid window", "rds_cluster backtrack_window TypeInt", with(func(c *model.Cluster) {
			c.BacktrackWindow = model.InvalidValue[int64](loc(7), model.T(`expected a number, got "abc"`, `数値が必要ですが "abc" です`))
		}), want{model.StatusError, model.ReasonInvalidValue}, want{model.StatusError, model.ReasonInvalidValue}, `got "abc"`, ""},
		{"unknown window", "", with(func(c *model.Cluster) {
			c.BacktrackWindow = model.UnknownValue[int64](loc(7), model.T(`variable "w" has no value`, `変数 "w" に値がありません`))
		}), want{model.StatusUnknown, model.ReasonUnresolvedValue}, want{model.StatusUnknown, model.ReasonUnresolvedValue}, `variable "w" has no value`, ""},
		{"unknown window, all candidates disabled", "", with(func(c *model.Cluster) {
			c.BacktrackWindow = model.UnknownValue[int64](loc(7), model.T("var.env unknown", "var.env 不明"), 0, 0)
		}), want{model.StatusFail, model.ReasonBacktrackDisabled}, want{model.StatusFail, model.ReasonWindowBelowMinimum}, "", "every possible value (0, 0)"},
		{"unknown window, candidates disagree", "", with(func(c *model.Cluster) {
			c.BacktrackWindow = model.UnknownValue[int64](loc(7), model.T("var.env unknown", "var.env 不明"), 86400, 0)
		}), want{model.StatusUnknown, model.ReasonUnresolvedValue}, want{model.StatusUnknown, model.ReasonUnresolvedValue}, "give different verdicts", ""},
		{"unknown window, candidates all pass", "", with(func(c *model.Cluster) {
			c.BacktrackWindow = model.UnknownValue[int64](loc(7), model.T("var.env unknown", "var.env 不明"), 86400, 259200)
		}), want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", "every possible value"},
		{"aurora postgresql out of scope", "Backtrack: Aurora MySQL only", with(func(c *model.Cluster) { c.Engine = known("aurora-postgresql") }),
			want{model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL}, want{model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL}, "", ""},
		{"rds multi-az mysql out of scope", "Backtrack: Aurora MySQL only", with(func(c *model.Cluster) { c.Engine = known("mysql") }),
			want{model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL}, want{model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL}, "", ""},
		{"legacy aurora v1 in scope with EOL note", "Aurora.MySQL56.EOL", with(func(c *model.Cluster) { c.Engine = known("aurora"); window(86400)(c) }),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", "end of life on 28 Feb 2023"},
		{"v2 in scope with extended support note", "extended-support", with(func(c *model.Cluster) { c.EngineVersion = known("5.7.mysql_aurora.2.11.2"); window(86400)(c) }),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", "28 Feb 2027"},
		{"engine not set", "version-5-upgrade: engine required", with(func(c *model.Cluster) { c.Engine = model.Value[string]{} }),
			want{model.StatusUnknown, model.ReasonEngineNotSet}, want{model.StatusUnknown, model.ReasonEngineNotSet}, "", ""},
		{"engine unknown", "", with(func(c *model.Cluster) { c.Engine = model.UnknownValue[string](loc(3), model.T("x", "x")) }),
			want{model.StatusUnknown, model.ReasonUnresolvedValue}, want{model.StatusUnknown, model.ReasonUnresolvedValue}, "", ""},
		{"engine unknown but all candidates postgres", "Backtrack: Aurora MySQL only", with(func(c *model.Cluster) {
			c.Engine = model.UnknownValue[string](loc(3), model.T("x", "x"), "aurora-postgresql", "postgres")
		}), want{model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL}, want{model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL}, "", ""},
		{"serverless v1 out of scope", "aurora-serverless (v1)", with(func(c *model.Cluster) { c.EngineMode = known("serverless"); window(86400)(c) }),
			want{model.StatusNotApplicable, model.ReasonServerlessV1}, want{model.StatusNotApplicable, model.ReasonServerlessV1}, "", ""},
		{"multimaster out of scope", "Backtrack: legacy modes", with(func(c *model.Cluster) { c.EngineMode = known("multimaster") }),
			want{model.StatusNotApplicable, model.ReasonEngineModeUnsupported}, want{model.StatusNotApplicable, model.ReasonEngineModeUnsupported}, "", ""},
		{"parallelquery out of scope", "aurora-mysql-parallel-query", with(func(c *model.Cluster) { c.EngineMode = known("parallelquery") }),
			want{model.StatusNotApplicable, model.ReasonEngineModeUnsupported}, want{model.StatusNotApplicable, model.ReasonEngineModeUnsupported}, "", ""},
		{"global engine mode out of scope", "Backtrack: legacy modes", with(func(c *model.Cluster) { c.EngineMode = known("global") }),
			want{model.StatusNotApplicable, model.ReasonEngineModeUnsupported}, want{model.StatusNotApplicable, model.ReasonEngineModeUnsupported}, "", ""},
		{"bogus engine mode is an error", "rds_cluster engine_mode values", with(func(c *model.Cluster) { c.EngineMode = known("turbo") }),
			want{model.StatusError, model.ReasonInvalidValue}, want{model.StatusError, model.ReasonInvalidValue}, "", ""},
		{"global member out of scope", "aurora-global-database", with(func(c *model.Cluster) { c.GlobalClusterID = known("aws_rds_global_cluster.g") }),
			want{model.StatusNotApplicable, model.ReasonGlobalDatabaseMember}, want{model.StatusNotApplicable, model.ReasonGlobalDatabaseMember}, "", ""},
		{"global membership unknown", "", with(func(c *model.Cluster) { c.GlobalClusterID = model.UnknownValue[string](loc(4), model.T("x", "x")) }),
			want{model.StatusUnknown, model.ReasonUnresolvedValue}, want{model.StatusUnknown, model.ReasonUnresolvedValue}, "", ""},
		{"binlog replica out of scope", "re:Post: binlog replication", with(func(c *model.Cluster) { c.ReplicationSource = known("arn:aws:rds:us-east-1:1:cluster:src") }),
			want{model.StatusNotApplicable, model.ReasonBinlogReplication}, want{model.StatusNotApplicable, model.ReasonBinlogReplication}, "", ""},
		{"binlog source out of scope", "re:Post: binlog replication", with(func(c *model.Cluster) { c.ReadReplicas = []string{"replica-1"} }),
			want{model.StatusNotApplicable, model.ReasonBinlogReplication}, want{model.StatusNotApplicable, model.ReasonBinlogReplication}, "", ""},
		{"region without backtrack, disabled", "re:Post: regions", with(func(c *model.Cluster) { c.Source = model.SourceAWS; c.Region = "sa-east-1"; window(0)(c) }),
			want{model.StatusNotApplicable, model.ReasonRegionUnsupported}, want{model.StatusNotApplicable, model.ReasonRegionUnsupported}, "", ""},
		{"region list unconfirmed: a window there is evaluated", "re:Post: regions", with(func(c *model.Cluster) { c.Source = model.SourceAWS; c.Region = "sa-east-1"; window(3600)(c) }),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusFail, model.ReasonWindowBelowMinimum}, "", ""},
		{"serverless v2 in scope, support unconfirmed", "aurora-serverless-v2.requirements", with(func(c *model.Cluster) { c.ServerlessV2 = known(true); window(86400)(c) }),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", "Serverless v2"},
		{"clone note", "Aurora.Managing.Clone", with(func(c *model.Cluster) { c.Creation = model.CreateClone; c.CreationSource = "prod"; window(86400)(c) }),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", "copy-on-write clone"},
		{"plan enables on existing cluster", "Backtrack.Configuring: only at creation", with(func(c *model.Cluster) {
			c.Source = model.SourceTerraformPlan
			c.Action = model.ActionUpdate
			c.PriorBacktrackWindow = known(int64(0))
			window(86400)(c)
		}), want{model.StatusFail, model.ReasonEnableOnExistingCluster}, want{model.StatusFail, model.ReasonEnableOnExistingCluster}, "AWS rejects this", ""},
		{"plan disables backtrack", "Backtrack.Disabling: 0 is for good", with(func(c *model.Cluster) {
			c.Source = model.SourceTerraformPlan
			c.Action = model.ActionUpdate
			c.PriorBacktrackWindow = known(int64(86400))
			window(0)(c)
		}), want{model.StatusFail, model.ReasonDisableIrreversible}, want{model.StatusFail, model.ReasonDisableIrreversible}, "irreversible", ""},
		{"plan raises window on enabled cluster", "Aurora.Modifying: in place", with(func(c *model.Cluster) {
			c.Source = model.SourceTerraformPlan
			c.Action = model.ActionUpdate
			c.PriorBacktrackWindow = known(int64(3600))
			window(86400)(c)
		}), want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", ""},
		{"plan creates with backtrack", "Backtrack.Configuring", with(func(c *model.Cluster) {
			c.Source = model.SourceTerraformPlan
			c.Action = model.ActionCreate
			window(86400)(c)
		}), want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", ""},
		{"plan deletes", "", with(func(c *model.Cluster) { c.Source = model.SourceTerraformPlan; c.Action = model.ActionDelete }),
			want{model.StatusNotApplicable, model.ReasonResourceDeleted}, want{model.StatusNotApplicable, model.ReasonResourceDeleted}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Evaluate(model.Inventory{Clusters: []model.Cluster{tt.cluster}}, Options{MinWindowSeconds: 86400, Now: now})
			got := map[string]model.Finding{}
			for _, f := range fs {
				got[f.RuleID] = f
			}
			for id, w := range map[string]want{"KG-BT-001": tt.bt001, "KG-BT-002": tt.bt002} {
				f, ok := got[id]
				if !ok {
					t.Fatalf("%s: no finding", id)
				}
				if f.Status != w.status || f.Reason != w.reason {
					t.Errorf("%s = %s/%s, want %s/%s (AWS: %s); message: %s", id, f.Status, f.Reason, w.status, w.reason, tt.fact, f.Message.EN)
				}
				checkBilingual(t, id+" message", f.Message)
				// The policy decides the way out as facts and writes no words.
				if f.Resolution == nil || f.Resolution.Path == "" || !f.Remediation.IsZero() {
					t.Errorf("%s: resolution %+v, remediation text %q", id, f.Resolution, f.Remediation.EN)
				}
				if f.Cluster == nil || f.Cluster.Address != tt.cluster.Address {
					t.Errorf("%s: the finding does not carry its cluster", id)
				}
				if f.Fingerprint == "" || f.Resource.Address != tt.cluster.Address || f.Location.IsZero() {
					t.Errorf("%s: fingerprint/resource/location not filled: %+v", id, f)
				}
			}
			if tt.msg != "" && !strings.Contains(got["KG-BT-002"].Message.EN, tt.msg) {
				t.Errorf("KG-BT-002 message %q does not contain %q", got["KG-BT-002"].Message.EN, tt.msg)
			}
			if tt.note != "" {
				found := false
				for _, n := range got["KG-BT-001"].Notes {
					checkBilingual(t, "note", n)
					if strings.Contains(n.EN, tt.note) {
						found = true
					}
				}
				if !found {
					t.Errorf("no note containing %q in %v", tt.note, got["KG-BT-001"].Notes)
				}
			}
		})
	}
}

// checkBilingual fails when a text lacks either language or its Japanese
// text has no Japanese in it.
func checkBilingual(t *testing.T, what string, tx model.Text) {
	t.Helper()
	if tx.EN == "" || tx.JA == "" {
		t.Errorf("%s: missing a language: %+v", what, tx)
		return
	}
	for _, r := range tx.JA {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return
		}
	}
	t.Errorf("%s: Japanese text has no Japanese: %q", what, tx.JA)
}

func TestLocationPointsAtDecidingExpression(t *testing.T) {
	c := with(window(72))
	fs := Evaluate(model.Inventory{Clusters: []model.Cluster{c}}, Options{MinWindowSeconds: 86400, Now: now})
	for _, f := range fs {
		if f.Location != loc(7) {
			t.Errorf("%s location = %v, want the window expression %v", f.RuleID, f.Location, loc(7))
		}
	}
	// Absent window: the resource block.
	fs = Evaluate(model.Inventory{Clusters: []model.Cluster{base()}}, Options{MinWindowSeconds: 86400, Now: now})
	for _, f := range fs {
		if f.Location != loc(1) {
			t.Errorf("%s location = %v, want the resource %v", f.RuleID, f.Location, loc(1))
		}
	}
	// Out of scope by engine: the engine expression.
	fs = Evaluate(model.Inventory{Clusters: []model.Cluster{with(func(c *model.Cluster) { c.Engine = known("aurora-postgresql") })}}, Options{Now: now})
	for _, f := range fs {
		if f.Location != loc(5) {
			t.Errorf("%s location = %v, want the engine expression %v", f.RuleID, f.Location, loc(5))
		}
	}
}

func TestMinWindowOption(t *testing.T) {
	c := with(window(43200)) // 12 h
	for _, tc := range []struct {
		min  int64
		want model.Status
	}{{86400, model.StatusFail}, {43200, model.StatusPass}, {3600, model.StatusPass}} {
		fs := Evaluate(model.Inventory{Clusters: []model.Cluster{c}}, Options{MinWindowSeconds: tc.min, Now: now})
		for _, f := range fs {
			if f.RuleID == "KG-BT-002" && f.Status != tc.want {
				t.Errorf("min %d: KG-BT-002 = %s, want %s", tc.min, f.Status, tc.want)
			}
		}
	}
}

func TestDiagnosticsBecomeFindings(t *testing.T) {
	inv := model.Inventory{Diagnostics: []model.Diagnostic{
		{Status: model.StatusError, Reason: model.ReasonParseError, Location: model.Location{File: "bad.tf", Line: 3, Column: 9},
			Message: model.T("Invalid expression", "不正な式")},
		{Status: model.StatusUnknown, Reason: model.ReasonModuleNotInstalled, Resource: model.Resource{Address: "module.vpc"},
			Location: model.Location{File: "main.tf", Line: 10, Column: 1}, Message: model.T("module not installed", "モジュール未インストール")},
	}}
	fs := Evaluate(inv, Options{Now: now})
	if len(fs) != 2 {
		t.Fatalf("got %d findings", len(fs))
	}
	for _, f := range fs {
		if f.RuleID != "KG-BT-000" || f.Fingerprint == "" || f.Resolution == nil || f.Resolution.Advice.IsZero() || f.Cluster != nil {
			t.Errorf("finding %+v", f)
		}
	}
	if fs[0].Status != model.StatusError || fs[0].Location.File != "bad.tf" || fs[1].Status != model.StatusUnknown {
		t.Errorf("statuses/order: %s %s %s", fs[0].Status, fs[0].Location, fs[1].Status)
	}
}

func TestRuleMetadataBilingual(t *testing.T) {
	for _, r := range Rules() {
		checkBilingual(t, r.ID+" title", r.Title)
		checkBilingual(t, r.ID+" rationale", r.Rationale)
		checkBilingual(t, r.ID+" help", r.Help)
		if r.HelpURI == "" || r.SecuritySeverity == "" || r.Severity == "" {
			t.Errorf("%s: metadata incomplete", r.ID)
		}
	}
}
