package fix

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	yaml "go.yaml.in/yaml/v4"
)

// source is one file being patched, parsed at most once whatever the number
// of edits (a file with 1,000 clusters is parsed once, not 1,000 times).
type source struct {
	name  string
	src   []byte
	lines []int // offset of the start of each line

	hclDone bool
	hclBody *hclsyntax.Body
	hclErr  error
	exprs   map[[2]int][]hclsyntax.Expression // by start line and column

	yamlDone bool
	yamlBody *yaml.Node
	yamlErr  error
}

func newSource(name string, src []byte) *source {
	s := &source{name: name, src: src, lines: []int{0}}
	for i, b := range src {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// offsetOf converts a 1-based line and column (in characters) to a byte offset.
func (s *source) offsetOf(line, col int) (int, bool) {
	if line < 1 || line > len(s.lines) || col < 1 {
		return 0, false
	}
	off := s.lines[line-1]
	for c := 1; c < col; c++ {
		if off >= len(s.src) || s.src[off] == '\n' {
			return 0, false
		}
		_, n := utf8.DecodeRune(s.src[off:])
		off += n
	}
	return off, true
}

// lineCol converts a byte offset to a 1-based line and column.
func (s *source) lineCol(off int) (int, int) {
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, utf8.RuneCount(s.src[s.lines[i]:min(off, len(s.src))]) + 1
}

func (s *source) hcl() (*hclsyntax.Body, error) {
	if !s.hclDone {
		s.hclDone = true
		s.hclBody, s.hclErr = parseHCL(s.src, s.name)
		if s.hclErr == nil {
			s.exprs = map[[2]int][]hclsyntax.Expression{}
			hclsyntax.VisitAll(s.hclBody, func(n hclsyntax.Node) hcl.Diagnostics {
				if e, ok := n.(hclsyntax.Expression); ok {
					k := [2]int{e.Range().Start.Line, e.Range().Start.Column}
					s.exprs[k] = append(s.exprs[k], e)
				}
				return nil
			})
		}
	}
	return s.hclBody, s.hclErr
}

func (s *source) yaml() (*yaml.Node, error) {
	if !s.yamlDone {
		s.yamlDone = true
		s.yamlBody, s.yamlErr = parseYAML(s.src)
	}
	return s.yamlBody, s.yamlErr
}

// edit replaces src[start:end] with text. Patches are position-based splices:
// every byte outside the edited ranges stays as it was, so comments, key
// order, indentation and alignment are kept exactly.
type edit struct {
	start, end int
	text       string
}

// offsetOf converts a 1-based line and column (counted in characters, as
// HCL and YAML positions are) to a byte offset.
func offsetOf(src []byte, line, col int) (int, bool) {
	if line < 1 || col < 1 {
		return 0, false
	}
	off := 0
	for l := 1; l < line; l++ {
		i := indexByteFrom(src, off, '\n')
		if i < 0 {
			return 0, false
		}
		off = i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(src) || src[off] == '\n' {
			return 0, false
		}
		_, n := utf8.DecodeRune(src[off:])
		off += n
	}
	return off, true
}

func indexByteFrom(src []byte, from int, b byte) int {
	for i := from; i < len(src); i++ {
		if src[i] == b {
			return i
		}
	}
	return -1
}

// lineStart returns the offset of the start of the line holding off.
func lineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}

// lineEnd returns the offset just after the newline ending the line holding
// off (len(src) when the line is the last without a newline).
func lineEnd(src []byte, off int) int {
	i := indexByteFrom(src, off, '\n')
	if i < 0 {
		return len(src)
	}
	return i + 1
}

// indentOf returns the leading spaces and tabs of the line holding off.
func indentOf(src []byte, off int) string {
	s := lineStart(src, off)
	e := s
	for e < len(src) && (src[e] == ' ' || src[e] == '\t') {
		e++
	}
	return string(src[s:e])
}

// lineCol converts a byte offset back to a 1-based line and column.
func lineCol(src []byte, off int) (int, int) {
	line, col := 1, 1
	for i := 0; i < off && i < len(src); {
		if src[i] == '\n' {
			line++
			col = 1
			i++
			continue
		}
		_, n := utf8.DecodeRune(src[i:])
		i += n
		col++
	}
	return line, col
}

// applyEdits applies non-overlapping edits.
func applyEdits(src []byte, edits []edit) ([]byte, error) {
	sorted := append([]edit(nil), edits...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].start < sorted[j].start })
	out := make([]byte, 0, len(src)+64)
	last := 0
	for _, e := range sorted {
		if e.start < last || e.end < e.start || e.end > len(src) {
			return nil, fmt.Errorf("overlapping or invalid edit at byte %d", e.start)
		}
		out = append(out, src[last:e.start]...)
		out = append(out, e.text...)
		last = e.end
	}
	return append(out, src[last:]...), nil
}
