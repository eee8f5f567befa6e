package fix

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestFixNeverAddsWindowToExcludedClusters: clusters that enhanced binlog or
// a zero-ETL integration takes out of scope, and clusters on an engine
// version without backtrack, get no window from `fix`; only the cluster that
// can have backtrack is patched. The fixtures are the sources' own.
func TestFixNeverAddsWindowToExcludedClusters(t *testing.T) {
	for _, tc := range []struct {
		name    string
		from    string
		patched []string // the only addresses fix may change
	}{
		{"terraform", "../source/terraform/testdata/exclusions", []string{"aws_rds_cluster.external"}},
		{"cloudformation", "../source/cloudformation/testdata/exclusions", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			testenv.CopyTree(t, filepath.FromSlash(tc.from), dir)
			inv, fs := scanCase(t, dir, model.DefaultMinWindowSeconds)
			excluded := 0
			for _, f := range fs {
				switch f.Reason {
				case model.ReasonEnhancedBinlog, model.ReasonZeroETLIntegration, model.ReasonEngineVersionWithoutBacktrack:
					excluded++
					if f.Resolution == nil || f.Resolution.Target != 0 {
						t.Errorf("%s %s: resolution %+v carries a window", f.RuleID, f.Resource.Address, f.Resolution)
					}
					r := Remediate(f)
					if r.TargetWindowSeconds != 0 || len(r.IaC) != 0 || r.Summary.IsZero() || r.Summary.JA == "" {
						t.Errorf("%s %s: remediation %+v", f.RuleID, f.Resource.Address, r)
					}
				}
			}
			if excluded < 6 {
				t.Fatalf("only %d excluded findings: the fixture no longer exercises the exclusions", excluded)
			}
			res, err := Patches(fs, inv, PatchOptions{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fc := range res.Files {
				for _, ch := range fc.Changes {
					got = append(got, ch.Addresses...)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.patched, ",") {
				t.Errorf("fix changed %v, want only %v:\n%s", got, tc.patched, res.Render("en"))
			}
		})
	}
}
