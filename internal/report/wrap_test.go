package report

import (
	"strings"
	"testing"
)

func TestWrapText(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"the quick brown fox jumps", 10, []string{"the quick", "brown fox", "jumps"}},
		{"see https://docs.aws.amazon.com/AmazonRDS/latest/x.html now", 12,
			[]string{"see", "https://docs.aws.amazon.com/AmazonRDS/latest/x.html", "now"}},
		{"バックトラックが無効です", 10, []string{"バックト", "ラックが無", "効です"}}, // no line starts with ッ,
		{"値 backtrack_window を設定", 12, []string{"値", "backtrack_window", "を設定"}},
		// kinsoku: "、" and "）" never start a line, "（" never ends one.
		{"復元し、切り替えます", 7, []string{"復元", "し、切", "り替え", "ます"}},
		{"設定（例）です", 6, []string{"設定", "（例）", "です"}},
		{"ABC", 1, []string{"ABC"}},
	}
	for _, tt := range tests {
		got := wrapText(tt.in, tt.width)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

// TestWrapTextKeepsEverything: wrapping only moves line breaks; every line
// fits unless it is one unbreakable word.
func TestWrapTextKeepsEverything(t *testing.T) {
	for _, f := range fixtureReport().Findings {
		for _, s := range []string{f.Remediation.EN, f.Remediation.JA, f.Message.JA} {
			lines := wrapText(s, 40)
			if strings.ReplaceAll(strings.Join(lines, ""), " ", "") != strings.ReplaceAll(s, " ", "") {
				t.Errorf("wrapping lost text:\n%q\n%q", s, lines)
			}
			for _, l := range lines {
				if displayWidth(l) > 40 && strings.ContainsAny(l, " ") {
					t.Errorf("line %q is %d wide and could have been broken", l, displayWidth(l))
				}
			}
		}
	}
}
