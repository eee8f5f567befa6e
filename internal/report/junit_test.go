package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// parseJUnit parses JUnit XML with encoding/xml and checks that every count
// attribute matches the elements it counts.
func parseJUnit(t testing.TB, data []byte) junitTestsuites {
	t.Helper()
	var doc junitTestsuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v", err)
	}
	var tests, failures, errors, skipped int
	for _, s := range doc.Suites {
		var f, e, sk int
		for _, c := range s.Cases {
			n := 0
			if c.Failure != nil {
				f++
				n++
			}
			if c.Error != nil {
				e++
				n++
			}
			if c.Skipped != nil {
				sk++
				n++
			}
			if n > 1 {
				t.Errorf("testcase %s/%s has %d outcomes", c.Classname, c.Name, n)
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s counts tests=%d failures=%d errors=%d skipped=%d, elements %d/%d/%d/%d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests += s.Tests
		failures += f
		errors += e
		skipped += sk
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Errors != errors || doc.Skipped != skipped {
		t.Errorf("testsuites counts %d/%d/%d/%d, suites add up to %d/%d/%d/%d",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errors, skipped)
	}
	return doc
}

func TestJUnitOutcomes(t *testing.T) {
	rep := fixtureReport()
	doc := parseJUnit(t, render(t, "junit", rep, Options{Lang: "en"}))
	cases := map[string]junitTestcase{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[s.Name+" "+c.Name] = c
		}
	}
	if len(cases) != len(rep.Findings) {
		t.Fatalf("%d testcases, want one per finding (%d)", len(cases), len(rep.Findings))
	}
	for _, f := range rep.Findings {
		c, ok := cases[f.RuleID+" "+resourceLabel(f)]
		if !ok {
			t.Errorf("no testcase for %s %s", f.RuleID, resourceLabel(f))
			continue
		}
		wantClass := f.Location.File
		if wantClass == "" {
			wantClass = accountOf(f) + "/" + regionOf(f)
		}
		if c.Classname != wantClass {
			t.Errorf("%s %s: classname %q, want %q", f.RuleID, resourceLabel(f), c.Classname, wantClass)
		}
		var got string
		switch {
		case c.Failure != nil:
			got = "failure:" + c.Failure.Type
		case c.Error != nil:
			got = "error:" + c.Error.Type
		case c.Skipped != nil:
			got = "skipped"
			if f.Suppressed != nil && !strings.Contains(c.Skipped.Message, f.Suppressed.Reason) {
				t.Errorf("%s: skipped message %q lacks the suppression reason", f.RuleID, c.Skipped.Message)
			}
		default:
			got = "passed"
		}
		want := map[model.Status]string{model.StatusPass: "passed", model.StatusFail: "failure:FAIL", model.StatusUnknown: "failure:UNKNOWN",
			model.StatusError: "error:ERROR", model.StatusNotApplicable: "skipped"}[f.Status]
		if f.Suppressed != nil {
			want = "skipped"
		}
		if got != want {
			t.Errorf("%s %s (%s): %s, want %s", f.RuleID, resourceLabel(f), f.Status, got, want)
		}
	}
}
