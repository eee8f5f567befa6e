package model

import (
	"regexp"
	"strings"
	"time"
)

// IgnoreDirective is the inline suppression marker sources look for in
// comments: "kumoguard:ignore KG-BT-001 reason=\"...\" until=2027-03-31".
const IgnoreDirective = "kumoguard:ignore"

var (
	ruleIDPattern = regexp.MustCompile(`^KG-[A-Z]+-\d{3}$`)
	kvPattern     = regexp.MustCompile(`(\w+)=("(?:[^"\\]|\\.)*"|\S+)`)
)

// DirectiveError is a malformed suppression directive, said in both
// languages: given to T, each language gets its own.
type DirectiveError struct{ Text Text }

func (e *DirectiveError) Error() string         { return e.Text.EN }
func (e *DirectiveError) In(lang string) string { return e.Text.In(lang) }

func directiveErr(en, ja string, args ...any) error { return &DirectiveError{Text: T(en, ja, args...)} }

// ParseIgnoreComment reads an inline suppression from one comment's text
// (with or without its "#", "//" or "/*" marker). found is false when the
// comment holds no directive. A directive without a reason, with an unknown
// rule ID or a bad date returns an error saying what was expected.
// Several rule IDs may be given, separated by commas.
func ParseIgnoreComment(comment string, loc Location) (sups []Suppression, found bool, err error) {
	text := strings.TrimSpace(comment)
	for _, p := range []string{"#", "//", "/*"} {
		text = strings.TrimSpace(strings.TrimPrefix(text, p))
	}
	text = strings.TrimSpace(strings.TrimSuffix(text, "*/"))
	i := strings.Index(text, IgnoreDirective)
	if i < 0 {
		return nil, false, nil
	}
	rest := strings.TrimSpace(text[i+len(IgnoreDirective):])
	if rest == "" {
		return nil, true, directiveErr(`%s: expected a rule ID, e.g. kumoguard:ignore KG-BT-001 reason="..."`,
			`%s：ルール ID が必要です（例：kumoguard:ignore KG-BT-001 reason="..."）`, loc)
	}
	fields := strings.Fields(rest)
	var ids []string
	for _, id := range strings.Split(fields[0], ",") {
		id = strings.ToUpper(strings.TrimSpace(id))
		if !ruleIDPattern.MatchString(id) {
			return nil, true, directiveErr("%s: %q is not a rule ID (expected e.g. KG-BT-001)", "%s：%q はルール ID ではありません（KG-BT-001 のように指定してください）", loc, id)
		}
		ids = append(ids, id)
	}
	attrs := map[string]string{}
	for _, m := range kvPattern.FindAllStringSubmatch(rest[len(fields[0]):], -1) {
		v := m[2]
		if strings.HasPrefix(v, `"`) {
			v = strings.ReplaceAll(strings.Trim(v, `"`), `\"`, `"`)
		}
		attrs[strings.ToLower(m[1])] = v
	}
	s := Suppression{Reason: strings.TrimSpace(attrs["reason"]), Source: "inline", Location: loc}
	if s.Reason == "" {
		return nil, true, directiveErr(`%s: suppression of %s has no reason (expected reason="why this is accepted")`,
			`%s：%s の抑制に理由がありません（reason="許容する理由" を記述してください）`, loc, strings.Join(ids, ","))
	}
	if u, ok := attrs["until"]; ok {
		t, err := time.Parse("2006-01-02", u)
		if err != nil {
			return nil, true, directiveErr("%s: until=%q is not a date (expected YYYY-MM-DD)", "%s：until=%q は日付ではありません（YYYY-MM-DD で指定してください）", loc, u)
		}
		s.Until = &t
	}
	for _, id := range ids {
		c := s
		c.RuleID = id
		sups = append(sups, c)
	}
	return sups, true, nil
}

// Checkov's backtrack check CKV_AWS_326, "Ensure that RDS Aurora Clusters
// have backtracking enabled", is what KG-BT-001 checks: a Checkov skip of it is honoured as a
// suppression of KG-BT-001, so that teams moving from Checkov keep their
// decisions (https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html).
const (
	CheckovBacktrackCheck = "CKV_AWS_326"
	CheckovBacktrackRule  = "KG-BT-001"
	// CheckovSkipDirective marks a Checkov skip comment; Bridgecrew's older
	// spelling "bridgecrew:skip=" is read too.
	CheckovSkipDirective = "checkov:skip="
)

// checkovSkipPattern is Checkov's own comment pattern: the check ID, then
// an optional ":" and the reason up to the end of the line.
var checkovSkipPattern = regexp.MustCompile(`(?:checkov|bridgecrew):skip=[ \t]*([A-Za-z0-9_]+)(?:[ \t]*:([^\n]*))?`)

// HasCheckovSkip reports whether a file's text may hold a Checkov skip.
func HasCheckovSkip(src []byte) bool {
	return strings.Contains(string(src), "checkov:skip=") || strings.Contains(string(src), "bridgecrew:skip=")
}

// ParseCheckovSkipComment reads Checkov skips ("#checkov:skip=CKV_AWS_326:the
// reason") from one comment and returns a suppression of KG-BT-001 for each
// skip of CKV_AWS_326; skips of other Checkov checks are none of kumoguard's
// business. Checkov does not require a reason; one without gets a reason that
// says so.
func ParseCheckovSkipComment(comment string, loc Location) []Suppression {
	var out []Suppression
	for _, m := range checkovSkipPattern.FindAllStringSubmatch(comment, -1) {
		if s, ok := CheckovSkip(m[1], m[2], "inline", loc); ok {
			out = append(out, s)
		}
	}
	return out
}

// CheckovSkip is the suppression a Checkov skip of checkID with comment
// stands for (a comment's skip, or CloudFormation's Metadata.checkov.skip
// entry {id, comment}); ok is false when checkID is not CKV_AWS_326.
func CheckovSkip(checkID, comment, source string, loc Location) (Suppression, bool) {
	if !strings.EqualFold(strings.TrimSpace(checkID), CheckovBacktrackCheck) {
		return Suppression{}, false
	}
	reason := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(comment), "*/"))
	if reason == "" {
		reason = "checkov:skip=" + CheckovBacktrackCheck + " (Checkov skip without a reason)"
	}
	return Suppression{RuleID: CheckovBacktrackRule, Reason: reason, Source: source, Location: loc}, true
}
