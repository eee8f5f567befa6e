package cli

import (
	"encoding/json"
	"io"
	"os"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/report"
)

// baselineSet is what a previous JSON report (--baseline) already holds:
// each finding's fingerprint (rule and resource, stable across edits that
// move the resource) with its status and reason.
type baselineSet struct {
	path  string
	known map[baselineKey]bool
}

type baselineKey struct {
	fingerprint string
	status      model.Status
	reason      model.Reason
}

// readBaseline reads a JSON report written by kumoguard (--format json or
// --create-baseline).
func readBaseline(path string) (*baselineSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr(msg("--baseline: %v", "--baseline：%v"), err)
	}
	var doc struct {
		SchemaVersion int `json:"schema_version"`
		Findings      []struct {
			Fingerprint string       `json:"fingerprint"`
			Status      model.Status `json:"status"`
			Reason      model.Reason `json:"reason"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.SchemaVersion == 0 || doc.Findings == nil {
		return nil, usageErr(msg("--baseline: %s is not a kumoguard JSON report (write one with --create-baseline or --format json)",
			"--baseline：%s は kumoguard の JSON レポートではありません（--create-baseline または --format json で作成してください）"), path)
	}
	b := &baselineSet{path: path, known: map[baselineKey]bool{}}
	for _, f := range doc.Findings {
		b.known[baselineKey{f.Fingerprint, f.Status, f.Reason}] = true
	}
	return b, nil
}

// newOrChanged keeps the findings the baseline does not hold with the same
// status and reason: new resources, new rules, and verdicts that changed.
// It returns how many were left out. The summary counts what is kept.
func (b *baselineSet) newOrChanged(rep model.Report) (model.Report, int) {
	known := 0
	out := withFindings(rep, func(f model.Finding) bool {
		if b.known[baselineKey{f.Fingerprint, f.Status, f.Reason}] {
			known++
			return false
		}
		return true
	}, true)
	return out, known
}

// writeBaseline writes the report as JSON, for --baseline later.
func writeBaseline(path string, stdout io.Writer, rep model.Report) error {
	w, err := report.ByName("json")
	if err != nil {
		return err
	}
	return writeOutput(path, stdout, func(out io.Writer) error { return w(out, rep, report.Options{}) })
}
