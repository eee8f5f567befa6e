package model

import (
	"fmt"
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
		return nil, true, fmt.Errorf(`%s: expected a rule ID, e.g. kumoguard:ignore KG-BT-001 reason="..."`, loc)
	}
	fields := strings.Fields(rest)
	var ids []string
	for _, id := range strings.Split(fields[0], ",") {
		id = strings.ToUpper(strings.TrimSpace(id))
		if !ruleIDPattern.MatchString(id) {
			return nil, true, fmt.Errorf("%s: %q is not a rule ID (expected e.g. KG-BT-001)", loc, id)
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
		return nil, true, fmt.Errorf(`%s: suppression of %s has no reason (expected reason="why this is accepted")`, loc, strings.Join(ids, ","))
	}
	if u, ok := attrs["until"]; ok {
		t, err := time.Parse("2006-01-02", u)
		if err != nil {
			return nil, true, fmt.Errorf("%s: until=%q is not a date (expected YYYY-MM-DD)", loc, u)
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
