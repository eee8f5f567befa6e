package policy

import (
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

func version(v string) func(*model.Cluster) {
	return func(c *model.Cluster) { c.EngineVersion = model.KnownValue(v, loc(4)) }
}

func all(fs ...func(*model.Cluster)) model.Cluster {
	c := base()
	for _, f := range fs {
		f(&c)
	}
	return c
}

// TestEngineVersionBoundaries: Aurora MySQL 2 has backtrack from 2.06.0 and
// AWS rejected it on 3.02.0 (AuroraMySQL.Managing.Backtrack.html;
// cloudformation-coverage-roadmap#1357). A window there is a FAIL of its
// own; other versions are judged as before.
func TestEngineVersionBoundaries(t *testing.T) {
	tests := []struct {
		name       string
		cluster    model.Cluster
		bt001      want
		bt002      want
		note       string // substring of a note on KG-BT-001
		noTarget   bool   // the way out writes no window
		locVersion bool   // the finding points at engine_version
	}{
		{"2.05.0 with a window fails", all(version("5.7.mysql_aurora.2.05.0"), window(86400)),
			want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, "", true, true},
		{"2.04.9 with a short window fails on the version", all(version("5.7.mysql_aurora.2.04.9"), window(72)),
			want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, "", true, true},
		{"2.06.0 is the first with backtrack", all(version("5.7.mysql_aurora.2.06.0"), window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "28 Feb 2027", false, false},
		{"2.11.2 passes", all(version("5.7.mysql_aurora.2.11.2"), window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", false, false},
		{"2.05 without a window: disabled, way out is the version", all(version("5.7.mysql_aurora.2.05.0")),
			want{model.StatusFail, model.ReasonBacktrackDisabled}, want{model.StatusFail, model.ReasonWindowBelowMinimum}, "supports it only from 2.06.0", true, false},
		{"3.02.0 with a window fails", all(version("8.0.mysql_aurora.3.02.0"), window(86400)),
			want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, "", true, true},
		{"3.02.1 evaluated, support unconfirmed", all(version("8.0.mysql_aurora.3.02.1"), window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "rejected backtrack on 3.02.0", false, false},
		{"3.01.0 evaluated, support unconfirmed", all(version("8.0.mysql_aurora.3.01.0"), window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "lowest Aurora MySQL 3 version", false, false},
		{"3.03.0 passes", all(version("8.0.mysql_aurora.3.03.0"), window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", false, false},
		{"3.10.0 passes", all(version("8.0.mysql_aurora.3.10.0"), window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", false, false},
		{"unparseable 5.7.12 evaluated with a note", all(version("5.7.12"), window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "cannot read the Aurora MySQL version", false, false},
		{"unparseable 8.4 version evaluated", all(version("8.4.5"), window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", false, false},
		{"unknown version, every candidate rejected", all(func(c *model.Cluster) {
			c.EngineVersion = model.UnknownValue[string](loc(4), model.T("var.v", "var.v"), "5.7.mysql_aurora.2.03.2", "8.0.mysql_aurora.3.02.0")
		}, window(86400)),
			want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, "", true, true},
		{"unknown version, one candidate supported: evaluated", all(func(c *model.Cluster) {
			c.EngineVersion = model.UnknownValue[string](loc(4), model.T("var.v", "var.v"), "5.7.mysql_aurora.2.03.2", "8.0.mysql_aurora.3.04.0")
		}, window(86400)),
			want{model.StatusPass, model.ReasonBacktrackEnabled}, want{model.StatusPass, model.ReasonWindowMeetsMinimum}, "", false, false},
		{"plan enabling on an existing 2.05 cluster: the version first", all(version("5.7.mysql_aurora.2.05.0"), func(c *model.Cluster) {
			c.Source, c.Action, c.PriorBacktrackWindow = model.SourceTerraformPlan, model.ActionUpdate, known(int64(0))
		}, window(86400)),
			want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, want{model.StatusFail, model.ReasonEngineVersionWithoutBacktrack}, "", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := byRule(Evaluate(model.Inventory{Clusters: []model.Cluster{tt.cluster}}, Options{MinWindowSeconds: 86400, Now: now}))
			for id, w := range map[string]want{"KG-BT-001": tt.bt001, "KG-BT-002": tt.bt002} {
				f := got[id]
				if f.Status != w.status || f.Reason != w.reason {
					t.Errorf("%s = %s/%s, want %s/%s; message: %s", id, f.Status, f.Reason, w.status, w.reason, f.Message.EN)
				}
				checkBilingual(t, id+" message", f.Message)
				if f.Resolution == nil {
					t.Fatalf("%s: no resolution", id)
				}
				if tt.noTarget && (f.Resolution.Target != 0 || f.Resolution.Step != model.StepUpgradeEngine) {
					t.Errorf("%s: resolution %+v, want upgrade_engine without a target", id, *f.Resolution)
				}
				if tt.locVersion && f.Location != loc(4) {
					t.Errorf("%s location %v, want the engine_version %v", id, f.Location, loc(4))
				}
				if w.reason == model.ReasonEngineVersionWithoutBacktrack && !strings.Contains(f.Message.EN, "will not work") {
					t.Errorf("%s message should say backtracking will not work: %s", id, f.Message.EN)
				}
			}
			if tt.note != "" && !hasNote(got["KG-BT-001"], tt.note) {
				t.Errorf("no note containing %q in %v", tt.note, got["KG-BT-001"].Notes)
			}
		})
	}
}

func byRule(fs []model.Finding) map[string]model.Finding {
	out := map[string]model.Finding{}
	for _, f := range fs {
		out[f.RuleID] = f
	}
	return out
}

func hasNote(f model.Finding, sub string) bool {
	for _, n := range f.Notes {
		if strings.Contains(n.EN, sub) && n.JA != "" {
			return true
		}
	}
	return false
}

func TestParseAuroraVersion(t *testing.T) {
	for in, want := range map[string]string{
		"5.7.mysql_aurora.2.06.0": "2.06.0", "8.0.mysql_aurora.3.02.0": "3.02.0", "8.0.MYSQL_AURORA.3.10": "3.10",
		"5.6.mysql_aurora.1.22.2": "1.22.2", "5.7.12": "", "8.0": "", "8.0.mysql_aurora.3.x.0": "", "8.0.mysql_aurora.3": "",
		"8.0.mysql_aurora.3.04.0.1": "",
	} {
		v, ok := parseAuroraVersion(in)
		if got := map[bool]string{true: v.String()}[ok]; got != want {
			t.Errorf("parseAuroraVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExclusions: enhanced binlog and zero-ETL exclude backtrack
// (AuroraMySQL.Enhanced.binlog.html; zero-etl.setting-up.html): the cluster
// is NOT_APPLICABLE with its own reason, the way out writes no window, and
// what could not be read makes scope UNKNOWN, never in scope.
func TestExclusions(t *testing.T) {
	binlogOn := func(c *model.Cluster) {
		c.EnhancedBinlog = model.KnownValue(true, loc(20), model.Origin{Kind: model.OriginReference, Name: "aurora-binlog", Location: loc(20)})
	}
	zeroETL := func(c *model.Cluster) {
		c.ZeroETL = model.KnownValue(1, loc(30))
		c.ZeroETLIntegrations = []string{"orders-to-redshift"}
	}
	denied := model.T("AccessDenied: rds:DescribeIntegrations", "AccessDenied: rds:DescribeIntegrations")
	tests := []struct {
		name   string
		c      model.Cluster
		want   want
		where  model.Location
		msg    string
		step   model.ResolutionStep
		live   bool
		rule3  bool // KG-BT-003 has the same verdict
		passes bool // in scope
	}{
		{"enhanced binlog on", all(binlogOn), want{model.StatusNotApplicable, model.ReasonEnhancedBinlog}, loc(20), "parameter group aurora-binlog", model.StepScope, false, false, false},
		{"enhanced binlog on and a window: conflict explained", all(binlogOn, window(86400)), want{model.StatusNotApplicable, model.ReasonEnhancedBinlog}, loc(20), "AWS does not allow both", model.StepScope, false, false, false},
		{"enhanced binlog off", all(func(c *model.Cluster) { c.EnhancedBinlog = model.KnownValue(false, loc(20)) }, window(86400)), want{model.StatusPass, ""}, model.Location{}, "", "", false, false, true},
		{"enhanced binlog unknown, all candidates off", all(func(c *model.Cluster) {
			c.EnhancedBinlog = model.UnknownValue[bool](loc(20), model.T("var.b", "var.b"), false)
		}, window(86400)), want{model.StatusPass, ""}, model.Location{}, "", "", false, false, true},
		{"enhanced binlog unresolved", all(func(c *model.Cluster) {
			c.EnhancedBinlog = model.UnknownValue[bool](loc(20), model.T(`variable "binlog" has no value`, `変数 "binlog" に値がありません`))
		}, window(86400)), want{model.StatusUnknown, model.ReasonUnresolvedValue}, loc(20), `variable "binlog" has no value`, model.StepScope, false, false, false},
		{"zero-ETL source", all(zeroETL), want{model.StatusNotApplicable, model.ReasonZeroETLIntegration}, loc(30), "orders-to-redshift", model.StepScope, false, false, false},
		{"zero-ETL wins over binlog", all(zeroETL, binlogOn), want{model.StatusNotApplicable, model.ReasonZeroETLIntegration}, loc(30), "needs enhanced binlog", model.StepScope, false, false, false},
		{"zero-ETL none", all(func(c *model.Cluster) { c.ZeroETL = model.KnownValue(0, loc(30)) }, window(86400)), want{model.StatusPass, ""}, model.Location{}, "", "", false, false, true},
		{"live: integrations not readable", all(func(c *model.Cluster) {
			c.Source, c.Region, c.Account = model.SourceAWS, "us-east-1", "123456789012"
			c.ZeroETL = model.UnknownValue[int](model.Location{}, denied)
		}, window(86400)), want{model.StatusUnknown, model.ReasonUnresolvedValue}, model.Location{}, "AccessDenied", model.StepGrantScopeRead, true, true, false},
		{"live: binlog on, KG-BT-003 too", all(func(c *model.Cluster) {
			c.Source, c.Region, c.Account = model.SourceAWS, "us-east-1", "123456789012"
		}, binlogOn), want{model.StatusNotApplicable, model.ReasonEnhancedBinlog}, loc(20), "", model.StepScope, true, true, false},
		{"binlog on but out of scope by engine first", all(binlogOn, func(c *model.Cluster) { c.Engine = known("aurora-postgresql") }),
			want{model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL}, loc(5), "", model.StepScope, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := byRule(Evaluate(model.Inventory{Clusters: []model.Cluster{tt.c}}, Options{MinWindowSeconds: 86400, Now: now}))
			ids := []string{"KG-BT-001", "KG-BT-002"}
			if tt.rule3 {
				ids = append(ids, "KG-BT-003")
			}
			for _, id := range ids {
				f, ok := got[id]
				if !ok {
					t.Fatalf("%s: no finding", id)
				}
				if tt.passes {
					if f.Status != model.StatusPass {
						t.Errorf("%s = %s/%s, want PASS: %s", id, f.Status, f.Reason, f.Message.EN)
					}
					continue
				}
				if f.Status != tt.want.status || f.Reason != tt.want.reason {
					t.Errorf("%s = %s/%s, want %s/%s: %s", id, f.Status, f.Reason, tt.want.status, tt.want.reason, f.Message.EN)
				}
				checkBilingual(t, id, f.Message)
				if !tt.where.IsZero() && f.Location != tt.where {
					t.Errorf("%s location %v, want %v", id, f.Location, tt.where)
				}
				if tt.msg != "" && !strings.Contains(f.Message.EN, tt.msg) {
					t.Errorf("%s message %q lacks %q", id, f.Message.EN, tt.msg)
				}
				if f.Resolution == nil || f.Resolution.Target != 0 || f.Resolution.Path != model.PathNone && f.Status == model.StatusNotApplicable {
					t.Errorf("%s: resolution %+v: an out-of-scope cluster gets no window", id, f.Resolution)
				}
				if id != "KG-BT-003" && f.Resolution.Step != tt.step {
					t.Errorf("%s: step %q, want %q", id, f.Resolution.Step, tt.step)
				}
			}
		})
	}
}
