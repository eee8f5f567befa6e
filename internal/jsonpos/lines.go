package jsonpos

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"sort"
	"unicode/utf8"
)

// Lines converts byte offsets of one document to 1-based lines and columns.
// Columns count characters (runes), the way editors show them, each byte of
// an invalid UTF-8 sequence counting as one (as utf8.RuneCount does); an
// offset past the end is the end. Lines are counted from '\n', so a "\r\n"
// line ending keeps columns right.
type Lines struct {
	data   []byte
	starts []int // byte offset of the start of each line
	// On valid UTF-8, marks[i] is the number of characters in
	// data[:i*markStep], so columns far into a long line (terraform show
	// -json writes one line) cost O(markStep) instead of O(line length).
	// Built on the first such column; invalid is set instead when data is
	// not valid UTF-8.
	marks   []int
	invalid bool
}

const markStep = 4096

// NewLines indexes the line starts of data.
func NewLines(data []byte) *Lines {
	l := &Lines{data: data, starts: make([]int, 1, 1+bytes.Count(data, []byte{'\n'}))}
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		l.starts = append(l.starts, i)
	}
	return l
}

// LineCol returns the line and column of a byte offset. An end offset (one
// past a value) gives the exclusive end column, as in SARIF and HCL.
func (l *Lines) LineCol(off int) (line, col int) {
	off = max(0, min(off, len(l.data)))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	i = max(i, 0)
	return i + 1, l.chars(l.starts[i], off) + 1
}

// chars counts the characters in data[from:to], from a line start.
func (l *Lines) chars(from, to int) int {
	if to-from <= 2*markStep {
		return utf8.RuneCount(l.data[from:to])
	}
	if l.marks == nil && !l.invalid {
		if !utf8.Valid(l.data) {
			l.invalid = true
		} else {
			l.marks = make([]int, len(l.data)/markStep+1)
			n := 0
			for k := range l.marks {
				l.marks[k] = n
				end := min((k+1)*markStep, len(l.data))
				if k*markStep < end {
					n += countRunes(l.data[k*markStep : end])
				}
			}
		}
	}
	if l.invalid {
		return utf8.RuneCount(l.data[from:to])
	}
	return l.before(to) - l.before(from)
}

// before counts the characters in data[:off] of valid UTF-8.
func (l *Lines) before(off int) int {
	k := off / markStep
	return l.marks[k] + countRunes(l.data[k*markStep:off])
}

// countRunes counts the bytes that are not UTF-8 continuation bytes
// (10xxxxxx), eight at a time: on valid UTF-8, the characters, also in a
// slice that ends inside a character.
func countRunes(b []byte) int {
	const hi = 0x8080808080808080
	n := 0
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b)
		cont := x & hi &^ ((x << 1) & hi) // bit 7 set, bit 6 clear
		n += 8 - bits.OnesCount64(cont)
		b = b[8:]
	}
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}
