package terraform

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// TestExampleProject checks the README quick-start project gives the
// verdicts the README promises, and never shows its password.
func TestExampleProject(t *testing.T) {
	inv := Scan([]string{"../../../examples/terraform"}, Options{Root: "../../../examples/terraform"})
	if len(inv.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %+v", inv.Diagnostics)
	}
	fs := policy.Evaluate(inv, policy.Options{MinWindowSeconds: 86400, Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	type key struct{ addr, rule string }
	got := map[key]model.Finding{}
	for _, f := range fs {
		got[key{f.Resource.Address, f.RuleID}] = f
	}
	tests := []struct {
		addr, rule string
		status     model.Status
		reason     model.Reason
		where      string
	}{
		{`module.orders["prod"].aws_rds_cluster.this`, "KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled, "terraform.tfvars:2:13"},
		{`module.orders["prod"].aws_rds_cluster.this`, "KG-BT-002", model.StatusPass, model.ReasonWindowMeetsMinimum, "terraform.tfvars:2:13"},
		{`module.orders["staging"].aws_rds_cluster.this`, "KG-BT-002", model.StatusFail, model.ReasonWindowLikelyHours, "terraform.tfvars:3:13"},
		{"aws_rds_cluster.reporting", "KG-BT-001", model.StatusFail, model.ReasonBacktrackDisabled, "main.tf:32:1"},
		{"aws_rds_cluster.analytics", "KG-BT-001", model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL, "main.tf:44:25"},
		{"aws_rds_cluster.payments_primary", "KG-BT-001", model.StatusNotApplicable, model.ReasonGlobalDatabaseMember, "main.tf:62:31"},
	}
	for _, tt := range tests {
		f, ok := got[key{tt.addr, tt.rule}]
		if !ok {
			t.Errorf("%s %s: no finding", tt.addr, tt.rule)
			continue
		}
		if f.Status != tt.status || f.Reason != tt.reason || f.Location.String() != tt.where {
			t.Errorf("%s %s: %s %s at %s, want %s %s at %s", tt.addr, tt.rule, f.Status, f.Reason, f.Location, tt.status, tt.reason, tt.where)
		}
	}
	b, _ := json.Marshal(struct {
		I model.Inventory
		F []model.Finding
	}{inv, fs})
	if strings.Contains(string(b), "Example-Only-S3cret-Passw0rd") {
		t.Error("the example's master_password appears in the output")
	}
}
