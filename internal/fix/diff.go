package fix

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Diff renders the change of one file as a unified diff with a header that
// says, for each change, what is set and why (in lang). The diff applies
// with git apply and patch -p1: no line is masked or altered. A secret value
// (a password literal, a sensitive variable's default, a NoEcho parameter's
// Default) is never printed: context stops before a secret line, and a hunk
// that cannot be printed without one is shown as a comment, masked, for
// --write to apply.
func (fc FileChange) Diff(lang string) string {
	var b strings.Builder
	for _, c := range fc.Changes {
		b.WriteString("# kumoguard fix: ")
		b.WriteString(c.Summary().In(lang))
		b.WriteString("\n")
	}
	if len(fc.edits) == 0 {
		b.WriteString(udiff.Unified("a/"+fc.Path, "b/"+fc.Path, string(fc.Before), string(fc.After)))
		return b.String()
	}
	secret := secretLines(fc.Before, fc.secrets)
	hunks := diffHunks(fc.Before, lineEdits(fc.Before, fc.edits), 3, secret)
	var shown, hidden []hunk
	for _, h := range hunks {
		if h.printable {
			shown = append(shown, h)
		} else {
			hidden = append(hidden, h)
		}
	}
	for _, h := range hidden {
		b.WriteString(model.T("# kumoguard fix: %s:%d is next to a secret value, so this change is not printed as a diff (it would show or alter the secret); kumoguard fix --write makes it:\n",
			"# kumoguard fix: %s:%d はシークレット値に隣接しているため、この変更は差分として表示しません（シークレットを表示または変更してしまうため）。kumoguard fix --write で適用されます：\n",
			fc.Path, h.oldLine).In(lang))
		masked := map[string]string{}
		for _, k := range h.changed {
			if secret[k] {
				masked[strings.Join(strings.Fields(string(fc.Before[lineOffset(fc.Before, k):lineEnd(fc.Before, lineOffset(fc.Before, k))])), " ")] = maskLine(fc.Before, k, fc.secrets)
			}
		}
		for _, l := range h.lines {
			if l[0] == ' ' {
				continue
			}
			text := strings.TrimRight(strings.SplitN(l[1:], "\n", 2)[0], "\r")
			if m, ok := masked[strings.Join(strings.Fields(text), " ")]; ok {
				text = m
			}
			b.WriteString("#   " + l[:1] + text + "\n")
		}
	}
	if len(shown) == 0 {
		return b.String()
	}
	b.WriteString("--- a/" + fc.Path + "\n+++ b/" + fc.Path + "\n")
	for _, h := range shown {
		b.WriteString(h.header)
		for _, l := range h.lines {
			b.WriteString(l)
		}
	}
	return b.String()
}

// lineOffset is the offset of the start of 0-based line k.
func lineOffset(src []byte, k int) int {
	off, _ := offsetOf(src, k+1, 1)
	return off
}

// Summary says what a change sets and why, in both languages.
func (c Change) Summary() model.Text {
	where := c.Location.String()
	from := c.From
	if from == "" {
		from = "(not set)"
	}
	fromJA := c.From
	if fromJA == "" {
		fromJA = "（未設定）"
	}
	return model.Text{
		EN: strings.Join(c.Addresses, ", ") + ": " + c.What.EN + " " + from + " -> " + itoa(c.To) + " (" + model.FormatDuration(c.To) + ") at " + where + "; " + c.Why.EN,
		JA: strings.Join(c.Addresses, "、") + "：" + c.What.JA + " " + fromJA + " → " + itoa(c.To) + "（" + model.Duration(c.To).In("ja") + "）、" + where + "。" + c.Why.JA,
	}
}

// Render writes every file's diff, then the refusals, in lang: what
// `kumoguard fix` prints without --write.
func (r Result) Render(lang string) string {
	var b strings.Builder
	for _, fc := range r.Files {
		b.WriteString(fc.Diff(lang))
	}
	for _, rf := range r.Refusals {
		b.WriteString(refusalLine(rf, lang))
	}
	return b.String()
}

func refusalLine(rf Refusal, lang string) string {
	head := model.T("# kumoguard fix: not changed: ", "# kumoguard fix: 変更しません：")
	s := head.In(lang) + rf.Address
	if !rf.Location.IsZero() {
		s += model.T(" (%s): ", "（%s）：", rf.Location.String()).In(lang)
	} else {
		s += model.T(": ", "：").In(lang)
	}
	s += rf.Why.In(lang)
	if rf.Runbook != "" {
		s += " " + model.T("Runbook: %s", "手順書：%s", rf.Runbook).In(lang)
	}
	return MaskSecrets(s) + "\n"
}

// lineEdits widens the patch's own edits to whole lines, so the diff shows
// exactly the lines kumoguard changed or added.
func lineEdits(src []byte, edits []edit) []udiff.Edit {
	sorted := append([]edit(nil), edits...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].start < sorted[j].start })
	var out []udiff.Edit
	for _, e := range sorted {
		if e.start == e.end && e.start == lineStart(src, e.start) && strings.HasSuffix(e.text, "\n") {
			out = append(out, udiff.Edit{Start: e.start, End: e.end, New: e.text})
			continue
		}
		ls, le := lineStart(src, e.start), lineEnd(src, e.end)
		if e.end > e.start && e.end == lineStart(src, e.end) {
			le = e.end
		}
		text := string(src[ls:e.start]) + e.text + string(src[e.end:le])
		ls, le, text = trimCommonLines(src, ls, le, text)
		if n := len(out); n > 0 && out[n-1].End > ls {
			// Two edits on one line: merge them.
			prev := out[n-1]
			out[n-1] = udiff.Edit{Start: prev.Start, End: le, New: prev.New[:len(prev.New)-(prev.End-ls)] + text}
			continue
		}
		out = append(out, udiff.Edit{Start: ls, End: le, New: text})
	}
	return out
}

// hunk is one hunk of a unified diff: its header and its lines (each with
// its ' ', '-' or '+' prefix and its newline). A hunk that would show or
// alter a secret line is not printable: Diff shows it as a comment instead.
type hunk struct {
	header    string
	lines     []string
	printable bool
	oldLine   int   // 1-based first line of the change, for messages
	changed   []int // 0-based old lines removed or replaced
}

// unifiedDiff renders line-aligned edits as a unified diff with ctx lines of
// context. (go-udiff's ToUnified miscounts the new-file line of a later hunk
// when given line-aligned edits, so the hunks are laid out here; go-udiff is
// kept for the fallback.)
func unifiedDiff(from, to string, src []byte, edits []udiff.Edit, ctx int) string {
	var b strings.Builder
	b.WriteString("--- " + from + "\n+++ " + to + "\n")
	for _, h := range diffHunks(src, edits, ctx, nil) {
		b.WriteString(h.header)
		for _, l := range h.lines {
			b.WriteString(l)
		}
	}
	return b.String()
}

// diffHunks lays out the hunks. Context never crosses a secret line: it is
// shortened instead, and two changes with a secret line between them get
// separate hunks. git apply needs at least one line of trailing context
// (unless the hunk reaches the end of the file: with none it must match at
// the end), and GNU patch wants no more leading than trailing context; a
// hunk that cannot have that, or whose changed lines hold a secret, is
// marked not printable.
func diffHunks(src []byte, edits []udiff.Edit, ctx int, secret map[int]bool) []hunk {
	type change struct {
		oldStart, oldEnd int // 0-based line range replaced
		newLines         []string
	}
	splitLines := func(s string) []string {
		if s == "" {
			return nil
		}
		ls := strings.SplitAfter(s, "\n")
		if ls[len(ls)-1] == "" {
			ls = ls[:len(ls)-1]
		}
		return ls
	}
	old := splitLines(string(src))
	var cs []change
	counted, lines := 0, 0 // newlines in src[:counted]; edits are sorted
	linesBefore := func(off int) int {
		lines += bytes.Count(src[counted:off], []byte{'\n'})
		counted = off
		return lines
	}
	for _, e := range edits {
		start := linesBefore(e.Start)
		end := linesBefore(e.End) + boolInt(e.End == len(src) && e.End > e.Start && src[e.End-1] != '\n')
		cs = append(cs, change{oldStart: start, oldEnd: end, newLines: splitLines(e.New)})
	}
	secretIn := func(from, to int) bool {
		for k := from; k < to; k++ {
			if secret[k] {
				return true
			}
		}
		return false
	}
	var out []hunk
	line := func(body *[]string, prefix, l string) {
		*body = append(*body, prefix+l)
		if !strings.HasSuffix(l, "\n") {
			(*body)[len(*body)-1] += "\n\\ No newline at end of file\n"
		}
	}
	delta := 0 // new line number minus old line number before the hunk
	for i := 0; i < len(cs); {
		j := i
		for j+1 < len(cs) && cs[j+1].oldStart-cs[j].oldEnd <= 2*ctx && !secretIn(cs[j].oldEnd, cs[j+1].oldStart) {
			j++
		}
		lead, trail := 0, 0
		for k := cs[i].oldStart - 1; k >= 0 && lead < ctx && !secret[k]; k-- {
			lead++
		}
		for k := cs[j].oldEnd; k < len(old) && trail < ctx && !secret[k]; k++ {
			trail++
		}
		atEOF := cs[j].oldEnd+trail == len(old)
		printable := atEOF || trail > 0
		if !atEOF && trail < lead {
			lead = trail
		}
		hs := cs[i].oldStart - lead
		he := cs[j].oldEnd + trail
		var body []string
		oldN, newN := 0, 0
		pos := hs
		hDelta := delta
		var changed []int
		for k := i; k <= j; k++ {
			for ; pos < cs[k].oldStart; pos++ {
				line(&body, " ", old[pos])
				oldN++
				newN++
			}
			for ; pos < cs[k].oldEnd; pos++ {
				line(&body, "-", old[pos])
				changed = append(changed, pos)
				if secret[pos] {
					printable = false
				}
				oldN++
			}
			for _, l := range cs[k].newLines {
				line(&body, "+", l)
				newN++
			}
			delta += len(cs[k].newLines) - (cs[k].oldEnd - cs[k].oldStart)
		}
		for ; pos < he; pos++ {
			line(&body, " ", old[pos])
			oldN++
			newN++
		}
		oldStart, newStart := hs+1, hs+1+hDelta
		if oldN == 0 {
			oldStart--
		}
		if newN == 0 {
			newStart--
		}
		out = append(out, hunk{header: fmt.Sprintf("@@ -%d,%d +%d,%d @@\n", oldStart, oldN, newStart, newN), lines: body,
			printable: printable, oldLine: cs[i].oldStart + 1, changed: changed})
		i = j + 1
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// trimCommonLines narrows a line-aligned replacement of src[ls:le] by text
// to the lines that really change: whole lines equal at the start and at the
// end are left as context (an item re-aligned as terraform fmt does keeps
// its first and last lines).
func trimCommonLines(src []byte, ls, le int, text string) (int, int, string) {
	old := string(src[ls:le])
	for {
		i := strings.IndexByte(old, '\n')
		j := strings.IndexByte(text, '\n')
		if i < 0 || j < 0 || old[:i+1] != text[:j+1] {
			break
		}
		old, text, ls = old[i+1:], text[j+1:], ls+i+1
	}
	for {
		i := strings.LastIndexByte(strings.TrimSuffix(old, "\n"), '\n')
		j := strings.LastIndexByte(strings.TrimSuffix(text, "\n"), '\n')
		if !strings.HasSuffix(old, "\n") || !strings.HasSuffix(text, "\n") || i < 0 || j < 0 || old[i+1:] != text[j+1:] {
			break
		}
		le -= len(old) - (i + 1)
		old, text = old[:i+1], text[:j+1]
	}
	return ls, le, text
}
