package report

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// displayWidth is the number of terminal columns s takes: East Asian wide and
// fullwidth characters (kanji, kana, fullwidth punctuation such as "（") take
// two, combining marks and format characters none, everything else one.
// Ambiguous-width characters are counted as one, as terminals do outside
// CJK legacy mode.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case r == '\t':
		return 1
	case r < 0x20 || r == 0x7f:
		return 0
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// padRight pads s with spaces to w display columns.
func padRight(s string, w int) string {
	if d := w - displayWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// Japanese line-breaking rules (kinsoku): these never start a line...
const noLineStart = "、。，．,.）)」』】〕〉》］}・ー！？!?：；:;ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜…"

// ...and these never end one.
const noLineEnd = "（(「『【〔〈《［{"

// wrapText breaks s into lines of at most width display columns: at spaces
// in Latin text, and before or after any wide character in Japanese text
// (which has no spaces), following the basic kinsoku rules (no line starts
// with 、。） and the like, none ends with （「). A word longer than width (a
// URL, a long command) is kept whole on its own line rather than cut.
func wrapText(s string, width int) []string {
	if width <= 0 || displayWidth(s) <= width {
		return []string{s}
	}
	var lines []string
	var cur []rune
	curW := 0
	// breaks are indexes where cur may be cut: cur[:i] ends a line.
	var breaks []int
	allow := func(i int) {
		if i <= 0 || i > len(cur) {
			return
		}
		if i < len(cur) && strings.ContainsRune(noLineStart, cur[i]) {
			return
		}
		if strings.ContainsRune(noLineEnd, cur[i-1]) {
			return
		}
		breaks = append(breaks, i)
	}
	for _, r := range s {
		if strings.ContainsRune(noLineStart, r) && len(breaks) > 0 && breaks[len(breaks)-1] == len(cur) {
			breaks = breaks[:len(breaks)-1] // r may not start the next line
		}
		wide := runeWidth(r) == 2
		if wide && !strings.ContainsRune(noLineStart, r) {
			allow(len(cur)) // before a wide character
		}
		cur = append(cur, r)
		curW += runeWidth(r)
		if r == ' ' || wide {
			allow(len(cur)) // after a space or a wide character
		}
		if curW <= width {
			continue
		}
		// Cut at the last break that leaves something on this line and
		// lets the line fit; a trailing space does not count.
		cut := 0
		for k := len(breaks) - 1; k >= 0; k-- {
			b := breaks[k]
			if b < len(cur) || r == ' ' {
				if displayWidth(strings.TrimRight(string(cur[:b]), " ")) <= width {
					cut = b
					break
				}
			}
		}
		if cut == 0 {
			// Nothing fits: the line holds one word longer than width.
			// Keep it whole and cut at the first break after it.
			for _, b := range breaks {
				if b < len(cur) || r == ' ' {
					cut = b
					break
				}
			}
		}
		if cut == 0 {
			continue
		}
		lines = append(lines, strings.TrimRight(string(cur[:cut]), " "))
		rest := []rune(strings.TrimLeft(string(cur[cut:]), " "))
		cur = rest
		curW = displayWidth(string(cur))
		breaks = breaks[:0]
		for k := range cur {
			if cur[k] == ' ' || runeWidth(cur[k]) == 2 {
				allow(k + 1)
			}
		}
	}
	if len(cur) > 0 {
		lines = append(lines, strings.TrimRight(string(cur), " "))
	}
	return lines
}
