package report

import (
	"strings"
	"testing"
)

// TestTableWrapsToTheTerminal: on a terminal of 80 columns every line fits,
// but for a single word longer than the line (a URL, a command); written to a
// file (Width 0) each finding row stays one line.
func TestTableWrapsToTheTerminal(t *testing.T) {
	r := fixtureReport()
	for _, lang := range []string{"en", "ja"} {
		for _, width := range []int{80, 100} {
			out := string(render(t, "table", r, Options{Lang: lang, Width: width}))
			for _, l := range strings.Split(out, "\n") {
				if displayWidth(l) <= width {
					continue
				}
				// Only a word that cannot be cut may overflow, alone on its line.
				if strings.Contains(strings.TrimSpace(l), " ") {
					t.Errorf("%s/%d: line of %d columns:\n%s", lang, width, displayWidth(l), l)
				}
			}
		}
		flat := string(render(t, "table", r, Options{Lang: lang}))
		wrapped := string(render(t, "table", r, Options{Lang: lang, Width: 80}))
		if strings.Count(wrapped, "\n") <= strings.Count(flat, "\n") {
			t.Errorf("%s: 80 columns gave no more lines than an unwrapped file", lang)
		}
		for _, f := range r.Findings {
			if f.Status == "PASS" && !strings.Contains(flat, terminalText(f.Message.In(lang))) {
				t.Errorf("%s: a PASS row is not one line in a file: %s", lang, f.Message.In(lang))
			}
		}
	}
}
