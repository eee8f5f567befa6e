package report

import (
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

func TestDisplayWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"FAIL", 4},
		{"状態", 4},
		{"バックトラック", 14},
		{"（24h）", 7},
		{"ｱｲｳ", 3}, // halfwidth katakana
		{"e\u0301", 1},
		{"envs/日本/a.tf", 14},
	}
	for _, tt := range tests {
		if got := displayWidth(tt.s); got != tt.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

// cjkWidth is an independent, cruder measure for the alignment test: CJK
// ideographs, kana and fullwidth forms take two columns, the rest one.
func cjkWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x3000 && r <= 0x9fff, r >= 0xff01 && r <= 0xff60:
			n += 2
		default:
			n++
		}
	}
	return n
}

// TestTableColumnsAligned checks, in both languages, that every cluster's
// row starts its RULE, RESOURCE and MESSAGE cells at the same display column,
// Japanese text included, and that the cluster's other findings are listed
// under it.
func TestTableColumnsAligned(t *testing.T) {
	r := fixtureReport()
	for _, lang := range []string{"en", "ja"} {
		out := string(render(t, "table", r, Options{Lang: lang}))
		lines := strings.Split(out, "\n")
		ruleCol, resCol, msgCol := -1, -1, -1
		rows := 0
		var primaries []model.Finding
		for _, g := range groupFindings(r.Findings, lang) {
			for _, c := range clusterRows(g.Findings) {
				primaries = append(primaries, c[0])
				for _, o := range c[1:] {
					want := o.RuleID + " " + statusCode(o.Status) + ": "
					if !strings.Contains(out, want) {
						t.Errorf("%s: %s of %s is not listed under its cluster", lang, o.RuleID, resourceLabel(o))
					}
				}
			}
		}
		for _, f := range primaries {
			msg := terminalText(f.Message.In(lang))
			var line string
			for _, l := range lines {
				if strings.HasSuffix(l, msg) && strings.Contains(l, f.RuleID) && strings.Contains(l, terminalText(resourceLabel(f))) {
					line = l
					break
				}
			}
			if line == "" {
				t.Errorf("%s: no row for %s %s", lang, f.RuleID, resourceLabel(f))
				continue
			}
			rows++
			rc := cjkWidth(line[:strings.Index(line, f.RuleID)])
			sc := cjkWidth(line[:strings.Index(line, f.RuleID)+len(f.RuleID)+2])
			mc := cjkWidth(line[:len(line)-len(msg)])
			if f.Suppressed != nil {
				mc -= cjkWidth(words.SuppressedMark.In(lang) + " ")
			}
			if ruleCol == -1 {
				ruleCol, resCol, msgCol = rc, sc, mc
			}
			if rc != ruleCol || sc != resCol || mc != msgCol {
				t.Errorf("%s: row %q has columns at %d/%d/%d, others at %d/%d/%d", lang, line, rc, sc, mc, ruleCol, resCol, msgCol)
			}
		}
		if rows != len(primaries) || rows >= len(r.Findings) {
			t.Errorf("%s: %d rows for %d clusters (%d findings)", lang, rows, len(primaries), len(r.Findings))
		}
	}
}

func TestTableColorOnlyWhenAsked(t *testing.T) {
	r := fixtureReport()
	plain := string(render(t, "table", r, Options{Lang: "en"}))
	if strings.Contains(plain, "\x1b") {
		t.Error("table without Color contains an escape sequence (scanned text must not reach the terminal raw either)")
	}
	colored := string(render(t, "table", r, Options{Lang: "en", Color: true}))
	for _, want := range []string{ansiBold + ansiRed + "FAIL" + ansiReset, ansiGreen + "PASS" + ansiReset, ansiDim + "  FAIL"} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured table lacks %q", want)
		}
	}
	// Colour must not change the layout: strip it and compare.
	stripped := colored
	for _, c := range []string{ansiReset, ansiBold, ansiDim, ansiRed, ansiGreen, ansiYellow, ansiMagenta, ansiCyan} {
		stripped = strings.ReplaceAll(stripped, c, "")
	}
	if stripped != plain {
		t.Error("colour changes the table's text or alignment")
	}
}

func TestTableShowsEverything(t *testing.T) {
	r := fixtureReport()
	out := string(render(t, "table", r, Options{Lang: "en"}))
	for _, want := range []string{
		"envs/prod/main.tf\n", "account 123456789012 / us-east-1\n", // groups
		"envs/prod/main.tf:12:1",                                  // file:line:col
		"↳ Fix: Set backtrack_window when the cluster is created", // remediation of a FAIL
		"↳ Fix: Pass -var 'window=86400'",                         // of an UNKNOWN
		"↳ Fix: Fix the syntax",                                   // of an ERROR
		"↳ Note: count could not be resolved",                     // notes
		"[suppressed] Backtracking is disabled",                   // suppressed, marked
		"↳ Suppressed: legacy <v2> | migrating & \"snapshot\" restore planned; until 2027-03-31; at inline",
		"envs/prod/main.tf:51:1\n", // the suppression's own location
		"Summary: PASS 3 · FAIL 4 · N/A 2 · UNKNOWN 2 · ERROR 2 · suppressed 2 (not counted above)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	// PASS and N/A rows are one line: no remediation under them.
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if (strings.HasPrefix(l, "  PASS") || strings.HasPrefix(l, "  N/A")) && i+1 < len(lines) && strings.Contains(lines[i+1], "↳ Fix") {
			t.Errorf("remediation shown under %q", l)
		}
	}
	if !strings.HasSuffix(out, "\n") || strings.Contains(out, " \n") {
		t.Error("table has trailing spaces or no final newline")
	}
}

func TestTableEmpty(t *testing.T) {
	out := string(render(t, "table", model.Report{}, Options{Lang: "ja"}))
	if !strings.Contains(out, "検出結果はありません。") || !strings.Contains(out, "集計: PASS 0 · FAIL 0") {
		t.Errorf("empty table:\n%s", out)
	}
}

// TestTableOneRowPerCluster: a disabled cluster fails KG-BT-001 and
// KG-BT-002 with the same way out; the table shows one row and one
// remediation, and counts one failing cluster.
func TestTableOneRowPerCluster(t *testing.T) {
	res := model.Resource{Kind: model.SourceTerraform, Type: "aws_rds_cluster", Address: "aws_rds_cluster.db"}
	loc := model.Location{File: "main.tf", Line: 3, Column: 1}
	fix := model.T("Set backtrack_window = 86400 when the cluster is created.", "作成時に backtrack_window = 86400 を設定します。")
	other := model.Resource{Kind: model.SourceTerraform, Type: "aws_rds_cluster", Address: "aws_rds_cluster.ok"}
	r := model.Report{Scan: model.ScanInfo{Kind: "iac"}, Findings: []model.Finding{
		{RuleID: "KG-BT-001", Status: model.StatusFail, Resource: res, Location: loc, Message: model.T("disabled", "無効"), Remediation: fix},
		{RuleID: "KG-BT-002", Status: model.StatusFail, Resource: res, Location: loc, Message: model.T("below the minimum", "最小値未満"), Remediation: fix},
		{RuleID: "KG-BT-001", Status: model.StatusPass, Resource: other, Location: loc, Message: model.T("enabled", "有効")},
		{RuleID: "KG-BT-002", Status: model.StatusPass, Resource: other, Location: loc, Message: model.T("meets", "満たす")},
		{RuleID: "KG-BT-000", Status: model.StatusError, Resource: model.Resource{Address: "bad.tf:1:1"}, Location: model.Location{File: "bad.tf", Line: 1, Column: 1}, Message: model.T("parse error", "構文エラー")},
	}}
	r.Summary = model.Summarize(r.Findings)
	tests := []struct {
		lang, want string
		count      int
	}{
		{"en", "  FAIL    KG-BT-001", 1},
		{"en", "Fix: Set backtrack_window = 86400", 1},
		{"en", "↳ KG-BT-002 FAIL: below the minimum", 1},
		{"en", "↳ KG-BT-002 PASS: meets", 1},
		{"en", "Clusters: 2 · FAIL 1 · PASS 1\n", 1},
		{"ja", "クラスター: 2 · FAIL 1 · PASS 1\n", 1},
		{"ja", "対処: 作成時に", 1},
	}
	for _, tt := range tests {
		out := string(render(t, "table", r, Options{Lang: tt.lang}))
		if got := strings.Count(out, tt.want); got != tt.count {
			t.Errorf("%s: %q appears %d times, want %d:\n%s", tt.lang, tt.want, got, tt.count, out)
		}
	}
}
