package fix

import (
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Two root modules with the same resource address must each get only the
// edit of their own file: an address is not unique across roots.
func TestAttachEditsKeysByFinding(t *testing.T) {
	res := model.Resource{Kind: model.SourceTerraform, Type: "aws_rds_cluster", Address: "aws_rds_cluster.main"}
	fpA := model.Fingerprint("KG-BT-001", res, "stacks/a")
	fpB := model.Fingerprint("KG-BT-001", res, "stacks/b")
	edit := func(file string) model.TextEdit {
		return model.TextEdit{File: file, StartLine: 3, StartColumn: 22, EndLine: 3, EndColumn: 23, Insert: "86400"}
	}
	result := Result{Files: []FileChange{
		{Path: "stacks/a/main.tf", Changes: []Change{{Addresses: []string{res.Address}, RuleIDs: []string{"KG-BT-001"}, Fingerprints: []string{fpA}, Edit: edit("stacks/a/main.tf")}}},
		{Path: "stacks/b/main.tf", Changes: []Change{{Addresses: []string{res.Address}, RuleIDs: []string{"KG-BT-001"}, Fingerprints: []string{fpB}, Edit: edit("stacks/b/main.tf")}}},
	}}
	findings := []model.Finding{
		{RuleID: "KG-BT-001", Resource: res, Fingerprint: fpA},
		{RuleID: "KG-BT-001", Resource: res, Fingerprint: fpB},
	}
	rems := []model.Remediation{{IaC: []model.IaCChange{{}}}, {IaC: []model.IaCChange{{}}}}
	AttachEdits(findings, rems, result)
	for i, want := range []string{"stacks/a/main.tf", "stacks/b/main.tf"} {
		got := rems[i].IaC[0].Edits
		if len(got) != 1 || got[0].File != want {
			t.Errorf("finding %d edits = %+v, want one edit of %s", i, got, want)
		}
	}
}
