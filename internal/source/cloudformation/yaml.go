package cloudformation

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"

	"github.com/kumoguard/kumoguard/internal/model"
)

// YAML templates are read with go.yaml.in/yaml/v4 (the maintained successor
// of gopkg.in/yaml.v3, a port of libyaml): a full YAML 1.2 parser whose node
// API keeps the line and column of every node and whose errors carry both.
// CloudFormation reads a template's YAML as YAML does, then:
//   - short-form tags (!Ref, !Sub, ...) stand for their long form, on any
//     node: scalar, sequence, mapping, or empty (`!GetAZs` alone);
//   - a key written twice in one mapping keeps its last value;
//   - Fn::GetAtt may be written "Resource.Attribute" in long form too.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html

// dupKey is a key written twice in one mapping: CloudFormation keeps the
// value of the last one. section and entry are the top-level key and the
// key under it that hold the mapping ("Resources", "Db"), so that the note
// goes on the clusters the duplicate can change.
type dupKey struct {
	key            string
	first, last    pos
	section, entry string
}

// affects reports whether a duplicate can change the resource id: it is
// inside that resource, at the top level of the template, or in a section
// every resource reads (Parameters, Mappings, Conditions).
func (d dupKey) affects(id string) bool {
	switch d.section {
	case "", "Parameters", "Mappings", "Conditions":
		return true
	case "Resources":
		return d.entry == id
	}
	return false
}

// maxNodes bounds the size of a template tree, aliases expanded.
const maxNodes = 2000000

func badNode(p pos, t model.Text) *node {
	return &node{kind: kindBad, pos: p, bad: &t}
}

// limitNode is the bad node of what a limit stopped: reported once, for
// the file, by loadTemplate.
func limitNode(p pos, t model.Text) *node {
	n := badNode(p, t)
	n.limit = true
	return n
}

// parseYAML parses a YAML template: exactly one document, whose errors name
// the line and column where the parser stopped.
func parseYAML(data []byte) parsed {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	l, err := yaml.NewLoader(bytes.NewReader(data), yaml.WithUniqueKeys(false))
	if err != nil {
		return parsed{p: pos{1, 1}, msg: model.T("invalid YAML: %s", "YAML が不正です：%s", err.Error())}
	}
	var doc yaml.Node
	if err := l.Load(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return parsed{p: pos{1, 1}, msg: emptyDocument()}
		}
		return yamlError(err)
	}
	var next yaml.Node
	switch err := l.Load(&next); {
	case err == nil:
		return parsed{p: pos{int32(next.Line), int32(next.Column)}, msg: model.T("more than one YAML document (CloudFormation reads exactly one)", "YAML ドキュメントが複数あります（CloudFormation は 1 つだけ読みます）")}
	case !errors.Is(err, io.EOF):
		return yamlError(err)
	}
	body := &doc
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return parsed{p: pos{1, 1}, msg: emptyDocument()}
		}
		body = doc.Content[0]
	}
	if body.Kind == yaml.ScalarNode && body.ShortTag() == "!!null" && body.Style&yaml.TaggedStyle == 0 {
		return parsed{p: pos{1, 1}, msg: emptyDocument()}
	}
	c := converter{src: data}
	n := c.convert(body, 0, "", "")
	return parsed{n: n, dups: c.dups, ok: true, hits: c.hits}
}

func emptyDocument() model.Text {
	return model.T("empty document (expected a template mapping with Resources)", "空のドキュメントです（Resources を持つテンプレートのマッピングが必要です）")
}

// yamlError turns a parser error into a position and a message. The
// parser's own bound on nesting (10,000 levels) is reported as the limit
// it is.
func yamlError(err error) parsed {
	p, msg := pos{1, 1}, err.Error()
	var le *yaml.LoadError
	if errors.As(err, &le) {
		if strings.Contains(le.Message, "exceeded max depth") {
			pp := pos{1, 1}
			if le.Mark.Line > 0 {
				pp = pos{int32(le.Mark.Line), int32(max(le.Mark.Column, 1))}
			}
			return parsed{p: pp, msg: depthText(), limit: true}
		}
		msg = le.Message
		if le.Mark.Line > 0 {
			p = pos{int32(le.Mark.Line), int32(max(le.Mark.Column, 1))}
		}
		if le.ContextMsg != "" && le.ContextMark.Line > 0 && le.ContextMark != le.Mark {
			msg = fmt.Sprintf("%s (%s at %d:%d)", msg, le.ContextMsg, le.ContextMark.Line, le.ContextMark.Column)
		}
	}
	return parsed{p: p, msg: model.T("invalid YAML: %s", "YAML が不正です：%s", msg)}
}

// converter turns a YAML node tree into template nodes.
type converter struct {
	src   []byte
	lines []int // offsets of line starts, built on first use
	// anchors maps each anchored YAML node to its converted node and size.
	anchors map[*yaml.Node]anchored
	// nodes counts the nodes of the tree, counting each alias as a copy of
	// its anchor, so that a "billion laughs" document is refused.
	nodes int
	dups  []dupKey
	// lastLine, lastCol and lastOff are the position offset last converted.
	lastLine, lastCol int32
	lastOff           int
	// hits are the limits hit (once each): the parts beyond them are bad
	// nodes.
	hits           []limitHit
	deep, tooLarge bool
}

type anchored struct {
	n    *node
	size int
}

const quotedStyles = yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle

// isEmpty reports whether a scalar was written as nothing at all (`Key:`,
// `!GetAZs` alone): no text, no quotes, no block indicator.
func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Style&quotedStyles == 0
}

// nodePos is where a node's content starts. The parser places a node that
// has a tag or an anchor at its first property (`!Ref` in `!Ref Name`); the
// value, its quotes or its bracket come after the properties and the space
// that follows them, which may span lines (`!Sub` then a block sequence).
func (c *converter) nodePos(n *yaml.Node) pos {
	p := pos{int32(n.Line), int32(n.Column)}
	if n.Style&yaml.TaggedStyle == 0 && n.Anchor == "" || isEmpty(n) {
		return p
	}
	off, ok := c.offset(p)
	if !ok {
		return p
	}
	line, col := p.line, p.col
	src := c.src
	for off < len(src) {
		switch ch := src[off]; {
		case ch == '!' || ch == '&':
			// A property runs to a space or a flow indicator (verbatim
			// tags, !<...>, to their closing bracket).
			verbatim := off+1 < len(src) && src[off] == '!' && src[off+1] == '<'
			for off < len(src) {
				b := src[off]
				if verbatim {
					if b == '>' {
						off++
						col++
						break
					}
				} else if b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == ',' || b == '[' || b == ']' || b == '{' || b == '}' {
					break
				}
				_, sz := utf8.DecodeRune(src[off:])
				off += sz
				col++
			}
		case ch == ' ' || ch == '\t' || ch == '\r':
			off++
			col++
		case ch == '\n':
			off++
			line, col = line+1, 1
		case ch == '#':
			for off < len(src) && src[off] != '\n' {
				off++
			}
		default:
			return pos{line, col}
		}
	}
	return p
}

// offset converts a 1-based line and column (in characters) to a byte offset.
func (c *converter) offset(p pos) (int, bool) {
	if c.lines == nil {
		c.lines = append(c.lines, 0)
		for i, b := range c.src {
			if b == '\n' {
				c.lines = append(c.lines, i+1)
			}
		}
	}
	if p.line < 1 || int(p.line) > len(c.lines) || p.col < 1 {
		return 0, false
	}
	off, i := c.lines[p.line-1], int32(1)
	// Nodes come in document order: on a long line (a flow collection of
	// thousands of tagged nodes), carry on from the previous position
	// instead of counting characters from the line's start each time.
	if c.lastLine == p.line && c.lastCol <= p.col && c.lastCol > 0 {
		off, i = c.lastOff, c.lastCol
	}
	defer func() { c.lastLine, c.lastCol, c.lastOff = p.line, i, off }()
	for ; i < p.col; i++ {
		if off >= len(c.src) || c.src[off] == '\n' {
			return 0, false
		}
		_, sz := utf8.DecodeRune(c.src[off:])
		off += sz
	}
	return off, true
}

func (c *converter) tooLargeNode(p pos) *node {
	if !c.tooLarge {
		c.tooLarge = true
		c.hits = append(c.hits, limitHit{p: p, what: nodesText()})
	}
	return limitNode(p, model.T("the document is too large (more than %d nodes with YAML aliases expanded)", "ドキュメントが大きすぎます（YAML エイリアス展開後に %d ノード超）", maxNodes))
}

// convert turns n into a node. section and entry are the top-level key and
// the key under it on the way to n ("" above them).
func (c *converter) convert(n *yaml.Node, depth int, section, entry string) *node {
	if n == nil {
		return &node{kind: kindNull}
	}
	p := c.nodePos(n)
	c.nodes++
	if c.nodes > maxNodes {
		return c.tooLargeNode(p)
	}
	if depth > maxDepth {
		if !c.deep {
			c.deep = true
			c.hits = append(c.hits, limitHit{p: p, what: depthText()})
		}
		return limitNode(p, model.T("nesting deeper than %d levels", "ネストが %d 階層を超えています", maxDepth))
	}
	if n.Kind == yaml.AliasNode {
		a, ok := c.anchors[n.Alias]
		if !ok || n.Alias == nil {
			return badNode(p, model.T("YAML alias *%s names no anchor defined before it", "YAML エイリアス *%s に対応するアンカーが前にありません", n.Value))
		}
		c.nodes += a.size
		if c.nodes > maxNodes {
			return c.tooLargeNode(p)
		}
		return a.n
	}
	before := c.nodes
	var out *node
	if tag := n.Tag; n.Style&yaml.TaggedStyle != 0 && !strings.HasPrefix(n.ShortTag(), "!!") {
		out = c.convertTagged(n, tag, p, depth, section, entry)
	} else {
		out = c.convertPlain(n, p, depth, section, entry)
	}
	if n.Anchor != "" {
		if c.anchors == nil {
			c.anchors = map[*yaml.Node]anchored{}
		}
		c.anchors[n] = anchored{out, c.nodes - before}
	}
	return out
}

// convertPlain converts a node without a CloudFormation tag (a standard
// `!!` tag, if any, has already chosen its kind).
func (c *converter) convertPlain(n *yaml.Node, p pos, depth int, section, entry string) *node {
	switch n.Kind {
	case yaml.ScalarNode:
		return &node{kind: scalarKind(n.ShortTag()), pos: p, str: scalarText(n)}
	case yaml.SequenceNode:
		out := &node{kind: kindSeq, pos: p, vals: make([]*node, 0, len(n.Content))}
		for _, e := range n.Content {
			out.vals = append(out.vals, c.convert(e, depth+1, section, entry))
		}
		return out
	case yaml.MappingNode:
		return c.convertMap(n, p, depth, section, entry)
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return c.convert(n.Content[0], depth+1, section, entry)
		}
		return &node{kind: kindNull, pos: p}
	}
	return badNode(p, model.T("unsupported YAML construct", "未対応の YAML 構文です"))
}

func scalarKind(tag string) nodeKind {
	switch tag {
	case "!!null":
		return kindNull
	case "!!int":
		return kindInt
	case "!!float":
		return kindFloat
	case "!!bool":
		return kindBool
	}
	return kindString
}

// scalarText is a scalar's text; booleans are spelled true or false.
func scalarText(n *yaml.Node) string {
	if n.ShortTag() == "!!bool" {
		if strings.EqualFold(n.Value, "true") {
			return "true"
		}
		return "false"
	}
	if n.ShortTag() == "!!null" {
		return ""
	}
	return n.Value
}

func (c *converter) convertMap(n *yaml.Node, p pos, depth int, section, entry string) *node {
	pairs := len(n.Content) / 2
	out := &node{kind: kindMap, pos: p, keys: make([]string, 0, pairs), keyPos: make([]pos, 0, pairs), vals: make([]*node, 0, pairs)}
	var index map[string]int
	if pairs > 8 {
		index = make(map[string]int, pairs)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind == yaml.AliasNode && kn.Alias != nil {
			kn = kn.Alias
		}
		key, kp := kn.Value, c.nodePos(kn)
		if i == 0 {
			out.pos = kp // a mapping is where its first key is
		}
		sec, ent := section, entry
		switch {
		case depth == 0:
			sec = key
		case depth == 1 && section != "":
			ent = key
		}
		val := c.convert(vn, depth+1, sec, ent)
		at := -1
		if index != nil {
			if j, ok := index[key]; ok {
				at = j
			}
		} else {
			for j, k := range out.keys {
				if k == key {
					at = j
				}
			}
		}
		if at >= 0 {
			// CloudFormation keeps the last value of a key written twice.
			d := dupKey{key: key, first: out.keyPos[at], last: kp, section: sec, entry: ent}
			if depth == 0 {
				d.section = ""
			}
			c.dups = append(c.dups, d)
			out.keyPos[at], out.vals[at] = kp, val
			continue
		}
		if index != nil {
			index[key] = len(out.keys)
		}
		out.keys = append(out.keys, key)
		out.keyPos = append(out.keyPos, kp)
		out.vals = append(out.vals, val)
	}
	if len(out.keys) == 1 && out.keys[0] == "Fn::GetAtt" {
		out.vals[0] = splitGetAtt(out.vals[0], quoteOffset(n.Content[1]))
	}
	return out
}

// quoteOffset is 1 for a quoted scalar: its text starts after the quote.
func quoteOffset(n *yaml.Node) int32 {
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		return 1
	}
	return 0
}

// convertTagged converts a node with a CloudFormation short-form tag into its
// long form: `!Ref Name` becomes {Ref: Name}, `!GetAtt A.B` becomes
// {Fn::GetAtt: [A, B]}, `!GetAZs` alone becomes {Fn::GetAZs: null}.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
func (c *converter) convertTagged(n *yaml.Node, tag string, p pos, depth int, section, entry string) *node {
	tagPos := pos{int32(n.Line), int32(n.Column)}
	long, ok := shortTags[tag]
	if !ok {
		return badNode(tagPos, model.T("unknown tag %s (expected one of %s)", "不明なタグ %s（%s のいずれかが必要です）", tag, shortTagNames()))
	}
	var val *node
	switch {
	case isEmpty(n):
		val = &node{kind: kindNull, pos: tagPos}
	case n.Kind == yaml.ScalarNode:
		val = &node{kind: kindString, pos: p, str: n.Value}
		if n.Style&quotedStyles == 0 {
			// A plain scalar after a tag is resolved as it would be
			// without one: !Select [0, ...] is a number, !Ref x a string.
			var v any
			if err := (&yaml.Node{Kind: yaml.ScalarNode, Value: n.Value}).Decode(&v); err == nil {
				switch v.(type) {
				case int, int64, uint64:
					val.kind = kindInt
				case float64:
					val.kind = kindFloat
				case bool:
					val.kind, val.str = kindBool, fmt.Sprint(v)
				case nil:
					val.kind, val.str = kindNull, ""
				}
			}
		}
	default:
		plain := *n
		plain.Tag, plain.Style, plain.Anchor = "", n.Style&^yaml.TaggedStyle, ""
		val = c.convertPlain(&plain, p, depth+1, section, entry)
	}
	if long == "Fn::GetAtt" && val.kind == kindString {
		val = splitGetAtt(val, quoteOffset(n))
		if val.kind == kindString {
			return badNode(val.pos, model.T("!GetAtt %q: expected Resource.Attribute", "!GetAtt %q：Resource.Attribute の形式が必要です", val.str))
		}
	}
	return &node{kind: kindMap, pos: tagPos, keys: []string{long}, keyPos: []pos{tagPos}, vals: []*node{val}}
}

// splitGetAtt turns "Resource.Attribute" into [Resource, Attribute]. The
// attribute may itself contain dots (Outputs.Name of a nested stack), so the
// string is split at the first one only. quote is 1 when the string was
// quoted, so that the attribute's column is exact.
func splitGetAtt(v *node, quote int32) *node {
	if v.kind != kindString {
		return v
	}
	res, attr, found := strings.Cut(v.str, ".")
	if !found {
		return v
	}
	col := v.pos.col + quote + int32(utf8.RuneCountInString(res)) + 1
	return &node{kind: kindSeq, pos: v.pos, vals: []*node{
		{kind: kindString, pos: v.pos, str: res},
		{kind: kindString, pos: pos{v.pos.line, col}, str: attr},
	}}
}

// splitGetAttStrings rewrites every long-form {"Fn::GetAtt": "A.B"} of a
// JSON tree into [A, B].
func splitGetAttStrings(n *node, quote int32, depth int) {
	if n == nil || depth > maxDepth || n.kind != kindMap && n.kind != kindSeq {
		return
	}
	if n.kind == kindMap && len(n.keys) == 1 && n.keys[0] == "Fn::GetAtt" {
		n.vals[0] = splitGetAtt(n.vals[0], quote)
	}
	for _, v := range n.vals {
		splitGetAttStrings(v, quote, depth+1)
	}
}
