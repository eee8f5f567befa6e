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

// TestTableColumnsAligned checks, in both languages, that every finding
// row starts its RULE, RESOURCE and MESSAGE cells at the same display column,
// Japanese text included.
func TestTableColumnsAligned(t *testing.T) {
	r := fixtureReport()
	for _, lang := range []string{"en", "ja"} {
		out := string(render(t, "table", r, Options{Lang: lang}))
		lines := strings.Split(out, "\n")
		ruleCol, resCol, msgCol := -1, -1, -1
		rows := 0
		for _, f := range r.Findings {
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
		if rows != len(r.Findings) {
			t.Errorf("%s: %d rows for %d findings", lang, rows, len(r.Findings))
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
