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
