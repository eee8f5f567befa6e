package terraform

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

const maxTraceDepth = 24

// resolve follows an expression (evaluated in instance in, repetition r) to
// where its value is defined. path is the part of the value still to select
// (object keys, list indexes). It returns the range within this expression
// that decides the value and the origins of the places the value comes from
// after this one, ending with the place that finally defines it.
func resolve(expr hcl.Expression, in *instance, r *rep, path []cty.Value, depth int) (hcl.Range, []model.Origin) {
	if expr == nil {
		return hcl.Range{}, nil
	}
	here := expr.Range()
	if depth > maxTraceDepth {
		return here, nil
	}
	switch e := unwrap(expr).(type) {
	case *hclsyntax.ObjectConsExpr:
		if len(path) == 0 {
			return here, nil
		}
		want, ok := pathString(path[0])
		if !ok {
			return here, nil
		}
		for _, item := range e.Items {
			if k, ok := objectKey(item.KeyExpr, in, r); ok && k == want {
				return resolve(item.ValueExpr, in, r, path[1:], depth+1)
			}
		}
		return here, nil
	case *hclsyntax.TupleConsExpr:
		if len(path) == 0 {
			return here, nil
		}
		i, ok := pathIndex(path[0])
		if !ok || i < 0 || i >= len(e.Exprs) {
			return here, nil
		}
		return resolve(e.Exprs[i], in, r, path[1:], depth+1)
	case *hclsyntax.ConditionalExpr:
		c, _ := unmark(evalIn(in, e.Condition, r))
		if !c.IsKnown() || c.IsNull() {
			return here, nil
		}
		cb, err := convertSafe(c, cty.Bool)
		if err != nil || !cb.IsKnown() || cb.IsNull() {
			return here, nil
		}
		if cb.True() {
			return resolve(e.TrueResult, in, r, path, depth+1)
		}
		return resolve(e.FalseResult, in, r, path, depth+1)
	case *hclsyntax.IndexExpr:
		k, _ := unmark(evalIn(in, e.Key, r))
		if !k.IsWhollyKnown() || k.IsNull() {
			return here, nil
		}
		return resolve(e.Collection, in, r, append([]cty.Value{k}, path...), depth+1)
	case *hclsyntax.RelativeTraversalExpr:
		steps, ok := traversalPath(e.Traversal)
		if !ok {
			return here, nil
		}
		return resolve(e.Source, in, r, append(steps, path...), depth+1)
	case *hclsyntax.FunctionCallExpr:
		if e.Name == "lookup" && len(e.Args) >= 2 && in != nil {
			k, _ := unmark(evalIn(in, e.Args[1], r))
			m, _ := unmark(evalIn(in, e.Args[0], r))
			if k.IsKnown() && !k.IsNull() && k.Type() == cty.String && m.IsWhollyKnown() && !m.IsNull() &&
				(m.Type().IsObjectType() || m.Type().IsMapType()) {
				if hasKey(m, k.AsString()) {
					return resolve(e.Args[0], in, r, append([]cty.Value{k}, path...), depth+1)
				}
				if len(e.Args) == 3 {
					return resolve(e.Args[2], in, r, path, depth+1)
				}
			}
		}
		return here, computed(e, in, r, path, depth)
	case *hclsyntax.ScopeTraversalExpr:
		return here, traceReference(e.Traversal, in, r, path, depth)
	case *hclsyntax.BinaryOpExpr, *hclsyntax.UnaryOpExpr, *hclsyntax.TemplateExpr,
		*hclsyntax.ForExpr, *hclsyntax.SplatExpr:
		if t, ok := e.(*hclsyntax.TemplateExpr); ok && t.IsStringLiteral() {
			return here, nil
		}
		if u, ok := e.(*hclsyntax.UnaryOpExpr); ok {
			if _, lit := unwrap(u.Val).(*hclsyntax.LiteralValueExpr); lit {
				return here, nil // -1 is written as it is
			}
		}
		if x, ok := e.(hclsyntax.Expression); ok {
			return here, computed(x, in, r, path, depth)
		}
	}
	return here, nil
}

// kindComputed marks, as the first origin resolve returns, that the range it
// returns is an expression computing the value: the caller's own origin
// takes the expression's text (model.Origin.Expression), see chainFrom.
const kindComputed model.OriginKind = "\x00computed"

// computed returns the marker for an expression that computes the value,
// followed, when the expression has exactly one input (var.hours * 3600),
// by where that input is defined: a person changes the input, not the
// expression. Which value the input needs is for the fixer to work out.
func computed(e hclsyntax.Expression, in *instance, r *rep, path []cty.Value, depth int) []model.Origin {
	out := []model.Origin{{Kind: kindComputed, Expression: exprText(e)}}
	if len(path) > 0 || in == nil {
		return out
	}
	if vs := in.def.variablesOf(e); len(vs) == 1 {
		out = append(out, traceReference(vs[0], in, r, nil, depth+1)...)
	}
	return out
}

// chainFrom is the provenance from o on: o, then next (what resolve returned for
// o's expression). When next starts with the computed marker, o is where
// the value is computed and takes the expression's text.
func chainFrom(o model.Origin, next []model.Origin) []model.Origin {
	if len(next) > 0 && next[0].Kind == kindComputed {
		o.Expression = next[0].Expression
		next = next[1:]
	}
	return append([]model.Origin{o}, next...)
}

// valueWhere is the place a value's provenance leads a person to: where the
// value is computed, when an expression computes it; else the place that
// finally defines it, except that a module's variable default that the
// module call leaves unset leads to that call (the caller sets the input
// there; the default is shared by every caller). The fallback is where.
func valueWhere(chain []model.Origin, where model.Location) model.Location {
	for _, o := range chain {
		if o.Expression != "" && o.Location.File != "" {
			return o.Location
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].Location.File == "" {
			continue
		}
		if chain[i].Kind == model.OriginVariableDefault && i > 0 && chain[i-1].Kind == model.OriginModuleCall && chain[i-1].Location.File != "" {
			return chain[i-1].Location
		}
		return chain[i].Location
	}
	return where
}

// exprText renders an expression as it reads in the configuration (without
// reading the file again: the scan keeps no source text). An expression
// holding a sensitive() call is not shown: its literal is a secret.
func exprText(e hclsyntax.Expression) string {
	var b strings.Builder
	renderExpr(&b, e, 0)
	if strings.Contains(b.String(), secretCall) {
		return "(expression)"
	}
	if b.Len() > 400 {
		return b.String()[:400] + "…"
	}
	return b.String()
}

// secretCall stands for a sensitive() call while an expression is
// rendered: the whole text is then withheld.
const secretCall = "\x00sensitive"

var opText = map[*hclsyntax.Operation]string{
	hclsyntax.OpLogicalOr: "||", hclsyntax.OpLogicalAnd: "&&", hclsyntax.OpEqual: "==", hclsyntax.OpNotEqual: "!=",
	hclsyntax.OpGreaterThan: ">", hclsyntax.OpGreaterThanOrEqual: ">=", hclsyntax.OpLessThan: "<",
	hclsyntax.OpLessThanOrEqual: "<=", hclsyntax.OpAdd: "+", hclsyntax.OpSubtract: "-", hclsyntax.OpMultiply: "*",
	hclsyntax.OpDivide: "/", hclsyntax.OpModulo: "%",
}

func renderExpr(b *strings.Builder, e hclsyntax.Expression, depth int) {
	if depth > 16 || b.Len() > 400 {
		b.WriteString("…")
		return
	}
	switch x := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		renderLiteral(b, x.Val)
	case *hclsyntax.ScopeTraversalExpr:
		renderTraversal(b, x.Traversal)
	case *hclsyntax.RelativeTraversalExpr:
		renderExpr(b, x.Source, depth+1)
		renderTraversal(b, x.Traversal)
	case *hclsyntax.IndexExpr:
		renderExpr(b, x.Collection, depth+1)
		b.WriteString("[")
		renderExpr(b, x.Key, depth+1)
		b.WriteString("]")
	case *hclsyntax.BinaryOpExpr:
		renderExpr(b, x.LHS, depth+1)
		b.WriteString(" " + opText[x.Op] + " ")
		renderExpr(b, x.RHS, depth+1)
	case *hclsyntax.UnaryOpExpr:
		if x.Op == hclsyntax.OpLogicalNot {
			b.WriteString("!")
		} else {
			b.WriteString("-")
		}
		renderExpr(b, x.Val, depth+1)
	case *hclsyntax.ParenthesesExpr:
		b.WriteString("(")
		renderExpr(b, x.Expression, depth+1)
		b.WriteString(")")
	case *hclsyntax.FunctionCallExpr:
		if x.Name == "sensitive" || x.Name == "core::sensitive" {
			b.WriteString(secretCall)
			return
		}
		b.WriteString(x.Name + "(")
		for i, a := range x.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			renderExpr(b, a, depth+1)
		}
		if x.ExpandFinal {
			b.WriteString("...")
		}
		b.WriteString(")")
	case *hclsyntax.ConditionalExpr:
		renderExpr(b, x.Condition, depth+1)
		b.WriteString(" ? ")
		renderExpr(b, x.TrueResult, depth+1)
		b.WriteString(" : ")
		renderExpr(b, x.FalseResult, depth+1)
	case *hclsyntax.TemplateWrapExpr:
		b.WriteString("\"${")
		renderExpr(b, x.Wrapped, depth+1)
		b.WriteString("}\"")
	case *hclsyntax.TemplateExpr:
		b.WriteString("\"")
		for _, p := range x.Parts {
			if l, ok := p.(*hclsyntax.LiteralValueExpr); ok && l.Val.Type() == cty.String && l.Val.IsKnown() && !l.Val.IsNull() {
				q := strconv.Quote(l.Val.AsString())
				b.WriteString(strings.ReplaceAll(q[1:len(q)-1], "${", "$${"))
				continue
			}
			b.WriteString("${")
			renderExpr(b, p, depth+1)
			b.WriteString("}")
		}
		b.WriteString("\"")
	case *hclsyntax.TupleConsExpr:
		b.WriteString("[")
		for i, it := range x.Exprs {
			if i > 0 {
				b.WriteString(", ")
			}
			renderExpr(b, it, depth+1)
		}
		b.WriteString("]")
	case *hclsyntax.ObjectConsKeyExpr:
		if kw := hcl.ExprAsKeyword(x.Wrapped); kw != "" && !x.ForceNonLiteral {
			b.WriteString(kw)
			return
		}
		renderExpr(b, x.Wrapped, depth+1)
	case *hclsyntax.ObjectConsExpr:
		b.WriteString("{")
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			renderExpr(b, it.KeyExpr, depth+1)
			b.WriteString(" = ")
			renderExpr(b, it.ValueExpr, depth+1)
		}
		b.WriteString("}")
	case *hclsyntax.SplatExpr:
		renderExpr(b, x.Source, depth+1)
		b.WriteString("[*]")
		if tr, ok := x.Each.(*hclsyntax.RelativeTraversalExpr); ok {
			renderTraversal(b, tr.Traversal)
		}
	default:
		b.WriteString("…")
	}
}

func renderTraversal(b *strings.Builder, t hcl.Traversal) {
	for _, s := range t {
		switch st := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(st.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + st.Name)
		case hcl.TraverseIndex:
			b.WriteString("[")
			renderLiteral(b, st.Key)
			b.WriteString("]")
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		}
	}
}

func renderLiteral(b *strings.Builder, v cty.Value) {
	switch {
	case v.IsMarked() || !v.IsKnown():
		b.WriteString("…")
	case v.IsNull():
		b.WriteString("null")
	case v.Type() == cty.String:
		b.WriteString(strconv.Quote(v.AsString()))
	case v.Type() == cty.Number:
		b.WriteString(v.AsBigFloat().Text('f', -1))
	case v.Type() == cty.Bool:
		b.WriteString(strconv.FormatBool(v.True()))
	default:
		b.WriteString("…")
	}
}

// traceReference follows var.*, local.*, each.value, resource arguments and
// module outputs to their definitions.
func traceReference(t hcl.Traversal, in *instance, r *rep, path []cty.Value, depth int) []model.Origin {
	if in == nil || len(t) < 2 {
		return nil
	}
	name, ok := attrAt(t, 1)
	if !ok {
		return nil
	}
	switch t.RootName() {
	case "var":
		rest, ok := traversalPath(t[2:])
		if !ok {
			return nil
		}
		in.initVars()
		vv := in.vars[name]
		if vv == nil {
			return nil
		}
		full := append(rest, path...)
		switch vv.origin {
		case model.OriginVariableDefault, model.OriginVarFile:
			h, next := resolve(vv.expr, nil, nil, full, depth+1)
			chain := chainFrom(model.Origin{Kind: vv.origin, Name: name, Key: entryKey(vv.expr, h, full), Location: loc(h)}, next)
			if vv.origin == model.OriginVariableDefault && in.parent != nil && in.call != nil {
				// The module call leaves the input unset: the caller is
				// where this root (and only it) can set the value.
				chain = append([]model.Origin{{Kind: model.OriginModuleCall, Name: name, Location: loc(in.call.decl)}}, chain...)
			}
			return chain
		case model.OriginModuleArgument:
			h, next := resolve(vv.expr, in.parent, &in.rep, full, depth+1)
			return chainFrom(model.Origin{Kind: vv.origin, Name: name, Key: entryKey(vv.expr, h, full), Location: loc(h)}, next)
		case model.OriginVarFlag, model.OriginEnvironment:
			return []model.Origin{{Kind: vv.origin, Name: vv.name}}
		}
		return nil
	case "local":
		a := in.def.locals[name]
		if a == nil {
			return nil
		}
		rest, ok := traversalPath(t[2:])
		if !ok {
			return nil
		}
		full := append(rest, path...)
		h, next := resolve(a.Expr, in, nil, full, depth+1)
		return chainFrom(model.Origin{Kind: model.OriginLocal, Name: name, Key: entryKey(a.Expr, h, full), Location: loc(h)}, next)
	case "each":
		if r == nil || r.kind != expandForEach || r.forEach == nil || name != "value" || !r.key.IsKnown() {
			return nil
		}
		rest, ok := traversalPath(t[2:])
		if !ok {
			return nil
		}
		k, _ := unmark(r.key)
		h, next := resolve(r.forEach, r.owner, r.ownRep, append(append([]cty.Value{k}, rest...), path...), depth+1)
		return chainFrom(model.Origin{Kind: model.OriginAttribute, Name: "for_each", Location: loc(h)}, next)
	case "module":
		cc := in.child(name)
		if cc == nil || cc.missing != nil || cc.keyed != expandNone || len(cc.insts) != 1 {
			return nil
		}
		out, ok := attrAt(t, 2)
		if !ok {
			return nil
		}
		c := cc.insts[0]
		a := c.def.outputs[out]
		if a == nil {
			return nil
		}
		rest, ok := traversalPath(t[3:])
		if !ok {
			return nil
		}
		h, next := resolve(a.Expr, c, nil, append(rest, path...), depth+1)
		return chainFrom(model.Origin{Kind: model.OriginReference, Name: "module." + name + "." + out, Location: loc(h)}, next)
	}
	res := in.def.byAddr[t.RootName()+"."+name]
	if res == nil || res.count != nil || res.forEach != nil {
		return nil
	}
	arg, ok := attrAt(t, 2)
	if !ok {
		return nil
	}
	a := res.attr(arg)
	if a == nil {
		return nil
	}
	rest, ok := traversalPath(t[3:])
	if !ok {
		return nil
	}
	h, next := resolve(a.Expr, in, nil, append(rest, path...), depth+1)
	return chainFrom(model.Origin{Kind: model.OriginReference, Name: res.addr() + "." + arg, Location: loc(h)}, next)
}

// possible enumerates the values an expression can take when it is unknown
// only because a condition (or a map key) is unknown: both branches of a
// conditional, every element of a map indexed by an unknown key. ok is false
// when the possibilities are open.
func possible(expr hcl.Expression, in *instance, r *rep, depth int) ([]cty.Value, bool) {
	if depth > 8 {
		return nil, false
	}
	v, _ := unmark(evalIn(in, expr, r))
	if v.IsWhollyKnown() {
		return []cty.Value{v}, true
	}
	switch e := unwrap(expr).(type) {
	case *hclsyntax.ConditionalExpr:
		c, _ := unmark(evalIn(in, e.Condition, r))
		if c.IsKnown() && !c.IsNull() && c.Type() == cty.Bool {
			if c.True() {
				return possible(e.TrueResult, in, r, depth+1)
			}
			return possible(e.FalseResult, in, r, depth+1)
		}
		a, ok1 := possible(e.TrueResult, in, r, depth+1)
		b, ok2 := possible(e.FalseResult, in, r, depth+1)
		if !ok1 || !ok2 {
			return nil, false
		}
		return limit(append(a, b...))
	case *hclsyntax.ScopeTraversalExpr:
		if in == nil || len(e.Traversal) != 2 {
			return nil, false
		}
		name, _ := attrAt(e.Traversal, 1)
		switch e.Traversal.RootName() {
		case "local":
			if a := in.def.locals[name]; a != nil {
				return possible(a.Expr, in, nil, depth+1)
			}
		case "var":
			in.initVars()
			if vv := in.vars[name]; vv != nil && vv.origin == model.OriginModuleArgument {
				return possible(vv.expr, in.parent, &in.rep, depth+1)
			}
		}
	case *hclsyntax.IndexExpr:
		c, _ := unmark(evalIn(in, e.Collection, r))
		return elements(c, nil)
	case *hclsyntax.FunctionCallExpr:
		if e.Name == "lookup" && len(e.Args) >= 2 {
			m, _ := unmark(evalIn(in, e.Args[0], r))
			var dflt []cty.Value
			if len(e.Args) == 3 {
				d, ok := possible(e.Args[2], in, r, depth+1)
				if !ok {
					return nil, false
				}
				dflt = d
			}
			return elements(m, dflt)
		}
	}
	return nil, false
}

func elements(c cty.Value, extra []cty.Value) ([]cty.Value, bool) {
	if !c.IsWhollyKnown() || c.IsNull() {
		return nil, false
	}
	ty := c.Type()
	if !(ty.IsMapType() || ty.IsObjectType() || ty.IsTupleType() || ty.IsListType()) || c.LengthInt() == 0 {
		return nil, false
	}
	var out []cty.Value
	for it := c.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e)
	}
	return limit(append(out, extra...))
}

func limit(vs []cty.Value) ([]cty.Value, bool) {
	if len(vs) > 32 {
		return nil, false
	}
	return vs, true
}

func evalIn(in *instance, expr hcl.Expression, r *rep) cty.Value {
	if in == nil {
		v, diags := (*instance)(nil).eval(expr, nil)
		if diags.HasErrors() || v == cty.NilVal {
			return cty.DynamicVal
		}
		return v
	}
	return in.evalValue(expr, r)
}

// unwrap removes parentheses and "${...}" template wrappers.
func unwrap(expr hcl.Expression) hcl.Expression {
	for i := 0; i < 64; i++ {
		switch e := expr.(type) {
		case *hclsyntax.ParenthesesExpr:
			expr = e.Expression
		case *hclsyntax.TemplateWrapExpr:
			expr = e.Wrapped
		default:
			return expr
		}
	}
	return expr
}

// objectKey returns the key of an object constructor item.
func objectKey(k hcl.Expression, in *instance, r *rep) (string, bool) {
	if kw := hcl.ExprAsKeyword(k); kw != "" {
		return kw, true
	}
	v, _ := unmark(evalIn(in, k, r))
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	return pathString(v)
}

func pathString(v cty.Value) (string, bool) {
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	s, err := convertSafe(v, cty.String)
	if err != nil || !s.IsKnown() || s.IsNull() {
		return "", false
	}
	return s.AsString(), true
}

func pathIndex(v cty.Value) (int, bool) {
	if !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	n, err := convertSafe(v, cty.Number)
	if err != nil || n.IsNull() {
		return 0, false
	}
	i, acc := n.AsBigFloat().Int64()
	if acc != 0 || i > 1<<20 {
		return 0, false
	}
	return int(i), true
}

func hasKey(m cty.Value, k string) bool {
	if m.Type().IsObjectType() {
		return m.Type().HasAttribute(k)
	}
	return m.HasIndex(cty.StringVal(k)).True()
}

// traversalPath converts static attribute and index steps into a path.
func traversalPath(t hcl.Traversal) ([]cty.Value, bool) {
	out := make([]cty.Value, 0, len(t))
	for _, s := range t {
		switch st := s.(type) {
		case hcl.TraverseAttr:
			out = append(out, cty.StringVal(st.Name))
		case hcl.TraverseIndex:
			if st.Key.IsMarked() {
				return nil, false
			}
			out = append(out, st.Key)
		default:
			return nil, false
		}
	}
	return out, true
}

// referenceReasons evaluates each reference of an expression on its own and
// returns why the unknown ones are unknown, following locals and module
// arguments whose own values lost their reasons.
func referenceReasons(expr hcl.Expression, in *instance, r *rep, depth int) []model.Text {
	if in == nil || depth > 8 {
		return nil
	}
	var out []model.Text
	for _, t := range expr.Variables() {
		v, ms := unmark(in.evalValue(&hclsyntax.ScopeTraversalExpr{Traversal: t, SrcRange: t.SourceRange()}, r))
		if v.IsWhollyKnown() {
			continue
		}
		rs := collectReasons(ms)
		found := append(rs.invalid, rs.unknown...)
		if len(found) == 0 {
			name, _ := attrAt(t, 1)
			switch t.RootName() {
			case "local":
				if a := in.def.locals[name]; a != nil {
					found = referenceReasons(a.Expr, in, nil, depth+1)
				}
			case "var":
				in.initVars()
				if vv := in.vars[name]; vv != nil && vv.origin == model.OriginModuleArgument {
					found = referenceReasons(vv.expr, in.parent, &in.rep, depth+1)
				}
			}
		}
		for _, f := range found {
			out = appendUnique(out, f)
		}
	}
	sortTexts(out)
	return out
}

// entryKey is the key of the map or object entry that resolving expr along
// path landed on (h), or "" when it stayed on the whole value: the last key
// of the path, which is what a person writes in front of the value.
func entryKey(expr hcl.Expression, h hcl.Range, path []cty.Value) string {
	if expr == nil || len(path) == 0 || h == expr.Range() {
		return ""
	}
	last := path[len(path)-1]
	if last.Type() != cty.String {
		return "" // a list index: the value stands alone in the list
	}
	if k, ok := pathString(last); ok {
		return k
	}
	return ""
}
