package terraform

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The HCL parsers (native syntax and JSON) and HCL's evaluation recurse once
// per level of an expression: 100,000 nested brackets in a 200 KB file
// overflow the Go stack, which kills the process, and long operator or index
// chains make deep trees that take seconds to walk. A cheap pass over the
// tokens (the HCL lexer does not recurse) measures how deep an expression
// would nest before it is parsed; a file deeper than maxNesting is not
// parsed.

// maxNesting bounds the nesting of any expression: brackets, braces,
// parentheses, strings and template sequences, template if/for directives,
// plus the operators, attribute accesses and indexes chained within one
// item of an expression. Real configurations stay under a few dozen.
const maxNesting = 1000

// nestingFrame is one open bracket and the chain of operators inside it.
type nestingFrame struct {
	brace bool // { or the top level: a newline or = ends an item
	chain int
}

// nestingMeter measures expression nesting over a token stream.
type nestingMeter struct {
	stack   []nestingFrame
	chains  int // sum of the chains of the stack, and of top
	top     nestingFrame
	control int // open template if/for directives
	base    int // depth of the enclosing structure (JSON)
	prevCtl bool
}

func (m *nestingMeter) depth() int { return m.base + len(m.stack) + m.chains + m.control }

func (m *nestingMeter) push(brace bool) {
	m.stack = append(m.stack, m.top)
	m.top = nestingFrame{brace: brace}
}

func (m *nestingMeter) pop() {
	if len(m.stack) == 0 {
		m.chains -= m.top.chain
		m.top = nestingFrame{brace: true}
		return
	}
	m.chains -= m.top.chain
	m.top = m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
}

func (m *nestingMeter) chainInc() {
	m.top.chain++
	m.chains++
}

func (m *nestingMeter) chainReset() {
	m.chains -= m.top.chain
	m.top.chain = 0
}

// feed measures tokens; it returns the first token at which the depth
// exceeds maxNesting.
func (m *nestingMeter) feed(toks hclsyntax.Tokens) (hcl.Range, bool) {
	for _, t := range toks {
		ctl := false
		switch t.Type {
		case hclsyntax.TokenOBrace:
			m.push(true)
		case hclsyntax.TokenOBrack:
			m.chainInc()
			m.push(false)
		case hclsyntax.TokenOParen, hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp:
			m.push(false)
		case hclsyntax.TokenTemplateControl:
			m.push(false)
			ctl = true
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			m.pop()
		case hclsyntax.TokenIdent:
			if m.prevCtl {
				switch string(t.Bytes) {
				case "if", "for":
					m.control++
				case "endif", "endfor":
					if m.control > 0 {
						m.control--
					}
				}
			}
		case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPercent,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq,
			hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr,
			hclsyntax.TokenBang, hclsyntax.TokenDot, hclsyntax.TokenQuestion:
			m.chainInc()
		case hclsyntax.TokenComma:
			m.chainReset()
		case hclsyntax.TokenNewline, hclsyntax.TokenEqual:
			if m.top.brace {
				m.chainReset()
			}
		case hclsyntax.TokenComment:
			if m.top.brace && bytes.HasSuffix(t.Bytes, []byte("\n")) {
				m.chainReset()
			}
		}
		m.prevCtl = ctl
		if m.depth() > maxNesting {
			return t.Range, true
		}
	}
	return hcl.Range{}, false
}

// tooDeepHCL reports where a native-syntax file first nests deeper than maxNesting.
func tooDeepHCL(src []byte, filename string) (hcl.Range, bool) {
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	m := &nestingMeter{top: nestingFrame{brace: true}}
	return m.feed(toks)
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
				toks, _ := hclsyntax.LexTemplate(s, filename, hcl.InitialPos)
				m := &nestingMeter{top: nestingFrame{brace: false}, base: depth}
				if _, deep := m.feed(toks); deep {
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
