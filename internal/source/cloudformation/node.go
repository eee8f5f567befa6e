package cloudformation

import (
	"sort"
	"strings"

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

// kindJA names a node kind in Japanese, for the Japanese half of messages.
var kindJA = map[nodeKind]string{kindNull: "null", kindString: "文字列", kindInt: "整数", kindFloat: "数値",
	kindBool: "真偽値", kindMap: "マッピング", kindSeq: "リスト"}

// text names a node kind in both languages.
func (k nodeKind) text() model.Text {
	ja, ok := kindJA[k]
	if !ok {
		ja = "読み取れないノード"
	}
	return model.Text{EN: k.String(), JA: ja}
}

// pos is a 1-based line and column in a template file.
type pos struct{ line, col int32 }

// node is one value of a template, with its position. Short-form YAML tags
// are turned into their long form while loading (!Ref X becomes {Ref: X},
// !GetAtt A.B becomes {Fn::GetAtt: [A, B]}), so the evaluator sees one shape
// whatever the template was written in.
type node struct {
	kind nodeKind
	// limit is set on a bad node that a limit of kumoguard stopped.
	limit bool
	pos   pos
	str   string // scalar text
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

// describe renders a node briefly for messages: the scalar, or its kind.
func (n *node) describe() model.Text {
	if n == nil {
		return model.T("nothing", "値なし")
	}
	if n.isScalar() {
		if n.kind == kindString {
			return model.T("%q", "%q", n.str)
		}
		return model.Text{EN: n.str, JA: n.str}
	}
	if name, _, ok := n.intrinsic(); ok {
		return model.Text{EN: name, JA: name}
	}
	k := n.kind.text()
	return model.Text{EN: "a " + k.EN, JA: k.JA}
}
