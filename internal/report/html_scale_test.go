package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// scaleReport is a report of n clusters over files of 20 clusters each:
// every fourth cluster disabled (KG-BT-001 and KG-BT-002 FAIL with the same
// remediation), the others passing both rules: 2n findings.
func scaleReport(n int) model.Report {
	r := fixtureReport()
	r.Findings = nil
	for i := 0; i < n; i++ {
		file := fmt.Sprintf("envs/env%03d/main.tf", i/20)
		res := model.Resource{Kind: model.SourceTerraform, Type: "aws_rds_cluster", Address: fmt.Sprintf("aws_rds_cluster.c%d", i)}
		loc := model.Location{File: file, Line: 1 + (i%20)*10, Column: 1}
		for _, rule := range []string{"KG-BT-001", "KG-BT-002"} {
			f := model.Finding{RuleID: rule, Resource: res, Location: loc, Severity: model.SeverityHigh,
				Fingerprint: model.Fingerprint(rule, res, "")}
			if i%4 == 0 {
				f.Status = model.StatusFail
				f.Message = model.T("Backtracking is disabled.", "バックトラックが無効です。")
				f.Remediation = model.T("Set backtrack_window = 86400 when the cluster is created.", "作成時に backtrack_window = 86400 を設定します。")
				f.Fix = &model.Remediation{Path: model.PathSetWindow, Summary: f.Remediation,
					IaC: []model.IaCChange{{Description: model.T("Add backtrack_window = 86400.", "backtrack_window = 86400 を追加します。"), Snippet: "backtrack_window = 86400 # 24h"}}}
			} else {
				f.Status = model.StatusPass
				f.Message = model.T("Backtracking is enabled.", "バックトラックが有効です。")
			}
			r.Findings = append(r.Findings, f)
		}
	}
	r.Summary = model.Summarize(r.Findings)
	return r
}

// TestHTMLScales renders 10,000 findings (5,000 clusters in 250 files) and
// checks what keeps such a page usable: an overview row per file, every
// file a collapsible section, one remediation per failing cluster, and a
// size bound. The time is logged, not asserted (timed tests are flaky).
func TestHTMLScales(t *testing.T) {
	r := scaleReport(5000)
	start := time.Now()
	out := string(render(t, "html", r, Options{Lang: "en"}))
	t.Logf("10,000 findings: %d bytes of HTML in %v", len(out), time.Since(start))
	failing := 5000 / 4
	tests := []struct {
		what  string
		count int
		want  int
	}{
		{"overview rows (one per file)", strings.Count(out, `<tr class="overview-row`), 250},
		{"collapsible file sections", strings.Count(out, `<details class="group"`), 250},
		{"remediation cards (one per failing cluster)", strings.Count(out, `<div class="fix">`), failing},
	}
	for _, tt := range tests {
		if tt.count != tt.want {
			t.Errorf("%s: %d, want %d", tt.what, tt.count, tt.want)
		}
	}
	if len(out) > 12<<20 {
		t.Errorf("the page is %d bytes for 10,000 findings, above 12 MiB", len(out))
	}
}
