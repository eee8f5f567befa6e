package terraform

import (
	"path/filepath"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestExclusionsGolden: parameter groups (static and dynamic parameter
// blocks, named by reference, by name_prefix or by a literal) and zero-ETL
// integrations reach the clusters they belong to, and the policy takes
// those out of scope.
func TestExclusionsGolden(t *testing.T) {
	inv := Scan([]string{filepath.Join("testdata", "exclusions")}, Options{Root: "testdata"})
	testenv.Golden(t, filepath.Join("testdata", "golden", "exclusions.golden"), []byte(testenv.RenderInventory(inv)))

	want := map[string]struct {
		status model.Status
		reason model.Reason
	}{
		"aws_rds_cluster.orders":    {model.StatusNotApplicable, model.ReasonEnhancedBinlog},
		"aws_rds_cluster.billing":   {model.StatusPass, model.ReasonBacktrackEnabled},
		"aws_rds_cluster.analytics": {model.StatusNotApplicable, model.ReasonEnhancedBinlog},
		"aws_rds_cluster.inventory": {model.StatusNotApplicable, model.ReasonZeroETLIntegration},
		"aws_rds_cluster.legacy":    {model.StatusFail, model.ReasonEngineVersionWithoutBacktrack},
		"aws_rds_cluster.external":  {model.StatusFail, model.ReasonBacktrackDisabled},
	}
	seen := 0
	for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: 86400}) {
		if f.RuleID != "KG-BT-001" {
			continue
		}
		w, ok := want[f.Resource.Address]
		if !ok {
			t.Errorf("unexpected finding %s %s", f.Resource.Address, f.Status)
			continue
		}
		seen++
		if f.Status != w.status || f.Reason != w.reason {
			t.Errorf("%s = %s/%s, want %s/%s: %s", f.Resource.Address, f.Status, f.Reason, w.status, w.reason, f.Message.EN)
		}
	}
	if seen != len(want) {
		t.Errorf("saw %d clusters, want %d", seen, len(want))
	}
}
