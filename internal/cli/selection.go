package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// This file holds what selects the findings a scan reports and shows, as
// Trivy, Checkov and tfsec users expect: which rules and severities run
// (--rule, --skip-rule, --severity: the report and the exit code), and what
// is shown (--quiet, --include-passed: the output only).

// selectFlags select rules and shape the output.
type selectFlags struct {
	rules         []string
	skipRules     []string
	severities    []string
	quiet         bool
	includePassed bool
}

func addSelectFlags(cmd *cobra.Command, f *selectFlags) {
	fl := cmd.Flags()
	fl.StringSliceVar(&f.rules, "rule", nil, "run only these rules (comma-separated or repeated, e.g. KG-BT-001); KG-BT-000 input problems are always reported")
	fl.StringSliceVar(&f.skipRules, "skip-rule", nil, "do not report these rules (comma-separated or repeated)")
	fl.StringSliceVar(&f.severities, "severity", nil, "report only rules of these severities: "+strings.Join(severityNames(), ", "))
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "show only the findings that fail the scan (--fail-on), and no notices on standard error")
	fl.BoolVar(&f.includePassed, "include-passed", true, "show PASS and NOT_APPLICABLE findings (--include-passed=false: only what needs attention)")
	_ = cmd.RegisterFlagCompletionFunc("rule", completeRules)
	_ = cmd.RegisterFlagCompletionFunc("skip-rule", completeRules)
	_ = cmd.RegisterFlagCompletionFunc("severity", fixedCompletion(severityNames()...))
}

func severityNames() []string {
	return []string{string(model.SeverityCritical), string(model.SeverityHigh), string(model.SeverityMedium),
		string(model.SeverityLow), string(model.SeverityInfo)}
}

func completeRules(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, r := range policy.Infos() {
		out = append(out, r.ID+"\t"+r.Title.EN)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// selection is what selectFlags resolve to.
type selection struct {
	rules, skip map[string]bool // nil: every rule
	severities  map[model.Severity]bool
	quiet       bool
	passed      bool
}

func (f *selectFlags) resolve() (selection, error) {
	s := selection{quiet: f.quiet, passed: f.includePassed}
	known := map[string]bool{}
	var ids []string
	for _, r := range policy.Infos() {
		known[r.ID] = true
		ids = append(ids, r.ID)
	}
	parse := func(flag string, vals []string) (map[string]bool, error) {
		if len(vals) == 0 {
			return nil, nil
		}
		out := map[string]bool{}
		for _, v := range vals {
			id := strings.ToUpper(strings.TrimSpace(v))
			if !known[id] {
				return nil, usageErr("%s: unknown rule %q (expected one of %s)", flag, v, strings.Join(ids, ", "))
			}
			out[id] = true
		}
		return out, nil
	}
	var err error
	if s.rules, err = parse("--rule", f.rules); err != nil {
		return s, err
	}
	if s.skip, err = parse("--skip-rule", f.skipRules); err != nil {
		return s, err
	}
	if len(f.severities) > 0 {
		s.severities = map[model.Severity]bool{}
		for _, v := range f.severities {
			sev := model.Severity(strings.ToUpper(strings.TrimSpace(v)))
			if !slices.Contains(severityNames(), string(sev)) {
				return s, usageErr("--severity: unknown severity %q (expected one of %s)", v, strings.Join(severityNames(), ", "))
			}
			s.severities[sev] = true
		}
	}
	return s, nil
}

// checked keeps the findings of the selected rules and severities: what the
// report holds and the exit code is decided on. KG-BT-000 (the input could
// not be evaluated) is kept unless --skip-rule names it: a scan that could
// not read its input must say so whatever rules were asked for. The summary
// and the suppressed count are recomputed; coverage and incompleteness are
// the scan's and stay.
func (s selection) checked(rep model.Report) model.Report {
	if s.rules == nil && s.skip == nil && s.severities == nil {
		return rep
	}
	severityOf := map[string]model.Severity{}
	for _, r := range rep.Rules {
		severityOf[r.ID] = r.Severity
	}
	keep := func(f model.Finding) bool {
		id := strings.ToUpper(f.RuleID)
		if s.skip[id] {
			return false
		}
		if id == policy.KGBT000.ID {
			return true
		}
		if s.rules != nil && !s.rules[id] {
			return false
		}
		if s.severities != nil {
			sev := f.Severity
			if sev == "" {
				sev = severityOf[id]
			}
			if !s.severities[sev] {
				return false
			}
		}
		return true
	}
	return withFindings(rep, keep, true)
}

// shown keeps what the output shows: with --quiet only the findings that
// fail the scan, with --include-passed=false no PASS or NOT_APPLICABLE. The
// summary still counts every checked finding.
func (s selection) shown(rep model.Report, failOn map[model.Status]bool) model.Report {
	if !s.quiet && s.passed {
		return rep
	}
	return withFindings(rep, func(f model.Finding) bool {
		if s.quiet && (f.Suppressed != nil || !failOn[f.Status]) {
			return false
		}
		if !s.passed && (f.Status == model.StatusPass || f.Status == model.StatusNotApplicable) {
			return false
		}
		return true
	}, false)
}

// withFindings copies the report with the findings keep accepts; recount
// recomputes the summary and the suppressed count.
func withFindings(rep model.Report, keep func(model.Finding) bool, recount bool) model.Report {
	out := rep
	out.Findings = make([]model.Finding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		if keep(f) {
			out.Findings = append(out.Findings, f)
		}
	}
	if recount {
		out.Summary = model.Summarize(out.Findings)
		out.Scan.Suppressed = 0
		for _, f := range out.Findings {
			if f.Suppressed != nil {
				out.Scan.Suppressed++
			}
		}
	}
	return out
}

// IgnoreFileName is the file of paths a scan skips, read from the scan root.
const IgnoreFileName = ".kumoguardignore"

// pathFilter is --skip-dirs, --skip-files and .kumoguardignore: globs
// matched against paths relative to the scan root, with / as separator.
//
// A pattern without a slash matches a name at any depth ("*.yaml",
// "fixtures"); a pattern with one is anchored at the root
// ("envs/*/legacy", "/modules/old"). "*" and "?" match within one path
// segment, "**" any number of segments ("**/testdata/*.json"). A directory
// that is skipped is skipped with everything under it.
type pathFilter struct {
	dirs, files []string
}

// empty reports whether the filter skips nothing.
func (p pathFilter) empty() bool { return len(p.dirs) == 0 && len(p.files) == 0 }

// checkGlobs rejects a malformed pattern with the flag or file that gave it.
func checkGlobs(where string, globs []string) error {
	for _, g := range globs {
		for _, seg := range strings.Split(strings.Trim(g, "/"), "/") {
			if _, err := path.Match(seg, ""); err != nil {
				return usageErr("%s: %q is not a valid glob: %v", where, g, err)
			}
		}
	}
	return nil
}

// skip reports whether rel (relative to the root, slash-separated) is
// skipped: it or one of its parent directories matches a directory pattern,
// or it is a file that matches a file pattern.
func (p pathFilter) skip(rel string, dir bool) bool {
	rel = strings.TrimPrefix(path.Clean(filepath.ToSlash(rel)), "./")
	if rel == "." || rel == "" || strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
		return false
	}
	if !dir {
		for _, g := range p.files {
			if globMatch(g, rel) {
				return true
			}
		}
	}
	// Every directory on the way, and rel itself when it is one.
	segs := strings.Split(rel, "/")
	n := len(segs) - 1
	if dir {
		n = len(segs)
	}
	for i := 1; i <= n; i++ {
		d := strings.Join(segs[:i], "/")
		for _, g := range p.dirs {
			if globMatch(g, d) {
				return true
			}
		}
	}
	return false
}

// globMatch matches a pattern (see pathFilter) against a relative path.
func globMatch(pattern, rel string) bool {
	anchored := strings.Contains(strings.TrimSuffix(pattern, "/"), "/")
	pattern = strings.Trim(pattern, "/")
	if !anchored {
		pattern = "**/" + pattern
	}
	return matchSegs(strings.Split(pattern, "/"), strings.Split(rel, "/"))
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// readIgnoreFile reads .kumoguardignore in root: one pattern a line, "#"
// starts a comment, a trailing "/" makes a pattern match directories only
// (else it matches files and directories). Negation ("!") is not supported
// and is an error rather than silently ignored. A missing file is no error.
func readIgnoreFile(root string) (pathFilter, error) {
	var p pathFilter
	name := filepath.Join(root, IgnoreFileName)
	fh, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return p, nil
		}
		return p, usageErr("%v", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", IgnoreFileName, line)
		if strings.HasPrefix(text, "!") {
			return p, usageErr(msg("%s: negated patterns (\"!\") are not supported", "%s: 否定パターン（\"!\"）には対応していません"), where)
		}
		if err := checkGlobs(where, []string{text}); err != nil {
			return p, err
		}
		p.dirs = append(p.dirs, text)
		if !strings.HasSuffix(text, "/") {
			p.files = append(p.files, text)
		}
	}
	if err := sc.Err(); err != nil {
		return p, usageErr("%s: %v", name, err)
	}
	return p, nil
}

// filterInventory drops the clusters and diagnostics located in skipped
// files: a source that reads whole directories (Terraform) may still have
// read a skipped file.
func filterInventory(inv model.Inventory, p pathFilter) model.Inventory {
	if p.empty() {
		return inv
	}
	out := inv
	out.Clusters = inv.Clusters[:0:0]
	for _, c := range inv.Clusters {
		if c.Location.File == "" || !p.skip(c.Location.File, false) {
			out.Clusters = append(out.Clusters, c)
		}
	}
	out.Diagnostics = inv.Diagnostics[:0:0]
	for _, d := range inv.Diagnostics {
		if d.Location.File == "" || !p.skip(d.Location.File, false) {
			out.Diagnostics = append(out.Diagnostics, d)
		}
	}
	return out
}
