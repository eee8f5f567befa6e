package tfplan

import (
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// TestExclusions: in a plan, a parameter group named by reference, by
// known name or by name_prefix (matched through the configuration), and a
// zero-ETL integration whose source_arn is known only after apply, reach
// their clusters.
func TestExclusions(t *testing.T) {
	inv, data := loadFixture(t, "exclusions.json")
	want := map[string]string{
		"aws_rds_cluster.orders":    "NOT_APPLICABLE ENHANCED_BINLOG",
		"aws_rds_cluster.reporting": "NOT_APPLICABLE ENHANCED_BINLOG",
		"aws_rds_cluster.billing":   "PASS BACKTRACK_ENABLED",
		"aws_rds_cluster.inventory": "NOT_APPLICABLE ZERO_ETL_INTEGRATION",
		"aws_rds_cluster.legacy":    "FAIL ENGINE_VERSION_WITHOUT_BACKTRACK",
	}
	got := map[string]string{}
	for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds}) {
		if f.RuleID != "KG-BT-001" {
			continue
		}
		got[f.Resource.Address] = string(f.Status) + " " + string(f.Reason)
		if f.Reason == model.ReasonEnhancedBinlog {
			if line := textAt(t, data, f.Location); line != `"value": "1"` {
				t.Errorf("%s points at %q, want the parameter's value", f.Resource.Address, line)
			}
		}
	}
	for addr, w := range want {
		if got[addr] != w {
			t.Errorf("%s = %q, want %q", addr, got[addr], w)
		}
	}
	for _, c := range inv.Clusters {
		if c.Address == "aws_rds_cluster.inventory" && (len(c.ZeroETLIntegrations) != 1 || c.ZeroETLIntegrations[0] != "inventory-to-redshift") {
			t.Errorf("integrations %v", c.ZeroETLIntegrations)
		}
	}
}
