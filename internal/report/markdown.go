package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Markdown writes a pull-request comment: a heading with a badge line of
// counts, a summary table, a table of what must be fixed (FAIL, ERROR,
// UNKNOWN) with the remediation folded in <details>, suppressed findings
// with their reasons and expiry, and PASS and N/A folded away. Cell text is
// escaped (| ` * _ [ ] < > & \) so scanned names cannot break the table or
// inject HTML. The comment stays under GitHub's 65,536-character limit: when
// it would not, it stops at a row boundary, closes what it opened and says
// how many findings are not shown in full.
var Markdown = registerFormat("markdown", writeMarkdown)

// markdownCommentLimit is GitHub's maximum comment body, in characters.
// Lengths are measured in bytes, which is never less than characters.
const markdownCommentLimit = 65536

var statusEmoji = map[model.Status]string{
	model.StatusPass:          "✅",
	model.StatusFail:          "❌",
	model.StatusNotApplicable: "➖",
	model.StatusUnknown:       "❓",
	model.StatusError:         "⛔",
}

const suppressedEmoji = "🔕"

func writeMarkdown(w io.Writer, r model.Report, o Options) error {
	_, err := io.WriteString(w, renderMarkdown(r, o, markdownCommentLimit))
	return err
}

// mdSection is a block of rows with a header and a footer; it is cut at a
// row when the comment would grow past its limit.
type mdSection struct {
	header, footer string
	rows           []string
	// findings[i] identifies the finding of rows[i], to count what is cut.
	findings []int
}

func renderMarkdown(r model.Report, o Options, limit int) string {
	lang := o.lang()
	sum := summaryOf(r)
	nSuppressed := suppressedCount(r.Findings)
	var b strings.Builder

	// Heading and badge line.
	fmt.Fprintf(&b, "## %s\n\n", markdownText(words.MarkdownTitle.In(lang)))
	var badges []string
	for _, st := range []model.Status{model.StatusFail, model.StatusError, model.StatusUnknown, model.StatusPass, model.StatusNotApplicable} {
		badge := fmt.Sprintf("%s %s %d", statusEmoji[st], statusCode(st), sum[st])
		if sum[st] > 0 && st != model.StatusPass && st != model.StatusNotApplicable {
			badge = "**" + badge + "**"
		}
		badges = append(badges, badge)
	}
	badges = append(badges, fmt.Sprintf("%s %s %d", suppressedEmoji, words.Suppressed.In(lang), nSuppressed))
	b.WriteString(strings.Join(badges, " · ") + "\n\n")

	// Summary counts.
	fmt.Fprintf(&b, "| %s | %s |\n|---|---:|\n", words.ColStatus.In(lang), words.ColCount.In(lang))
	for _, st := range model.Statuses {
		fmt.Fprintf(&b, "| %s %s (%s) | %d |\n", statusEmoji[st], statusCode(st), statusLabels[st].In(lang), sum[st])
	}
	fmt.Fprintf(&b, "| %s %s | %d |\n\n", suppressedEmoji, words.Suppressed.In(lang), nSuppressed)

	var sections []mdSection

	// What must be fixed.
	toFix := mdSection{
		header: fmt.Sprintf("### %s\n\n| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n",
			words.MarkdownToFix.In(lang), words.ColStatus.In(lang), words.ColRule.In(lang), words.ColResource.In(lang),
			words.ColLocation.In(lang), words.ColMessage.In(lang)),
		footer: "\n",
	}
	howTo := mdSection{
		header: fmt.Sprintf("<details><summary>%s</summary>\n\n", words.MarkdownHowToFix.In(lang)),
		footer: "\n</details>\n\n",
	}
	var passed, notApplicable, suppressed mdSection
	for i, f := range r.Findings {
		switch {
		case f.Suppressed != nil:
			suppressed.add(i, fmt.Sprintf("| %s %s | %s | %s | %s | %s | %s |\n", suppressedEmoji, statusCode(f.Status),
				markdownCode(f.RuleID, true), markdownCode(resourceLabel(f), true), markdownCell(f.Suppressed.Reason),
				markdownCell(untilText(f.Suppressed, lang)), markdownCode(declaredAt(f.Suppressed), true)))
		case needsAction(f):
			toFix.add(i, fmt.Sprintf("| %s %s | %s | %s | %s | %s |\n", statusEmoji[f.Status], statusCode(f.Status),
				markdownCode(f.RuleID, true), markdownCode(resourceLabel(f), true), markdownCode(locationLabel(f), true),
				markdownCell(f.Message.In(lang))))
			howTo.add(i, howToFixItem(f, lang))
		case f.Status == model.StatusPass:
			passed.add(i, fmt.Sprintf("| %s | %s | %s | %s |\n", markdownCode(f.RuleID, true), markdownCode(resourceLabel(f), true),
				markdownCode(locationLabel(f), true), markdownCell(f.Message.In(lang)+notesSuffix(f, lang))))
		default:
			notApplicable.add(i, fmt.Sprintf("| %s | %s | %s | %s |\n", markdownCode(f.RuleID, true), markdownCode(resourceLabel(f), true),
				markdownCode(locationLabel(f), true), markdownCell(f.Message.In(lang)+notesSuffix(f, lang))))
		}
	}
	if len(toFix.rows) == 0 {
		fmt.Fprintf(&b, "### %s\n\n%s %s\n\n", words.MarkdownToFix.In(lang), statusEmoji[model.StatusPass], words.MarkdownNothingToFix.In(lang))
	} else {
		sections = append(sections, toFix, howTo)
	}
	foldedHeader := func(emoji string, title model.Text, n int) string {
		return fmt.Sprintf("<details><summary>%s %s (%d)</summary>\n\n| %s | %s | %s | %s |\n|---|---|---|---|\n",
			emoji, title.In(lang), n, words.ColRule.In(lang), words.ColResource.In(lang), words.ColLocation.In(lang), words.ColMessage.In(lang))
	}
	if len(suppressed.rows) > 0 {
		suppressed.header = fmt.Sprintf("### %s %s (%d)\n\n| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n",
			suppressedEmoji, words.MarkdownSuppressed.In(lang), len(suppressed.rows), words.ColStatus.In(lang), words.ColRule.In(lang),
			words.ColResource.In(lang), words.ColReason.In(lang), words.ColUntil.In(lang), words.ColSource.In(lang))
		suppressed.footer = "\n"
		sections = append(sections, suppressed)
	}
	if len(notApplicable.rows) > 0 {
		notApplicable.header = foldedHeader(statusEmoji[model.StatusNotApplicable], words.MarkdownNotApplicable, len(notApplicable.rows))
		notApplicable.footer = "\n</details>\n\n"
		sections = append(sections, notApplicable)
	}
	if len(passed.rows) > 0 {
		passed.header = foldedHeader(statusEmoji[model.StatusPass], words.MarkdownPassed, len(passed.rows))
		passed.footer = "\n</details>\n\n"
		sections = append(sections, passed)
	}

	// "Generated by kumoguard 0.3.0 · IaC scan · root … · minimum window 24h."
	tool := tableHeading(r, Options{}, lang)
	footer := fmt.Sprintf("<sub>%s</sub>\n", markdownText(fmt.Sprintf(words.MarkdownFooter.In(lang), tool)))
	// Room kept for the truncation note and the footer.
	reserve := len(footer) + len(words.MarkdownTruncated.In(lang)) + 64
	omitted := map[int]bool{}
	full := false
	for _, s := range sections {
		if full || b.Len()+len(s.header)+len(s.rows[0])+len(s.footer)+reserve > limit {
			full = true
			for _, i := range s.findings {
				omitted[i] = true
			}
			continue
		}
		b.WriteString(s.header)
		for k, row := range s.rows {
			if b.Len()+len(row)+len(s.footer)+reserve > limit {
				full = true
				for _, i := range s.findings[k:] {
					omitted[i] = true
				}
				break
			}
			b.WriteString(row)
		}
		b.WriteString(s.footer)
	}
	if len(omitted) > 0 {
		fmt.Fprintf(&b, "> [!WARNING]\n> %s\n\n", markdownText(fmt.Sprintf(words.MarkdownTruncated.In(lang), len(omitted))))
	}
	b.WriteString(footer)
	return b.String()
}

func (s *mdSection) add(finding int, row string) {
	s.rows = append(s.rows, row)
	s.findings = append(s.findings, finding)
}

// howToFixItem is one list item of the "How to fix" block.
func howToFixItem(f model.Finding, lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- %s %s %s", statusEmoji[f.Status], markdownCode(f.RuleID, false), markdownCode(resourceLabel(f), false))
	if loc := locationLabel(f); loc != "" {
		fmt.Fprintf(&b, " (%s)", markdownCode(loc, false))
	}
	b.WriteString("\n")
	b.WriteString(markdownFix(f, lang))
	for _, n := range f.Notes {
		fmt.Fprintf(&b, "  _%s:_ %s\n", words.Note.In(lang), markdownText(oneLine(n.In(lang))))
	}
	return b.String()
}

// notesSuffix appends a finding's notes to a one-line cell.
func notesSuffix(f model.Finding, lang string) string {
	var s string
	for _, n := range f.Notes {
		s += " (" + words.Note.In(lang) + ": " + n.In(lang) + ")"
	}
	return s
}

// markdownReplacer escapes every character that GitHub Markdown could read
// as formatting, a table cell boundary or HTML, and neutralises what a pull
// request comment would turn into a notification or a link: a zero-width
// space after "@" stops mentions (and e-mail autolinks), and one inside
// "://" and "www." stops bare-URL autolinks. Resource names, tags and
// suppression reasons come from the scanned files: a hostile one must not
// ping people or plant links.
var markdownReplacer = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "|", `\|`, "~", `\~`,
	"@", "@&#8203;", "://", ":&#8203;//", "www.", "www&#8203;.", "WWW.", "WWW&#8203;.",
)

// markdownText escapes s for Markdown prose. Control characters other than
// line breaks are replaced with U+FFFD.
func markdownText(s string) string { return markdownReplacer.Replace(withoutControls(s)) }

// markdownCell escapes s for a table cell: one line, | escaped.
func markdownCell(s string) string { return markdownText(oneLine(s)) }

// markdownCode renders s as a code span, choosing a fence longer than any
// run of backticks inside. In a table cell, | is still escaped (GFM splits
// cells before it reads code spans). An empty s gives "".
func markdownCode(s string, inTable bool) string {
	s = withoutControls(oneLine(s))
	if s == "" {
		return ""
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	return fence + s + fence
}

// durationOf converts seconds to a time.Duration.
func durationOf(sec float64) time.Duration { return time.Duration(sec * float64(time.Second)) }
