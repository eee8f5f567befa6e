package cloudformation

import (
	"strings"
	"unicode"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Fn::ForEach (AWS::LanguageExtensions transform) replicates a template
// fragment once per item of a collection:
//
//	Fn::ForEach::LoopName: [Identifier, Collection, {OutputKey: OutputValue}]
//
// In OutputKey and OutputValue, ${Identifier} becomes the item, &{Identifier}
// the item without its non-alphanumeric characters, and {Ref: Identifier}
// the item. Loops may nest, and may appear in Resources, Conditions, Outputs
// and resource properties. The collection is a list, or an expression such
// as a Ref to a CommaDelimitedList parameter.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html
//
// A loop whose collection is a literal list is expanded when the template is
// loaded; one whose collection depends on parameters is expanded for each
// stack, once its parameter values are known (expandStackLoops). A loop that
// cannot be expanded stays in the template as a "Fn::ForEach" resource and
// its clusters are reported as not evaluated.

const forEachPrefix = "Fn::ForEach::"

// The nodes that loop expansion may create are bounded (limLoopNodes in
// limits.go): for a template as it is loaded, and for all the stacks one
// top-level template nests together. A loop nested in a loop over long
// collections is refused with a LIMIT_EXCEEDED ERROR at the loop instead of
// exhausting memory.

// collectionFunc resolves a collection that is not a literal list: the items,
// or ok=false with why when they are not known.
type collectionFunc func(coll *node) (items []string, why model.Text, ok bool)

type forEachProblem struct {
	at      pos
	msg     model.Text
	unknown bool // the collection is not known (not an error in the template)
	limit   bool // the expansion hit the limit on loop nodes
	loop    string
}

// loopOrigin is the loop, and the item, that generated a resource.
type loopOrigin struct {
	name string
	at   pos
	item string
}

type expander struct {
	resolve collectionFunc
	// origin records, for each key generated in Resources, its loop
	// (nil while expanding the other sections); resources keeps it.
	origin, resources map[string]*loopOrigin
	budget, limit     int64 // nodes left to create, and the bound
	problems          []forEachProblem
	// pending is true when some loop was left as written.
	pending bool
	// has memoizes hasLoops; done memoizes expand outside loop bodies.
	has  map[*node]bool
	done map[*node]*node
}

// hasLoops reports whether a tree holds an Fn::ForEach key. YAML aliases
// make the tree a graph whose paths can be exponentially many, so each node
// is looked at once.
func (e *expander) hasLoops(n *node, depth int) bool {
	if n == nil || depth > maxDepth || n.kind != kindMap && n.kind != kindSeq {
		return false
	}
	if v, ok := e.has[n]; ok {
		return v
	}
	found := false
	for _, k := range n.keys {
		if strings.HasPrefix(k, forEachPrefix) {
			found = true
			break
		}
	}
	for _, v := range n.vals {
		if found {
			break
		}
		found = e.hasLoops(v, depth+1)
	}
	if e.has == nil {
		e.has = map[*node]bool{}
	}
	e.has[n] = found
	return found
}

// expandRoot returns a copy of a template's root with the loops of
// Resources, Conditions and Outputs expanded (the other sections cannot hold
// loops), sharing every subtree that has none.
func (e *expander) expandRoot(root *node) *node {
	out := *root
	out.vals = append([]*node(nil), root.vals...)
	for i, k := range root.keys {
		switch k {
		case "Resources", "Conditions", "Outputs":
			e.origin = nil
			if k == "Resources" {
				e.resources = map[string]*loopOrigin{}
				e.origin = e.resources
			}
			out.vals[i] = e.expand(root.vals[i], 0)
		}
	}
	return &out
}

// expand returns n with its loops expanded.
func (e *expander) expand(n *node, depth int) *node {
	if n == nil || depth > maxDepth || !e.hasLoops(n, 0) {
		return n
	}
	if out, ok := e.done[n]; ok {
		return out
	}
	out := e.expandNode(n, depth)
	if e.done == nil {
		e.done = map[*node]*node{}
	}
	e.done[n] = out
	return out
}

func (e *expander) expandNode(n *node, depth int) *node {
	switch n.kind {
	case kindSeq:
		out := *n
		out.vals = make([]*node, len(n.vals))
		for i, v := range n.vals {
			out.vals[i] = e.expand(v, depth+1)
		}
		return &out
	case kindMap:
	default:
		return n
	}
	out := &node{kind: kindMap, pos: n.pos}
	for i, k := range n.keys {
		v := n.vals[i]
		if !strings.HasPrefix(k, forEachPrefix) {
			out.keys = append(out.keys, k)
			out.keyPos = append(out.keyPos, n.keyPos[i])
			out.vals = append(out.vals, e.expand(v, depth+1))
			continue
		}
		frag, ok := e.loop(k, n.keyPos[i], v, depth)
		if !ok {
			out.keys = append(out.keys, k)
			out.keyPos = append(out.keyPos, n.keyPos[i])
			out.vals = append(out.vals, v)
			continue
		}
		for j, fk := range frag.keys {
			out.keys = append(out.keys, fk)
			out.keyPos = append(out.keyPos, frag.keyPos[j])
			out.vals = append(out.vals, frag.vals[j])
		}
	}
	return out
}

// loop expands one Fn::ForEach into the mapping it generates.
func (e *expander) loop(name string, at pos, v *node, depth int) (*node, bool) {
	bad := func(p pos, msg model.Text) (*node, bool) {
		e.problems = append(e.problems, forEachProblem{at: p, msg: msg, loop: name})
		return nil, false
	}
	if v.kind != kindSeq || len(v.vals) != 3 || v.vals[0].kind != kindString || v.vals[2].kind != kindMap {
		return bad(v.pos, model.T("%s takes [Identifier, Collection, {OutputKey: OutputValue}], not %s", "%s には [識別子, コレクション, {出力キー: 出力値}] が必要です（%s ではなく）", name, v.describe()))
	}
	ident, coll, body := v.vals[0].str, v.vals[1], v.vals[2]
	var items []string
	if coll.kind == kindSeq {
		for _, it := range coll.vals {
			s, ok := scalarString(it)
			if !ok {
				return bad(it.pos, model.T("%s: the collection holds %s (expected strings)", "%s：コレクションに %s が含まれています（文字列が必要です）", name, it.describe()))
			}
			items = append(items, s)
		}
	} else {
		var why model.Text
		ok := false
		if e.resolve != nil {
			items, why, ok = e.resolve(coll)
		} else {
			why = model.T("the collection %s is known only with the stack's parameter values", "コレクション %s はスタックのパラメータ値がないと分かりません", coll.describe())
		}
		if !ok {
			e.problems = append(e.problems, forEachProblem{at: at, msg: why, unknown: true, loop: name})
			e.pending = true
			return nil, false
		}
	}
	for _, fk := range body.keys {
		if !strings.Contains(fk, "${"+ident+"}") && !strings.Contains(fk, "&{"+ident+"}") && !strings.HasPrefix(fk, forEachPrefix) {
			return bad(at, model.T("%s: OutputKey %q does not contain ${%s} or &{%s}, so every item would write the same key", "%s：出力キー %q に ${%s} または &{%s} が含まれていないため、すべての項目が同じキーになります", name, fk, ident, ident))
		}
	}
	out := &node{kind: kindMap, pos: at}
	seen := map[string]bool{}
	for _, item := range items {
		s := substituter{ident: ident, item: item, e: e}
		frag := e.expand(s.node(body, depth+1), depth+1)
		if e.budget < 0 {
			e.problems = append(e.problems, forEachProblem{at: at, limit: true, loop: name,
				msg: model.T("%s expands to more than %d template nodes (kumoguard's limit for Fn::ForEach)", "%s の展開結果がテンプレートノード %d 個を超えます（kumoguard の Fn::ForEach の上限）", name, e.limit)})
			return nil, false
		}
		if frag == nil || frag.kind != kindMap {
			return nil, false
		}
		for j, fk := range frag.keys {
			if seen[fk] {
				return bad(at, model.T("%s generates key %q more than once (CloudFormation rejects the template)", "%s がキー %q を複数回生成しています（CloudFormation はテンプレートを拒否します）", name, fk))
			}
			seen[fk] = true
			if e.origin != nil && e.origin[fk] == nil {
				e.origin[fk] = &loopOrigin{name: name, at: at, item: item}
			}
			out.keys = append(out.keys, fk)
			out.keyPos = append(out.keyPos, frag.keyPos[j])
			out.vals = append(out.vals, frag.vals[j])
		}
	}
	return out, true
}

// substituter puts one item of a collection into a fragment.
type substituter struct {
	ident, item string
	e           *expander
}

func (s substituter) str(v string) (string, bool) {
	if !strings.Contains(v, "{"+s.ident+"}") {
		return v, false
	}
	v = strings.ReplaceAll(v, "${"+s.ident+"}", s.item)
	v = strings.ReplaceAll(v, "&{"+s.ident+"}", alnum(s.item))
	return v, true
}

// node returns n with the item substituted, sharing what does not change.
func (s substituter) node(n *node, depth int) *node {
	if n == nil || depth > maxDepth || s.e.budget < 0 {
		return n
	}
	s.e.budget--
	switch n.kind {
	case kindString:
		if v, changed := s.str(n.str); changed {
			return &node{kind: kindString, pos: n.pos, str: v}
		}
		return n
	case kindSeq:
		out := &node{kind: kindSeq, pos: n.pos, vals: make([]*node, len(n.vals))}
		for i, v := range n.vals {
			out.vals[i] = s.node(v, depth+1)
		}
		return out
	case kindMap:
		if len(n.keys) == 1 && n.keys[0] == "Ref" && n.vals[0].kind == kindString && n.vals[0].str == s.ident {
			return &node{kind: kindString, pos: n.pos, str: s.item}
		}
		out := &node{kind: kindMap, pos: n.pos, keys: make([]string, len(n.keys)), keyPos: n.keyPos, vals: make([]*node, len(n.vals))}
		for i, k := range n.keys {
			out.keys[i], _ = s.str(k)
			out.vals[i] = s.node(n.vals[i], depth+1)
		}
		return out
	}
	return n
}

// alnum keeps the letters and digits of s (&{Identifier}).
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, s)
}

// expandLoops expands the loops of a freshly loaded template whose
// collections are literal lists; loops over parameters stay pending.
func (t *template) expandLoops(nodes int64) {
	e := &expander{budget: nodes, limit: nodes}
	if !e.hasLoops(t.root.get("Resources"), 0) && !e.hasLoops(t.root.get("Conditions"), 0) && !e.hasLoops(t.root.get("Outputs"), 0) {
		return
	}
	t.root = e.expandRoot(t.root)
	t.pendingLoops, t.loopOrigin = e.pending, e.resources
	for _, p := range e.problems {
		t.loopWhy[p.loop] = p.msg
		switch {
		case p.limit:
			t.diags = append(t.diags, limitDiag(t.loc(p.at), t.res(), model.T("template nodes created by Fn::ForEach (%d for this file)", "Fn::ForEach で生成するテンプレートのノード数（このファイルで %d）", nodes)))
		case !p.unknown:
			t.diag(model.ReasonInvalidValue, p.at, p.msg)
		}
	}
}

// expandStackLoops expands, for one stack, the loops whose collection needs
// the stack's parameter values, giving the stack its own copy of the
// template.
func (s *stack) expandStackLoops() {
	t := s.t
	if !t.pendingLoops {
		return
	}
	left := limits[limLoopNodes].perRoot
	if s.b != nil {
		left = max(s.b.share[limLoopNodes]-s.b.spent[limLoopNodes], 0)
	}
	e := &expander{budget: left, limit: left, resolve: func(coll *node) ([]string, model.Text, bool) {
		r := s.evalValue(coll)
		if r.kind == resKnown && r.sk == kindSeq {
			items := make([]string, 0, len(r.list))
			for _, it := range r.list {
				if !it.isScalar() {
					return nil, model.T("the collection %s holds %s (expected strings)", "コレクション %s に %s が含まれています（文字列が必要です）", coll.describe(), describeResult(it)), false
				}
				items = append(items, it.s)
			}
			return items, model.Text{}, true
		}
		if r.kind == resKnown && r.isScalar() {
			return nil, model.T("the collection %s is %s (expected a list)", "コレクション %s が %s です（リストが必要です）", coll.describe(), describeResult(r)), false
		}
		why := r.why
		if why.IsZero() {
			why = model.T("the collection %s is not known", "コレクション %s が不明です", coll.describe())
		}
		return nil, why, false
	}}
	root := e.expandRoot(t.root)
	s.b.charge(limLoopNodes, left-e.budget)
	nt := &template{file: t.file, abs: t.abs, root: root, params: t.params, paramOrder: t.paramOrder, conditions: map[string]*node{},
		condPos: map[string]pos{}, resources: map[string]*resource{}, dups: t.dups, pendingLoops: e.pending, loopWhy: map[string]model.Text{},
		loopOrigin: e.resources}
	for _, p := range e.problems {
		nt.loopWhy[p.loop] = p.msg
		if p.unknown {
			continue // reported by walk, with the clusters it hides
		}
		if p.limit && s.b != nil {
			s.b.hit = true
			s.over(limLoopNodes, t.loc(p.at))
			continue
		}
		s.diags = append(s.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonInvalidValue, Location: t.loc(p.at),
			Resource: model.Resource{Kind: model.SourceCloudFormation, Type: "Fn::ForEach", Address: s.address + p.loop}, Message: p.msg})
	}
	for k, o := range t.loopOrigin {
		if _, ok := nt.loopOrigin[k]; !ok {
			nt.loopOrigin[k] = o
		}
	}
	for k, why := range t.loopWhy {
		if _, ok := nt.loopWhy[k]; !ok {
			nt.loopWhy[k] = why
		}
	}
	nt.readSections(false)
	s.t = nt
}
