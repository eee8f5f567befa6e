package report

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kumoguard/kumoguard/internal/model"
)

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a | b", `a \| b`},
		{"`x`", "\\`x\\`"},
		{"<script>&amp;", "&lt;script&gt;&amp;amp;"},
		{"aws_rds_cluster.x[0] *y*", `aws\_rds\_cluster.x\[0\] \*y\*`},
		{"line\nbreak", "line break"},
		{"esc\x1b[31m", `esc` + "\uFFFD" + `\[31m`},
	}
	for _, tt := range tests {
		if got := markdownCell(tt.in); got != tt.want {
			t.Errorf("markdownCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	codes := []struct {
		in      string
		inTable bool
		want    string
	}{
		{"module.db.this[0]", true, "`module.db.this[0]`"},
		{"a`b", false, "``a`b``"},
		{"`a``", false, "``` `a`` ```"},
		{"a|b", true, "`a\\|b`"},
		{"", true, ""},
	}
	for _, tt := range codes {
		if got := markdownCode(tt.in, tt.inTable); got != tt.want {
			t.Errorf("markdownCode(%q, %v) = %q, want %q", tt.in, tt.inTable, got, tt.want)
		}
	}
}

// tableRowCells counts the cells of a GFM table row, ignoring escaped pipes.
func tableRowCells(line string) int {
	return strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
}

// TestMarkdownTablesWellFormed: every row has as many cells as its header,
// whatever the findings contain.
func TestMarkdownTablesWellFormed(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		out := string(render(t, "markdown", fixtureReport(), Options{Lang: lang}))
		want := -1
		for _, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(line, "|") {
				want = -1
				continue
			}
			n := tableRowCells(line)
			if want == -1 {
				want = n
			} else if n != want {
				t.Errorf("%s: row has %d cells, header %d: %s", lang, n, want, line)
			}
		}
		if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
			t.Errorf("%s: unbalanced <details>", lang)
		}
	}
}

func manyFindings(n int) model.Report {
	base := fixtureReport()
	var fs []model.Finding
	for i := 0; len(fs) < n; i++ {
		for _, f := range base.Findings {
			f.Resource.Address = fmt.Sprintf("%s_%d", f.Resource.Address, i)
			fs = append(fs, f)
		}
	}
	fs = fs[:n]
	base.Findings = fs
	base.Summary = model.Summarize(fs)
	return base
}

func TestMarkdownStaysUnderCommentLimit(t *testing.T) {
	for _, n := range []int{10, 300, 5000} {
		for _, lang := range []string{"en", "ja"} {
			r := manyFindings(n)
			out := string(render(t, "markdown", r, Options{Lang: lang}))
			if utf8.RuneCountInString(out) > markdownCommentLimit || len(out) > markdownCommentLimit {
				t.Errorf("%d findings (%s): %d bytes, over GitHub's limit", n, lang, len(out))
			}
			truncated := strings.Contains(out, "[!WARNING]")
			if n >= 300 && !truncated {
				t.Errorf("%d findings (%s): no truncation note", n, lang)
			}
			if n == 10 && truncated {
				t.Errorf("%d findings (%s): truncated needlessly", n, lang)
			}
			if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
				t.Errorf("%d findings (%s): unbalanced <details> after truncation", n, lang)
			}
			// The counts always cover every finding, even when rows are cut.
			sum := summaryOf(r)
			if !strings.Contains(out, fmt.Sprintf("| ❌ FAIL (%s) | %d |", statusLabels[model.StatusFail].In(lang), sum[model.StatusFail])) {
				t.Errorf("%d findings (%s): summary table lost the FAIL count", n, lang)
			}
		}
	}
}

// TestMarkdownTruncationCount: with a small limit the note counts exactly
// the findings whose rows were dropped.
func TestMarkdownTruncationCount(t *testing.T) {
	r := fixtureReport()
	full := renderMarkdown(r, Options{Lang: "en"}, markdownCommentLimit)
	cut := renderMarkdown(r, Options{Lang: "en"}, len(full)-200)
	if len(cut) > len(full)-200 {
		t.Fatalf("cut output %d bytes, limit %d", len(cut), len(full)-200)
	}
	if !strings.Contains(cut, "findings are not shown in full") {
		t.Fatalf("no truncation note:\n%s", cut)
	}
	shown := 0
	for _, f := range r.Findings {
		if f.Status == model.StatusPass && strings.Contains(cut, "| "+markdownCode(f.RuleID, true)+" | "+markdownCode(resourceLabel(f), true)) {
			shown++
		}
	}
	if shown == 3 {
		t.Error("the PASS rows, last in the comment, should have been cut first")
	}
}

// TestMarkdownNeutralisesMentionsAndAutolinks: a resource key, tag or
// suppression reason from a scanned file must not ping people or plant a
// link in a pull-request comment.
func TestMarkdownNeutralisesMentionsAndAutolinks(t *testing.T) {
	r := fixtureReport()
	r.Findings[0].Message = model.T("cluster @octocat see https://evil.example/x and www.evil.example, mail a@b.example",
		"クラスター @octocat https://evil.example/x www.evil.example a@b.example")
	r.Findings[0].Suppressed = nil
	for _, lang := range []string{"en", "ja"} {
		out := string(render(t, "markdown", r, Options{Lang: lang}))
		for _, bad := range []string{"@octocat", "https://evil", "www.evil", "a@b.example"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: %q reaches the Markdown as is", lang, bad)
			}
		}
		if !strings.Contains(out, "@&#8203;octocat") {
			t.Errorf("%s: the text itself must stay readable", lang)
		}
	}
}
