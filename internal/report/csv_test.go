package report

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCSVParses(t *testing.T) {
	r := fixtureReport()
	for _, lang := range []string{"en", "ja"} {
		recs, err := csv.NewReader(bytes.NewReader(render(t, "csv", r, Options{Lang: lang}))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(r.Findings)+1 {
			t.Fatalf("%d records for %d findings", len(recs), len(r.Findings))
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for i, f := range r.Findings {
			rec := recs[i+1]
			if rec[col["rule_id"]] != f.RuleID || rec[col["status"]] != string(f.Status) || rec[col["fingerprint"]] != f.Fingerprint {
				t.Errorf("row %d = %v", i, rec)
			}
			if got, want := rec[col["suppressed"]], map[bool]string{true: "true", false: "false"}[f.Suppressed != nil]; got != want {
				t.Errorf("row %d suppressed = %s", i, got)
			}
			if msg := rec[col["message"]]; msg != csvSafe(f.Message.In(lang)) {
				t.Errorf("row %d message %q, want the %s text", i, msg, lang)
			}
		}
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+1":                "'+1",
		"@SUM(A1)":          "'@SUM(A1)",
		"module.db":         "module.db",
		"a\x1bb":            "a\uFFFDb",
		"two\nlines":        "two\nlines",
	} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
