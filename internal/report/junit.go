package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// JUnit writes JUnit XML for CI test views: <testsuites> with one
// <testsuite> per rule that has findings, one <testcase> per finding with
// classname = the file (IaC) or account/region (live) and name = the
// resource address.
//
//   - PASS → an empty testcase (passed)
//   - FAIL → <failure type="FAIL">
//   - ERROR → <error type="ERROR"> (the input is broken)
//   - UNKNOWN → <failure type="UNKNOWN">: the resource was NOT evaluated.
//     Reporting it as skipped would show a green build for a cluster nobody
//     checked; kumoguard never passes what it could not evaluate, so CI must
//     see it fail, with why in the message.
//   - NOT_APPLICABLE → <skipped message="why it is out of scope">
//   - suppressed (any status) → <skipped message="suppressed: reason; until …">
//
// Counts (tests, failures, errors, skipped) are attributes of every suite and
// of <testsuites>. Text is in Options.Lang.
var JUnit = registerFormat("junit", writeJUnit)

type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitTestcase `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestcase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func writeJUnit(w io.Writer, r model.Report, o Options) error {
	lang := o.lang()
	byRule := map[string]*junitTestsuite{}
	var ids []string
	for _, f := range r.Findings {
		s := byRule[f.RuleID]
		if s == nil {
			s = &junitTestsuite{Name: f.RuleID, Time: "0"}
			if !r.Scan.StartedAt.IsZero() {
				s.Timestamp = r.Scan.StartedAt.UTC().Format("2006-01-02T15:04:05")
			}
			if rule := r.Rules.Lookup(f.RuleID); rule != nil {
				s.Properties = []junitProperty{
					{Name: "title", Value: rule.Title.In(lang)},
					{Name: "severity", Value: string(rule.Severity)},
					{Name: "helpUri", Value: rule.HelpURI},
				}
			}
			byRule[f.RuleID] = s
			ids = append(ids, f.RuleID)
		}
		tc := junitCaseOf(f, lang)
		s.Tests++
		switch {
		case tc.Failure != nil:
			s.Failures++
		case tc.Error != nil:
			s.Errors++
		case tc.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, tc)
	}
	sort.Strings(ids)

	out := junitTestsuites{Name: firstNonEmpty(r.Tool.Name, "kumoguard"), Time: fmt.Sprintf("%.3f", r.Scan.Duration),
		Suites: []junitTestsuite{}}
	for _, id := range ids {
		s := byRule[id]
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, *s)
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitCaseOf(f model.Finding, lang string) junitTestcase {
	tc := junitTestcase{
		Classname: junitClassname(f),
		Name:      firstNonEmpty(resourceLabel(f), f.Location.String(), f.RuleID),
		File:      f.Location.File,
		Line:      f.Location.Line,
		Time:      "0",
	}
	msg := oneLine(f.Message.In(lang))
	if f.Suppressed != nil {
		tc.Skipped = &junitSkipped{Message: fmt.Sprintf(words.JUnitSuppressed.In(lang), oneLine(suppressionText(f.Suppressed, lang)))}
		tc.SystemOut = junitDetails(f, lang)
		return tc
	}
	switch f.Status {
	case model.StatusFail, model.StatusUnknown:
		tc.Failure = &junitProblem{Message: msg, Type: string(f.Status), Text: junitDetails(f, lang)}
	case model.StatusError:
		tc.Error = &junitProblem{Message: msg, Type: string(f.Status), Text: junitDetails(f, lang)}
	case model.StatusNotApplicable:
		tc.Skipped = &junitSkipped{Message: msg}
	default:
		// PASS: a passed testcase; the message says why it passed.
		tc.SystemOut = junitDetails(f, lang)
	}
	return tc
}

// junitClassname is the file for IaC and account/region for live resources.
func junitClassname(f model.Finding) string {
	if f.Location.File != "" {
		return f.Location.File
	}
	var parts []string
	for _, p := range []string{accountOf(f), regionOf(f)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "kumoguard"
	}
	return strings.Join(parts, "/")
}

// junitDetails is the body of a failure: message, remediation, where,
// reason, notes.
func junitDetails(f model.Finding, lang string) string {
	var b strings.Builder
	b.WriteString(f.Message.In(lang))
	if !f.Remediation.IsZero() && f.Status != model.StatusPass {
		fmt.Fprintf(&b, "\n%s: %s", words.Fix.In(lang), f.Remediation.In(lang))
	}
	if loc := f.Location.String(); loc != "" {
		fmt.Fprintf(&b, "\n%s: %s", words.ColLocation.In(lang), loc)
	}
	fmt.Fprintf(&b, "\n%s: %s %s (%s)", words.ColRule.In(lang), f.RuleID, f.Status, f.Reason)
	for _, n := range f.Notes {
		fmt.Fprintf(&b, "\n%s: %s", words.Note.In(lang), n.In(lang))
	}
	return b.String()
}
