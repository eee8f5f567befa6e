package terraform

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestPolicyOnFixtures runs the real policy on what this source builds, to
// prove the source feeds it what it needs: each fixture's clusters get the
// verdicts AWS's rules say they should (docs/backtrack-rules.md).
func TestPolicyOnFixtures(t *testing.T) {
	inv := scanFixture(t, Options{}, "multienv", "foreach", "conditional", "global", "serverless", "postgres",
		"mistakes", "remote/installed", "remote/missing", "suppress")
	o := policy.Options{MinWindowSeconds: 86400, Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	type key struct{ root, addr, rule string }
	got := map[key]model.Finding{}
	for _, c := range inv.Clusters {
		for _, f := range policy.Evaluate(model.Inventory{Clusters: []model.Cluster{c}}, o) {
			got[key{c.Root, f.Resource.Address, f.RuleID}] = f
		}
	}
	for _, f := range policy.Evaluate(model.Inventory{Diagnostics: inv.Diagnostics}, o) {
		got[key{"", f.Resource.Address, f.RuleID}] = f
	}
	tests := []struct {
		root, addr, rule string
		status           model.Status
		reason           model.Reason
	}{
		{"multienv/envs/prod", "module.aurora.aws_rds_cluster.this", "KG-BT-002", model.StatusPass, model.ReasonWindowMeetsMinimum},
		{"multienv/envs/staging", "module.aurora.aws_rds_cluster.this", "KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled},
		{"multienv/envs/staging", "module.aurora.aws_rds_cluster.this", "KG-BT-002", model.StatusFail, model.ReasonWindowLikelyHours},
		{"foreach", `aws_rds_cluster.db["billing"]`, "KG-BT-002", model.StatusPass, model.ReasonWindowMeetsMinimum},
		{"foreach", `aws_rds_cluster.db["reports"]`, "KG-BT-002", model.StatusFail, model.ReasonWindowLikelyHours},
		{"foreach", "aws_rds_cluster.replica[1]", "KG-BT-001", model.StatusFail, model.ReasonBacktrackDisabled},
		// Both branches (72 h, 24 h) meet the minimum: the verdict stands although env is unset.
		{"conditional", "aws_rds_cluster.main", "KG-BT-002", model.StatusPass, model.ReasonWindowMeetsMinimum},
		// 72 h, 1 h or 0: the candidates disagree, so it cannot be evaluated.
		{"conditional", "aws_rds_cluster.by_lookup", "KG-BT-002", model.StatusUnknown, model.ReasonUnresolvedValue},
		{"global", "aws_rds_cluster.primary", "KG-BT-001", model.StatusNotApplicable, model.ReasonGlobalDatabaseMember},
		{"global", "aws_rds_cluster.legacy", "KG-BT-001", model.StatusNotApplicable, model.ReasonGlobalDatabaseMember},
		{"serverless", "aws_rds_cluster.v1", "KG-BT-001", model.StatusNotApplicable, model.ReasonServerlessV1},
		{"serverless", "aws_rds_cluster.instances", "KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled},
		{"postgres", "aws_rds_cluster.analytics", "KG-BT-001", model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL},
		{"mistakes", "aws_rds_cluster.text", "KG-BT-001", model.StatusError, model.ReasonInvalidValue},
		{"mistakes", "aws_rds_cluster.too_big", "KG-BT-001", model.StatusError, model.ReasonWindowOutOfRange},
		{"mistakes", "aws_rds_cluster.none", "KG-BT-001", model.StatusFail, model.ReasonBacktrackDisabled},
		{"mistakes", "aws_rds_cluster.from_data", "KG-BT-001", model.StatusUnknown, model.ReasonUnresolvedValue},
		{"remote/installed", "module.rds.aws_rds_cluster.this[0]", "KG-BT-001", model.StatusFail, model.ReasonBacktrackDisabled},
		{"", "module.rds", "KG-BT-000", model.StatusUnknown, model.ReasonModuleNotInstalled},
	}
	for _, tt := range tests {
		t.Run(tt.root+"/"+tt.addr+"/"+tt.rule, func(t *testing.T) {
			f, ok := got[key{tt.root, tt.addr, tt.rule}]
			if !ok {
				t.Fatalf("no finding")
			}
			if f.Status != tt.status || f.Reason != tt.reason {
				t.Errorf("%s %s, want %s %s: %s", f.Status, f.Reason, tt.status, tt.reason, f.Message.EN)
			}
		})
	}
	// The staging finding points at the tfvars value, the place to fix.
	f := got[key{"multienv/envs/staging", "module.aurora.aws_rds_cluster.this", "KG-BT-002"}]
	if f.Location.String() != "multienv/envs/staging/terraform.tfvars:2:10" {
		t.Errorf("staging finding at %s", f.Location)
	}
}

// TestSecretsNeverInModel asserts that passwords written in scanned files
// (defaults, literals, tfvars) appear nowhere in what the source returns.
func TestSecretsNeverInModel(t *testing.T) {
	inv := scanFixture(t, Options{Vars: []string{"db_password=Fl4g-S3cret-Do-Not-Leak"}}, "multienv", "postgres")
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b) + testenv.RenderInventory(inv)
	fs := policy.Evaluate(inv, policy.Options{})
	fb, _ := json.Marshal(fs)
	out += string(fb)
	for _, secret := range []string{"Pr0d-S3cret-Do-Not-Leak", "St4ging-S3cret-Do-Not-Leak", "Postgr3s-Secret-Value", "Fl4g-S3cret-Do-Not-Leak", "S3cret"} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q appears in the output", secret)
		}
	}
}
