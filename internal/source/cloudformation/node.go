package cloudformation

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/kumoguard/kumoguard/internal/model"
)

// nodeKind is the kind of a template node. Scalars keep the kind YAML or JSON
// gave them, because CloudFormation treats 86400 and "86400" alike for a
// number but a policy message should say what was written.
type nodeKind uint8

const (
	kindNull nodeKind = iota
	kindString
	kindInt
	kindFloat
	kindBool
	kindMap
	kindSeq
	// kindBad is a node that could not be read (an unknown YAML tag, an
	// unsupported alias): bad holds what was expected. Evaluating it gives an
	// invalid value; the template check reports it.
	kindBad
)

func (k nodeKind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindString:
		return "string"
	case kindInt:
		return "integer"
	case kindFloat:
		return "number"
	case kindBool:
		return "boolean"
	case kindMap:
		return "mapping"
	case kindSeq:
		return "list"
	}
	return "invalid node"
}

// pos is a 1-based line and column in a template file.
type pos struct{ line, col int32 }

// node is one value of a template, with its position. Short-form YAML tags
// are turned into their long form while loading (!Ref X becomes {Ref: X},
// !GetAtt A.B becomes {Fn::GetAtt: [A, B]}), so the evaluator sees one shape
// whatever the template was written in.
type node struct {
	kind nodeKind
	pos  pos
	str  string // scalar text
	// Mapping: keys (with their positions) and values in source order.
	keys   []string
	keyPos []pos
	// Mapping values or sequence items.
	vals []*node
	bad  *model.Text
}

// get returns the value of key in a mapping, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindMap {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// keyPosOf returns the position of key in a mapping.
func (n *node) keyPosOf(key string) (pos, bool) {
	if n == nil || n.kind != kindMap {
		return pos{}, false
	}
	for i, k := range n.keys {
		if k == key {
			return n.keyPos[i], true
		}
	}
	return pos{}, false
}

// isScalar reports whether the node is a string, number, boolean or null.
func (n *node) isScalar() bool {
	return n != nil && n.kind <= kindBool
}

// intrinsic returns the function name and argument when the node is a
// one-key mapping whose key is an intrinsic function or Ref.
func (n *node) intrinsic() (string, *node, bool) {
	if n == nil || n.kind != kindMap || len(n.keys) != 1 {
		return "", nil, false
	}
	k := n.keys[0]
	if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
		return k, n.vals[0], true
	}
	return "", nil, false
}

// shortTags maps CloudFormation's YAML short forms to the long-form keys.
var shortTags = map[string]string{
	"!Ref":          "Ref",
	"!Condition":    "Condition",
	"!Sub":          "Fn::Sub",
	"!If":           "Fn::If",
	"!GetAtt":       "Fn::GetAtt",
	"!FindInMap":    "Fn::FindInMap",
	"!Select":       "Fn::Select",
	"!Join":         "Fn::Join",
	"!Split":        "Fn::Split",
	"!Equals":       "Fn::Equals",
	"!Not":          "Fn::Not",
	"!And":          "Fn::And",
	"!Or":           "Fn::Or",
	"!ImportValue":  "Fn::ImportValue",
	"!Base64":       "Fn::Base64",
	"!GetAZs":       "Fn::GetAZs",
	"!Cidr":         "Fn::Cidr",
	"!Transform":    "Fn::Transform",
	"!Length":       "Fn::Length",
	"!ToJsonString": "Fn::ToJsonString",
}

// shortTagNames lists the short forms for messages.
func shortTagNames() string {
	names := make([]string, 0, len(shortTags))
	for k := range shortTags {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// maxDepth bounds nesting so that a hostile file cannot exhaust the stack.
const maxDepth = 200

// converter turns a goccy/go-yaml AST into nodes.
type converter struct {
	anchors map[string]*node
	sizes   map[string]int
	// nodes counts the nodes of the tree, counting each alias as a copy of
	// its anchor, so that a "billion laughs" document is refused.
	nodes int
}

// maxNodes bounds the size of a template tree, aliases expanded.
const maxNodes = 2000000

func tokenPos(n ast.Node) pos {
	if n == nil {
		return pos{}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return pos{}
	}
	return pos{int32(tk.Position.Line), int32(tk.Position.Column)}
}

func badNode(p pos, t model.Text) *node {
	return &node{kind: kindBad, pos: p, bad: &t}
}

func (c *converter) convert(n ast.Node, depth int) *node {
	if n == nil {
		return &node{kind: kindNull}
	}
	p := tokenPos(n)
	c.nodes++
	if c.nodes > maxNodes {
		return badNode(p, model.T("the document is too large (more than %d nodes with YAML aliases expanded)", "ドキュメントが大きすぎます（YAML エイリアス展開後に %d ノード超）", maxNodes))
	}
	if depth > maxDepth {
		return badNode(p, model.T("nesting deeper than %d levels", "ネストが %d 階層を超えています", maxDepth))
	}
	switch v := n.(type) {
	case *ast.NullNode:
		return &node{kind: kindNull, pos: p}
	case *ast.StringNode:
		return &node{kind: kindString, pos: p, str: v.Value}
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return &node{kind: kindString, pos: p, str: s}
	case *ast.IntegerNode:
		return &node{kind: kindInt, pos: p, str: v.GetToken().Value}
	case *ast.FloatNode:
		return &node{kind: kindFloat, pos: p, str: v.GetToken().Value}
	case *ast.InfinityNode:
		return &node{kind: kindFloat, pos: p, str: v.GetToken().Value}
	case *ast.NanNode:
		return &node{kind: kindFloat, pos: p, str: v.GetToken().Value}
	case *ast.BoolNode:
		return &node{kind: kindBool, pos: p, str: strconv.FormatBool(v.Value)}
	case *ast.MappingNode:
		out := &node{kind: kindMap, pos: p, keys: make([]string, 0, len(v.Values)), keyPos: make([]pos, 0, len(v.Values)), vals: make([]*node, 0, len(v.Values))}
		if len(v.Values) > 0 {
			out.pos = tokenPos(v.Values[0].Key)
		}
		for _, mv := range v.Values {
			c.addPair(out, mv, depth)
		}
		return out
	case *ast.MappingValueNode:
		out := &node{kind: kindMap, pos: tokenPos(v.Key)}
		c.addPair(out, v, depth)
		return out
	case *ast.SequenceNode:
		out := &node{kind: kindSeq, pos: p, vals: make([]*node, 0, len(v.Values))}
		for _, e := range v.Values {
			out.vals = append(out.vals, c.convert(e, depth+1))
		}
		return out
	case *ast.TagNode:
		return c.convertTag(v, p, depth)
	case *ast.AnchorNode:
		before := c.nodes
		val := c.convert(v.Value, depth+1)
		if v.Name != nil {
			if c.anchors == nil {
				c.anchors, c.sizes = map[string]*node{}, map[string]int{}
			}
			c.anchors[v.Name.GetToken().Value] = val
			c.sizes[v.Name.GetToken().Value] = c.nodes - before
		}
		return val
	case *ast.AliasNode:
		name := ""
		if v.Value != nil {
			name = v.Value.GetToken().Value
		}
		if a, ok := c.anchors[name]; ok {
			c.nodes += c.sizes[name]
			if c.nodes > maxNodes {
				return badNode(p, model.T("the document is too large (more than %d nodes with YAML aliases expanded)", "ドキュメントが大きすぎます（YAML エイリアス展開後に %d ノード超）", maxNodes))
			}
			return a
		}
		return badNode(p, model.T("YAML alias *%s names no anchor defined before it", "YAML エイリアス *%s に対応するアンカーが前にありません", name))
	case *ast.MappingKeyNode:
		return c.convert(v.Value, depth+1)
	case *ast.CommentGroupNode, *ast.CommentNode:
		return &node{kind: kindNull, pos: p}
	}
	return badNode(p, model.T("unsupported YAML construct %s", "未対応の YAML 構文 %s", n.Type().String()))
}

func (c *converter) addPair(out *node, mv *ast.MappingValueNode, depth int) {
	key := ""
	if mv.Key != nil {
		if tk := mv.Key.GetToken(); tk != nil {
			key = tk.Value
		}
		if s, ok := mv.Key.(*ast.StringNode); ok {
			key = s.Value
		}
	}
	out.keys = append(out.keys, key)
	out.keyPos = append(out.keyPos, tokenPos(mv.Key))
	out.vals = append(out.vals, c.convert(mv.Value, depth+1))
}

func (c *converter) convertTag(v *ast.TagNode, p pos, depth int) *node {
	tag := v.Start.Value
	val := c.convert(v.Value, depth+1)
	if strings.HasPrefix(tag, "!!") {
		// Standard YAML tags: !!str forces a string, the others keep the value.
		if tag == "!!str" && val.isScalar() {
			val.kind = kindString
		}
		return val
	}
	long, ok := shortTags[tag]
	if !ok {
		return badNode(p, model.T("unknown tag %s (expected one of %s)", "不明なタグ %s（%s のいずれかが必要です）", tag, shortTagNames()))
	}
	if long == "Fn::GetAtt" && val.kind == kindString {
		// !GetAtt Resource.Attribute: the attribute may itself contain dots
		// (Outputs.Name of a nested stack), so split at the first one only.
		res, attr, found := strings.Cut(val.str, ".")
		if !found {
			return badNode(val.pos, model.T("!GetAtt %q: expected Resource.Attribute", "!GetAtt %q：Resource.Attribute の形式が必要です", val.str))
		}
		col := val.pos.col + int32(len(res)) + 1
		val = &node{kind: kindSeq, pos: val.pos, vals: []*node{
			{kind: kindString, pos: val.pos, str: res},
			{kind: kindString, pos: pos{val.pos.line, col}, str: attr},
		}}
	}
	if v.Value == nil || val.kind == kindNull && val.pos == (pos{}) {
		val.pos = p
	}
	return &node{kind: kindMap, pos: p, keys: []string{long}, keyPos: []pos{p}, vals: []*node{val}}
}

// describe renders a node briefly for messages: the scalar, or its kind.
func (n *node) describe() string {
	if n == nil {
		return "nothing"
	}
	if n.isScalar() {
		if n.kind == kindString {
			return fmt.Sprintf("%q", n.str)
		}
		return n.str
	}
	if name, _, ok := n.intrinsic(); ok {
		return name
	}
	return "a " + n.kind.String()
}
