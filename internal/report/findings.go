package report

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/kumoguard/kumoguard/internal/model"
)

// This file holds what several formats share: language choice, counts,
// grouping and short renderings of locations and suppressions. None of it
// decides a verdict; it only reads the findings it is given.

// lang returns the output language: "ja" or "en".
func (o Options) lang() string {
	if strings.EqualFold(o.Lang, "ja") {
		return "ja"
	}
	return "en"
}

// summaryOf returns the report's counts per status with every status present.
// A report built without a summary gets the one model.Summarize computes
// (suppressed findings are not counted, as everywhere else).
func summaryOf(r model.Report) model.Summary {
	src := r.Summary
	if src == nil {
		src = model.Summarize(r.Findings)
	}
	out := model.Summary{}
	for _, st := range model.Statuses {
		out[st] = src[st]
	}
	for st, n := range src {
		out[st] = n
	}
	return out
}

// suppressedCount counts the suppressed findings in the report.
func suppressedCount(fs []model.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Suppressed != nil {
			n++
		}
	}
	return n
}

// needsAction reports whether a finding is one a reader must act on:
// FAIL, ERROR or UNKNOWN, and not suppressed.
func needsAction(f model.Finding) bool {
	if f.Suppressed != nil {
		return false
	}
	switch f.Status {
	case model.StatusFail, model.StatusError, model.StatusUnknown:
		return true
	}
	return false
}

// isLive reports whether a finding is about a live resource (no file).
func isLive(f model.Finding) bool {
	return f.Location.File == "" && (f.Resource.Account != "" || f.Resource.Region != "" || f.Resource.ARN != "" ||
		f.Location.Account != "" || f.Location.Region != "")
}

// account and region of a finding, from its resource or else its location.
func accountOf(f model.Finding) string { return firstNonEmpty(f.Resource.Account, f.Location.Account) }
func regionOf(f model.Finding) string  { return firstNonEmpty(f.Resource.Region, f.Location.Region) }
func arnOf(f model.Finding) string     { return firstNonEmpty(f.Resource.ARN, f.Location.ARN) }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// groupName is what a finding is grouped under in human formats: its file
// for IaC, "account A / region" for live resources, "(scan)" otherwise.
func groupName(f model.Finding, lang string) string {
	if f.Location.File != "" {
		return f.Location.File
	}
	acct, region := accountOf(f), regionOf(f)
	switch {
	case acct != "" && region != "":
		return fmt.Sprintf(words.GroupAccountRegion.In(lang), acct, region)
	case acct != "":
		return fmt.Sprintf(words.GroupAccount.In(lang), acct)
	case region != "":
		return region
	}
	return words.GroupNoLocation.In(lang)
}

// findingGroup is a run of findings sharing a group name, in report order.
type findingGroup struct {
	Name     string
	Findings []model.Finding
}

// groupFindings groups findings by groupName, keeping the order in which
// groups first appear and the order of findings within each group.
func groupFindings(fs []model.Finding, lang string) []findingGroup {
	var out []findingGroup
	index := map[string]int{}
	for _, f := range fs {
		name := groupName(f, lang)
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			out = append(out, findingGroup{Name: name})
		}
		out[i].Findings = append(out[i].Findings, f)
	}
	return out
}

// resourceLabel is the resource as people name it: its address, else its
// ARN, else its name.
func resourceLabel(f model.Finding) string {
	label := firstNonEmpty(f.Resource.Address, f.Resource.ARN, f.Resource.Name)
	if r := sharedRoot(f); r != "" {
		label += " [" + r + "]"
	}
	return label
}

// sharedRoot is the root a finding belongs to when its location alone does
// not say it: the resource is defined outside its root (a module shared by
// several environments gives the same address and file once per root).
func sharedRoot(f model.Finding) string {
	root, file := f.Resource.Root, f.Location.File
	if root == "" || file == "" || root == "." {
		return ""
	}
	if file == root || strings.HasPrefix(file, strings.TrimSuffix(root, "/")+"/") {
		return ""
	}
	return root
}

// locationLabel renders file:line:column for files. For live resources the
// ARN is shown only when it differs from the resource label (live addresses
// usually are the ARN already).
func locationLabel(f model.Finding) string {
	if f.Location.File != "" {
		return f.Location.String()
	}
	if arn := arnOf(f); arn != "" && arn != resourceLabel(f) {
		return arn
	}
	return ""
}

// statusCode is the status as shown in human formats: the code, with
// NOT_APPLICABLE shortened to N/A.
func statusCode(s model.Status) string {
	if s == model.StatusNotApplicable {
		return "N/A"
	}
	return string(s)
}

// suppressionText describes a suppression: its reason, its expiry and where
// it was declared.
func suppressionText(s *model.Suppression, lang string) string {
	if s == nil {
		return ""
	}
	parts := []string{s.Reason}
	if u := untilText(s, lang); u != "" {
		parts = append(parts, u)
	}
	if d := declaredAt(s); d != "" {
		parts = append(parts, fmt.Sprintf(words.At.In(lang), d))
	}
	return strings.Join(parts, "; ")
}

// untilText is "until 2027-03-31" or "no expiry".
func untilText(s *model.Suppression, lang string) string {
	if s.Until == nil {
		return words.Never.In(lang)
	}
	return fmt.Sprintf(words.Until.In(lang), s.Until.UTC().Format("2006-01-02"))
}

// declaredAt is where a suppression was written: "inline main.tf:9",
// "config kumoguard.yaml:4 (module.db.*)".
func declaredAt(s *model.Suppression) string {
	var b strings.Builder
	b.WriteString(s.Source)
	if loc := s.Location.String(); loc != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(loc)
	}
	if s.Pattern != "" {
		fmt.Fprintf(&b, " (%s)", s.Pattern)
	}
	return strings.TrimSpace(b.String())
}

// ruleTitle is the rule's title in the language, or "" for a rule the
// report does not describe.
func ruleTitle(rules model.Rules, id, lang string) string {
	if r := rules.Lookup(id); r != nil {
		return r.Title.In(lang)
	}
	return ""
}

// oneLine folds line breaks so a text fits a table cell or an attribute.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// withoutControls replaces control characters other than line breaks and
// tabs, and invalid UTF-8, with U+FFFD: a scanned file could otherwise carry
// terminal escape sequences or broken bytes into a report.
func withoutControls(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
