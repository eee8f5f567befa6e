package scan

import (
	"context"
	"path/filepath"
	"time"

	"github.com/kumoguard/kumoguard/internal/config"
	"github.com/kumoguard/kumoguard/internal/fix"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/suppress"
)

// CoverageNotEvaluated is the coverage key that counts what could not be
// evaluated (KG-BT-000 findings: inputs, accounts, regions, calls).
const CoverageNotEvaluated = "not_evaluated"

// Settings are what a scan checks and how its report is made.
type Settings struct {
	Policy       policy.Options
	Suppressions []config.Suppression
	// Edits attaches the exact text edits `kumoguard fix` would make to
	// each finding's remediation, for the reporters that carry them (SARIF
	// fixes, JSON). It re-reads the files, so only those reporters ask.
	Edits bool
	Tool  model.Tool
}

// Scope says what a scan covered, for the report.
type Scope struct {
	Kind string // "iac" or "aws"
	// Root is the absolute scan root of an IaC scan ("" for live scans).
	Root    string
	Started time.Time
}

// Findings evaluates the inventory and applies the suppressions (inline,
// kumoguard.yaml). Each finding carries the cluster it judges and the
// policy's way out; nothing is written yet.
func Findings(inv model.Inventory, s Settings) []model.Finding {
	findings := policy.Evaluate(inv, s.Policy)
	now := s.Policy.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	suppress.Apply(findings, s.Suppressions, now)
	if findings == nil {
		findings = []model.Finding{}
	}
	return findings
}

// Report turns an inventory into a report: findings, suppressions, the
// exact remediation of every finding that is not a PASS, the summary, and
// the metadata of the rules it ran.
func Report(inv model.Inventory, s Settings, sc Scope) model.Report {
	findings := Findings(inv, s)
	root := ""
	if sc.Kind == "iac" && sc.Root != "" {
		root = filepath.FromSlash(sc.Root) // IaC changes are checked against the files
	}
	rems := fix.ForReport(findings, inv, root, s.Edits)
	for i := range findings {
		if findings[i].Status != model.StatusPass {
			r := rems[i]
			findings[i].Fix = &r
		}
	}
	minWindow := s.Policy.MinWindowSeconds
	if minWindow == 0 {
		minWindow = model.DefaultMinWindowSeconds
	}
	rep := model.Report{
		SchemaVersion: 1,
		Tool:          s.Tool,
		Summary:       model.Summarize(findings),
		Findings:      findings,
		Scan: model.ScanInfo{
			Kind:      sc.Kind,
			Root:      filepath.ToSlash(sc.Root),
			StartedAt: sc.Started.UTC().Truncate(time.Second),
			Duration:  time.Since(sc.Started).Round(time.Millisecond).Seconds(),
			MinWindow: minWindow,
			Coverage:  inv.Coverage,
		},
		Rules: policy.Infos(),
	}
	notEvaluated := 0
	for _, f := range findings {
		if f.Suppressed != nil {
			rep.Scan.Suppressed++
		}
		if f.RuleID == policy.KGBT000.ID {
			notEvaluated++
			if f.Suppressed == nil && (f.Status == model.StatusError || f.Status == model.StatusUnknown) {
				rep.Scan.Incomplete = true
			}
			if f.Reason == model.ReasonScanInterrupted {
				rep.Scan.Interrupted = true
			}
		}
	}
	// Coverage says what was covered and what was not, counted.
	cov := make(map[string]int, len(inv.Coverage)+1)
	for k, v := range inv.Coverage {
		cov[k] = v
	}
	cov[CoverageNotEvaluated] = notEvaluated
	rep.Scan.Coverage = cov
	return rep
}

// Run is one whole scan: load, then Report. The error is the loader's (a
// request that cannot start); what could not be read is in the report as
// KG-BT-000 findings.
func Run(ctx context.Context, l Loader, s Settings, sc Scope) (model.Report, error) {
	if sc.Started.IsZero() {
		sc.Started = time.Now()
	}
	inv, err := l.Load(ctx)
	if err != nil {
		return model.Report{}, err
	}
	return Report(inv, s, sc), nil
}
