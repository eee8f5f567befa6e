package drill

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

// policyPath is the drill's IAM policy users copy (README "IAM policy").
var policyPath = filepath.Join("..", "..", "examples", "iam", "drill-policy.json")

type policyStatement struct {
	Sid       string
	Effect    string
	Action    []string
	Resource  json.RawMessage
	Condition map[string]map[string]string
}

func loadPolicy(t *testing.T) []policyStatement {
	t.Helper()
	raw, err := os.ReadFile(policyPath)
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Statement []policyStatement }
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	return p.Statement
}

func policyActions(t *testing.T) []string {
	var out []string
	for _, s := range loadPolicy(t) {
		if s.Effect == "Allow" {
			out = append(out, s.Action...)
		}
	}
	return out
}

// checkPolicy fails when a request the drill made is not allowed by the
// drill's IAM policy.
func checkPolicy(t *testing.T, reqs []testenv.FakeRequest) {
	t.Helper()
	allowed := policyActions(t)
	for a := range actions(reqs) {
		if !slices.Contains(allowed, a) {
			t.Errorf("the drill called %s, which examples/iam/drill-policy.json does not allow", a)
		}
	}
}

// tagOnCreate is the one permission the policy needs that is no API call:
// RDS authorizes tags given at creation as rds:AddTagsToResource.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/security_iam_id-based-policy-examples-grant-permissions-tags-on-create.html
const tagOnCreate = "rds:AddTagsToResource"

// TestPolicyListsExactlyTheCalls: every action of the policy is a call the
// plan (or reap) names, and every call that creates, backtracks or deletes
// is allowed only on drill resources: a RequestTag condition for creates,
// an aws:ResourceTag/kumoguard:drill-id condition and kg-drill-* resources
// for backtracks and deletes.
func TestPolicyListsExactlyTheCalls(t *testing.T) {
	plan := buildPlan(Preflight{}, "us-east-1", Options{DataCheck: DataCheckMarker, Forward: true})
	planned := append(plan.Actions(), tagOnCreate)
	for _, a := range policyActions(t) {
		if !slices.Contains(planned, a) {
			t.Errorf("the policy allows %s, which the drill never calls", a)
		}
	}
	for _, a := range plan.Actions() {
		if !slices.Contains(policyActions(t), a) {
			t.Errorf("the plan calls %s, which the policy does not allow", a)
		}
	}
	for _, s := range loadPolicy(t) {
		for _, a := range s.Action {
			op := a[strings.Index(a, ":")+1:]
			switch {
			case strings.HasPrefix(op, "Delete") || op == "BacktrackDBCluster":
				if s.Condition["Null"]["aws:ResourceTag/"+TagDrillID] != "false" {
					t.Errorf("%s is allowed without the condition aws:ResourceTag/%s", a, TagDrillID)
				}
				var res []string
				if json.Unmarshal(s.Resource, &res) != nil || len(res) == 0 {
					t.Errorf("%s: resources must be listed", a)
				}
				for _, r := range res {
					if !strings.HasSuffix(r, ":"+NamePrefix+"*") {
						t.Errorf("%s is allowed on %s, not only on %s* resources", a, r, NamePrefix)
					}
				}
			case strings.HasPrefix(op, "Create") || strings.HasPrefix(op, "Restore") || a == tagOnCreate:
				if s.Condition["Null"]["aws:RequestTag/"+TagDrillID] != "false" {
					t.Errorf("%s is allowed without requiring the %s tag", a, TagDrillID)
				}
			case !isReadOnly(a):
				t.Errorf("%s changes something and is not a drill create, backtrack or delete", a)
			}
		}
	}
}
