package report

import (
	"strings"
	"testing"
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
