// Package suppress applies suppressions to findings: the inline ones sources
// read next to each resource, and the ones in kumoguard.yaml. It never
// changes a verdict; it marks findings as accepted, and says so when a
// suppression has expired.
package suppress

import (
	"regexp"
	"strings"
	"time"

	"github.com/kumoguard/kumoguard/internal/config"
	"github.com/kumoguard/kumoguard/internal/model"
)

// Apply marks the findings that an active suppression covers and notes the
// ones whose suppression has expired. PASS and NOT_APPLICABLE findings are
// never marked: there is nothing to accept.
func Apply(findings []model.Finding, rules []config.Suppression, now time.Time) {
	matchers := make([]matcher, len(rules))
	for i, r := range rules {
		matchers[i] = newMatcher(r)
	}
	for i := range findings {
		f := &findings[i]
		if f.Status == model.StatusPass || f.Status == model.StatusNotApplicable {
			continue
		}
		var candidates []model.Suppression
		// Inline suppressions sit next to the resource: the finding's cluster.
		if f.Cluster != nil {
			for _, s := range f.Cluster.Suppressions {
				if strings.EqualFold(s.RuleID, f.RuleID) {
					candidates = append(candidates, s)
				}
			}
		}
		for _, m := range matchers {
			if m.matches(*f) {
				candidates = append(candidates, m.suppression(f.RuleID))
			}
		}
		for _, s := range candidates {
			if s.ActiveAt(now) {
				sc := s
				f.Suppressed = &sc
				break
			}
		}
		if f.Suppressed != nil {
			continue
		}
		for _, s := range candidates {
			f.Notes = append(f.Notes, model.T(
				"A suppression of %s at %s expired on %s (reason: %q); it no longer applies.",
				"%s の抑制（%s）は %s に期限切れとなり、適用されなくなりました（理由：%q）。",
				s.RuleID, s.Location, s.Until.Format("2006-01-02"), s.Reason))
		}
	}
}

type matcher struct {
	cfg                            config.Suppression
	address, file, account, region *regexp.Regexp
}

func newMatcher(s config.Suppression) matcher {
	return matcher{cfg: s, address: glob(s.Address), file: glob(s.File), account: glob(s.Account), region: glob(s.Region)}
}

func (m matcher) matches(f model.Finding) bool {
	if m.cfg.Rule != "*" && !strings.EqualFold(m.cfg.Rule, f.RuleID) {
		return false
	}
	if m.address != nil && !(m.address.MatchString(f.Resource.Address) ||
		(f.Resource.ARN != "" && m.address.MatchString(f.Resource.ARN)) ||
		(f.Resource.Name != "" && m.address.MatchString(f.Resource.Name))) {
		return false
	}
	if m.file != nil && !m.file.MatchString(f.Location.File) {
		return false
	}
	if m.account != nil && !m.account.MatchString(f.Resource.Account) {
		return false
	}
	if m.region != nil && !m.region.MatchString(f.Resource.Region) {
		return false
	}
	return true
}

func (m matcher) suppression(ruleID string) model.Suppression {
	return model.Suppression{RuleID: ruleID, Reason: m.cfg.Reason, Until: m.cfg.UntilTime(),
		Source: "config", Location: m.cfg.Location(), Pattern: m.cfg.Address}
}

// glob compiles a pattern where * matches any run of characters (slashes
// included) and ? one character; everything else is literal, so Terraform
// addresses with [ ] and quotes need no escaping. Empty means "any".
func glob(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
