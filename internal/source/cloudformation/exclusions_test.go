package cloudformation

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// TestExclusionsGolden: DBClusterParameterGroup (by Ref, by its name, with a
// parameter given by a parameter) and AWS::RDS::Integration reach the
// clusters they name, and engine versions without backtrack fail.
func TestExclusionsGolden(t *testing.T) {
	for _, tt := range []struct {
		name   string
		o      Options
		expect map[string]string // KG-BT-001 verdicts
	}{
		{"exclusions", Options{}, map[string]string{
			"OrdersCluster":    "NOT_APPLICABLE ZERO_ETL_INTEGRATION",
			"ReportingCluster": "NOT_APPLICABLE ENHANCED_BINLOG",
			"BillingCluster":   "PASS BACKTRACK_ENABLED",
			"LegacyCluster":    "FAIL ENGINE_VERSION_WITHOUT_BACKTRACK",
			"EarlyV3Cluster":   "FAIL ENGINE_VERSION_WITHOUT_BACKTRACK",
		}},
		{"exclusions-binlog-on", Options{Parameters: []string{"BinlogMode=1"}}, map[string]string{
			"BillingCluster": "NOT_APPLICABLE ENHANCED_BINLOG",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.o
			o.Root = "testdata"
			inv := Scan([]string{filepath.Join("testdata", "exclusions", "analytics.yaml")}, o)
			var b strings.Builder
			b.WriteString(dumpInventory(inv))
			b.WriteString("-- findings --\n")
			got := map[string]string{}
			for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: evalTime}) {
				fmt.Fprintf(&b, "%s %s %s %s @%s\n  %s\n", f.RuleID, f.Resource.Address, f.Status, f.Reason, f.Location, f.Message.EN)
				if f.RuleID == "KG-BT-001" {
					got[f.Resource.Address] = string(f.Status) + " " + string(f.Reason)
				}
			}
			for addr, want := range tt.expect {
				if got[addr] != want {
					t.Errorf("%s = %q, want %q", addr, got[addr], want)
				}
			}
			compareGolden(t, filepath.Join("testdata", "golden", tt.name+".txt"), b.String())
		})
	}
}
