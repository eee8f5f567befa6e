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
// says, for each change, what is set and why (in lang). Every line, context
// included, is passed through MaskSecrets, so the diff never shows a
// password that happens to sit next to the window.
func (fc FileChange) Diff(lang string) string {
	var b strings.Builder
	for _, c := range fc.Changes {
		b.WriteString("# kumoguard fix: ")
		b.WriteString(c.Summary().In(lang))
		b.WriteString("\n")
	}
	d := unifiedDiff("a/"+fc.Path, "b/"+fc.Path, fc.Before, lineEdits(fc.Before, fc.edits), 3)
	if len(fc.edits) == 0 {
		d = udiff.Unified("a/"+fc.Path, "b/"+fc.Path, string(fc.Before), string(fc.After))
	}
	for _, line := range strings.SplitAfter(d, "\n") {
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "---") || strings.HasPrefix(line, "+++") || strings.HasPrefix(line, "@@") {
			b.WriteString(line)
			continue
		}
		b.WriteString(MaskSecrets(line))
	}
	return b.String()
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
		JA: strings.Join(c.Addresses, "、") + "：" + c.What.JA + " " + fromJA + " → " + itoa(c.To) + "（" + model.FormatDuration(c.To) + "）、" + where + "。" + c.Why.JA,
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

// unifiedDiff renders line-aligned edits as a unified diff with ctx lines of
// context. (go-udiff's ToUnified miscounts the new-file line of a later hunk
// when given line-aligned edits, so the hunks are laid out here; go-udiff is
// kept for the fallback.)
func unifiedDiff(from, to string, src []byte, edits []udiff.Edit, ctx int) string {
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
	var b strings.Builder
	b.WriteString("--- " + from + "\n+++ " + to + "\n")
	line := func(prefix, l string) {
		b.WriteString(prefix + l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
	delta := 0 // new line number minus old line number before the hunk
	for i := 0; i < len(cs); {
		j := i
		for j+1 < len(cs) && cs[j+1].oldStart-cs[j].oldEnd <= 2*ctx {
			j++
		}
		hs := max(cs[i].oldStart-ctx, 0)
		he := min(cs[j].oldEnd+ctx, len(old))
		var body strings.Builder
		oldN, newN := 0, 0
		pos := hs
		hDelta := delta
		for k := i; k <= j; k++ {
			for ; pos < cs[k].oldStart; pos++ {
				body.WriteString(" " + old[pos])
				oldN++
				newN++
			}
			for ; pos < cs[k].oldEnd; pos++ {
				body.WriteString("-" + old[pos])
				oldN++
			}
			for _, l := range cs[k].newLines {
				body.WriteString("+" + l)
				newN++
			}
			delta += len(cs[k].newLines) - (cs[k].oldEnd - cs[k].oldStart)
		}
		for ; pos < he; pos++ {
			body.WriteString(" " + old[pos])
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
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", oldStart, oldN, newStart, newN)
		for _, l := range strings.SplitAfter(body.String(), "\n") {
			if l != "" {
				line(l[:1], l[1:])
			}
		}
		i = j + 1
	}
	return b.String()
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
