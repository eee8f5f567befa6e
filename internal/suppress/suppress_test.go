package suppress

import (
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/config"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

func cluster(addr string, window int64, sups ...model.Suppression) model.Cluster {
	return model.Cluster{
		Source: model.SourceTerraform, Type: "aws_rds_cluster", Address: addr, Root: "envs/prod",
		Location:        model.Location{File: "envs/prod/main.tf", Line: 1, Column: 1},
		Engine:          model.KnownValue("aurora-mysql", model.Location{}),
		BacktrackWindow: model.KnownValue(window, model.Location{}),
		Suppressions:    sups,
	}
}

func date(s string) *time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return &t
}

func TestApply(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	inv := model.Inventory{Clusters: []model.Cluster{
		cluster("aws_rds_cluster.inline", 0, model.Suppression{RuleID: "KG-BT-001", Reason: "legacy", Source: "inline", Until: date("2027-03-31")}),
		cluster("aws_rds_cluster.expired", 0, model.Suppression{RuleID: "KG-BT-001", Reason: "was legacy", Source: "inline", Until: date("2026-11-24")}),
		cluster(`module.legacy.aws_rds_cluster.db["a"]`, 0),
		cluster("aws_rds_cluster.passing", 86400, model.Suppression{RuleID: "KG-BT-001", Reason: "not needed", Source: "inline"}),
		cluster("aws_rds_cluster.other", 0),
	}}
	cfg, err := config.Parse("kumoguard.yaml", []byte(`suppressions:
  - rule: "*"
    address: module.legacy.*
    reason: legacy module
`))
	if err != nil {
		t.Fatal(err)
	}
	fs := policy.Evaluate(inv, policy.Options{MinWindowSeconds: 86400, Now: now})
	Apply(fs, cfg.Suppressions, now)

	type key struct{ addr, rule string }
	got := map[key]model.Finding{}
	for _, f := range fs {
		got[key{f.Resource.Address, f.RuleID}] = f
	}
	tests := []struct {
		addr, rule  string
		source      string // "" = not suppressed
		expiredNote bool
	}{
		{"aws_rds_cluster.inline", "KG-BT-001", "inline", false},
		{"aws_rds_cluster.inline", "KG-BT-002", "", false}, // inline names only KG-BT-001
		{"aws_rds_cluster.expired", "KG-BT-001", "", true},
		{`module.legacy.aws_rds_cluster.db["a"]`, "KG-BT-001", "config", false},
		{`module.legacy.aws_rds_cluster.db["a"]`, "KG-BT-002", "config", false},
		{"aws_rds_cluster.passing", "KG-BT-001", "", false}, // PASS is never marked
		{"aws_rds_cluster.other", "KG-BT-001", "", false},
	}
	for _, tc := range tests {
		f, ok := got[key{tc.addr, tc.rule}]
		if !ok {
			t.Fatalf("no finding for %s %s", tc.addr, tc.rule)
		}
		switch {
		case tc.source == "" && f.Suppressed != nil:
			t.Errorf("%s %s suppressed by %+v, want not suppressed", tc.addr, tc.rule, *f.Suppressed)
		case tc.source != "" && (f.Suppressed == nil || f.Suppressed.Source != tc.source):
			t.Errorf("%s %s suppressed = %+v, want source %s", tc.addr, tc.rule, f.Suppressed, tc.source)
		}
		hasNote := false
		for _, n := range f.Notes {
			if strings.Contains(n.EN, "expired on 2026-11-24") && strings.Contains(n.JA, "期限切れ") {
				hasNote = true
			}
		}
		if hasNote != tc.expiredNote {
			t.Errorf("%s %s expired note = %v, want %v (notes %v)", tc.addr, tc.rule, hasNote, tc.expiredNote, f.Notes)
		}
	}
	// Unsuppressed FAILs: inline's KG-BT-002, expired's two, other's two.
	if s := model.Summarize(fs); s[model.StatusFail] != 5 {
		t.Errorf("unsuppressed FAIL count = %d, want 5", s[model.StatusFail])
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{`aws_rds_cluster.db["prod"]`, `aws_rds_cluster.db["prod"]`, true},
		{`aws_rds_cluster.db[*]`, `aws_rds_cluster.db["x"]`, true},
		{`module.*.aws_rds_cluster.this[0]`, `module.a.module.b.aws_rds_cluster.this[0]`, true},
		{`aws_rds_cluster.db`, `aws_rds_cluster.db2`, false},
		{`Stack/Data?ase`, `Stack/Database`, true},
	} {
		if got := glob(tc.pat).MatchString(tc.s); got != tc.want {
			t.Errorf("glob(%q).Match(%q) = %v", tc.pat, tc.s, got)
		}
	}
}
