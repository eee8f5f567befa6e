package report

import (
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestReportRendersTheRulesItCarries: a report rendered later (from a store,
// by another version) shows the rule metadata it was made with, not the
// running binary's registry; a report without rule metadata still renders.
func TestReportRendersTheRulesItCarries(t *testing.T) {
	r := fixtureReport()
	for i := range r.Rules {
		if r.Rules[i].ID == "KG-BT-001" {
			r.Rules[i].Title.EN = "Backtrack is on (rules of an older scan)"
			r.Rules[i].HelpURI = "https://example.com/older-rule"
		}
	}
	for _, format := range []string{"sarif", "junit", "html", "asff"} {
		out := string(render(t, format, r, Options{Lang: "en"}))
		if !strings.Contains(out, "Backtrack is on (rules of an older scan)") && !strings.Contains(out, "https://example.com/older-rule") {
			t.Errorf("%s: the report's own rule metadata is not rendered", format)
		}
	}
	r.Rules = nil
	for _, format := range Formats() {
		if out := render(t, format, r, Options{Lang: "ja"}); len(out) == 0 {
			t.Errorf("%s: nothing rendered for a report without rules", format)
		}
	}
}

func TestResourceLabelNamesASharedRoot(t *testing.T) {
	for _, tc := range []struct {
		root, file, want string
	}{
		{"envs/prod", "modules/db/main.tf", "module.db.aws_rds_cluster.this [envs/prod]"},
		{"envs/prod", "envs/prod/main.tf", "module.db.aws_rds_cluster.this"},
		{"envs/prod", "envs/prod/modules/db/main.tf", "module.db.aws_rds_cluster.this"},
		{".", "modules/db/main.tf", "module.db.aws_rds_cluster.this"},
		{"", "modules/db/main.tf", "module.db.aws_rds_cluster.this"},
		{"templates/db.yaml", "templates/db.yaml", "module.db.aws_rds_cluster.this"},
	} {
		f := model.Finding{Resource: model.Resource{Address: "module.db.aws_rds_cluster.this", Root: tc.root},
			Location: model.Location{File: tc.file, Line: 1, Column: 1}}
		if got := resourceLabel(f); got != tc.want {
			t.Errorf("root %q file %q: %q, want %q", tc.root, tc.file, got, tc.want)
		}
	}
}
