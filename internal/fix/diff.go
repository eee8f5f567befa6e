package fix

import (
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
	edits := udiff.Lines(string(fc.Before), string(fc.After))
	d, err := udiff.ToUnified("a/"+fc.Path, "b/"+fc.Path, string(fc.Before), edits, udiff.DefaultContextLines)
	if err != nil {
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
		EN: strings.Join(c.Addresses, ", ") + ": " + c.What.EN + " " + from + " -> " + itoa(c.To) + " (" + Duration(c.To) + ") at " + where + "; " + c.Why.EN,
		JA: strings.Join(c.Addresses, "、") + "：" + c.What.JA + " " + fromJA + " → " + itoa(c.To) + "（" + Duration(c.To) + "）、" + where + "。" + c.Why.JA,
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
