package terraform

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
)

// The HCL parsers (native syntax and JSON) and HCL's evaluation recurse once
// per level of an expression: 100,000 nested brackets in a 200 KB file
// overflow the Go stack, which kills the process, and long operator or index
// chains make deep trees that take seconds to walk. A cheap pass over the
// bytes (strings, heredocs, comments and template sequences told apart)
// measures how deep an expression would nest before it is parsed; a file
// deeper than maxNesting is not parsed. It over-counts rather than
// under-counts (every operator of one item of an expression counts).

// maxNesting bounds the nesting of any expression: brackets, braces,
// parentheses, strings and template sequences, template if/for directives,
// plus the operators, attribute accesses and indexes chained within one
// item of an expression. Real configurations stay under a few dozen.
const maxNesting = 1000

// Frame kinds of the nesting scanner.
const (
	frBrace   = iota // { } and the top level: a newline or = ends an item
	frBracket        // [ ]
	frParen          // ( )
	frInterp         // ${ } or %{ } in a template
	frQuote          // "..." template
	frHeredoc        // <<EOF ... EOF template
)

type nestFrame struct {
	kind   uint8
	chain  int    // operators chained in the current item
	marker string // heredoc end marker
}

// nestScanner measures nesting over raw bytes without building tokens (the
// HCL lexer allocates a token per word: as much again as parsing).
type nestScanner struct {
	stack   []nestFrame
	chains  int
	control int
	base    int
}

func (n *nestScanner) depth() int { return n.base + len(n.stack) + n.chains + n.control }

func (n *nestScanner) push(kind uint8, marker string) {
	n.stack = append(n.stack, nestFrame{kind: kind, marker: marker})
}

func (n *nestScanner) pop() {
	if len(n.stack) > 1 {
		n.chains -= n.stack[len(n.stack)-1].chain
		n.stack = n.stack[:len(n.stack)-1]
	}
}

func (n *nestScanner) top() *nestFrame { return &n.stack[len(n.stack)-1] }

func (n *nestScanner) chainInc() {
	n.top().chain++
	n.chains++
}

func (n *nestScanner) chainReset() {
	n.chains -= n.top().chain
	n.top().chain = 0
}

// scan returns the byte offset at which the nesting first exceeds
// maxNesting, or -1.
func (n *nestScanner) scan(src []byte) int {
	lineStart := true
	for i := 0; i < len(src); i++ {
		c := src[i]
		t := n.top()
		switch t.kind {
		case frQuote, frHeredoc:
			if t.kind == frHeredoc && lineStart {
				j := i
				for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
					j++
				}
				if bytes.HasPrefix(src[j:], []byte(t.marker)) {
					k := j + len(t.marker)
					if k == len(src) || src[k] == '\n' || src[k] == '\r' {
						n.pop()
						i = k - 1
						lineStart = false
						continue
					}
				}
			}
			lineStart = c == '\n'
			switch {
			case c == '\\' && t.kind == frQuote:
				i++
			case c == '"' && t.kind == frQuote:
				n.pop()
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == c:
				i++ // $${ and %%{ are literal
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == '{':
				n.push(frInterp, "")
				i++
				if c == '%' {
					j := i + 1
					for j < len(src) && (src[j] == ' ' || src[j] == '~') {
						j++
					}
					switch w := src[j:min(j+6, len(src))]; {
					case bytes.HasPrefix(w, []byte("if")), bytes.HasPrefix(w, []byte("for")):
						n.control++
					case bytes.HasPrefix(w, []byte("endif")), bytes.HasPrefix(w, []byte("endfor")):
						if n.control > 0 {
							n.control--
						}
					}
				}
			}
		default:
			lineStart = false
			switch c {
			case '#':
				for i < len(src) && src[i] != '\n' {
					i++
				}
				i--
			case '/':
				switch {
				case i+1 < len(src) && src[i+1] == '/':
					for i < len(src) && src[i] != '\n' {
						i++
					}
					i--
				case i+1 < len(src) && src[i+1] == '*':
					e := bytes.Index(src[i+2:], []byte("*/"))
					if e < 0 {
						return -1
					}
					i += e + 3
				default:
					n.chainInc()
				}
			case '\n':
				if t.kind == frBrace {
					n.chainReset()
				}
			case ',':
				n.chainReset()
			case '{':
				n.push(frBrace, "")
			case '[':
				n.chainInc()
				n.push(frBracket, "")
			case '(':
				n.push(frParen, "")
			case '}', ']', ')':
				n.pop()
			case '"':
				n.push(frQuote, "")
			case '<':
				if i+1 < len(src) && src[i+1] == '<' {
					j := i + 2
					if j < len(src) && src[j] == '-' {
						j++
					}
					k := j
					for k < len(src) && (src[k] == '_' || src[k] == '-' || src[k] >= 'a' && src[k] <= 'z' ||
						src[k] >= 'A' && src[k] <= 'Z' || src[k] >= '0' && src[k] <= '9') {
						k++
					}
					if k > j && k < len(src) && (src[k] == '\n' || src[k] == '\r') {
						n.push(frHeredoc, string(src[j:k]))
						i = k
						lineStart = true
						continue
					}
				}
				n.chainInc()
			case '=':
				switch {
				case i+1 < len(src) && (src[i+1] == '=' || src[i+1] == '>'):
					n.chainInc()
					i++
				case t.kind == frBrace:
					n.chainReset()
				}
			case '+', '-', '*', '%', '!', '?', '.', '>', '&', '|':
				n.chainInc()
			}
		}
		if n.depth() > maxNesting {
			return i
		}
	}
	return -1
}

// tooDeepHCL reports where a native-syntax file first nests deeper than maxNesting.
func tooDeepHCL(src []byte, filename string) (hcl.Range, bool) {
	n := &nestScanner{stack: []nestFrame{{kind: frBrace}}}
	if off := n.scan(src); off >= 0 {
		return rangeAt(src, filename, off), true
	}
	return hcl.Range{}, false
}

// tooDeepJSON reports where a JSON file first nests deeper than
// maxNesting: its arrays and objects, and within them the templates its
// strings hold (Terraform evaluates "${...}" in .tf.json strings).
func tooDeepJSON(src []byte, filename string) (hcl.Range, bool) {
	depth := 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '[', '{':
			depth++
			if depth > maxNesting {
				return rangeAt(src, filename, i), true
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j > len(src) {
				j = len(src)
			}
			s := src[i+1 : j]
			if bytes.Contains(s, []byte("${")) || bytes.Contains(s, []byte("%{")) {
				// The string is a template: scan it as the body of a
				// heredoc that never ends.
				n := &nestScanner{stack: []nestFrame{{kind: frBrace}, {kind: frHeredoc, marker: "\x00"}}, base: depth}
				if n.scan(s) >= 0 {
					return rangeAt(src, filename, i), true
				}
			}
			i = j
		}
	}
	return hcl.Range{}, false
}

// rangeAt is the position of byte offset off in src.
func rangeAt(src []byte, filename string, off int) hcl.Range {
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	col := off + 1
	if nl := bytes.LastIndexByte(src[:off], '\n'); nl >= 0 {
		col = off - nl
	}
	p := hcl.Pos{Line: line, Column: col, Byte: off}
	return hcl.Range{Filename: filename, Start: p, End: p}
}
