package terraform

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Evaluation of expressions in an instance: the evaluation context built
// from what an expression refers to, and the lazily evaluated variables,
// locals and resource arguments it reads.

// eval evaluates an expression in this instance, for one repetition.
func (in *instance) eval(expr hcl.Expression, r *rep) (v cty.Value, diags hcl.Diagnostics) {
	defer func() {
		if p := recover(); p != nil {
			v = invalidVal(model.T("kumoguard could not evaluate this expression (%v)", "kumoguard はこの式を評価できませんでした（%v）", p))
			diags = nil
		}
	}()
	if in == nil {
		return expr.Value(&hcl.EvalContext{Functions: functions})
	}
	if !in.root.charge(in.s, limEvaluations, 1) {
		k, _ := in.root.takeOver()
		return in.overVal(k, expr.Range()), nil
	}
	travs := in.def.variablesOf(expr)
	ctx := in.ctxFor(travs, r)
	if _, native := expr.(hclsyntax.Expression); !native {
		// JSON strings are templates HCL parses and joins itself: charge
		// the bytes of what they refer to before they are joined.
		if !in.root.charge(in.s, limBytes, in.refBytes(travs)) {
			k, _ := in.root.takeOver()
			return in.overVal(k, expr.Range()), nil
		}
	}
	v, diags = expr.Value(ctx)
	if k, over := in.root.takeOver(); over {
		where := expr.Range()
		for _, d := range diags {
			if isLimitDiag(d) && d.Subject != nil {
				where = *d.Subject
				break
			}
		}
		return in.overVal(k, where), nil
	}
	if diags.HasErrors() {
		for _, d := range diags {
			if d.Severity == hcl.DiagError && d.Summary == "Call to unknown function" {
				return unknownVal(model.T("%s calls a function kumoguard does not know", "%s は kumoguard が知らない関数を呼び出しています",
					loc(expr.Range()).String())), nil
			}
		}
	}
	return v, diags
}

// evalValue evaluates and turns errors into an invalid-marked value.
func (in *instance) evalValue(expr hcl.Expression, r *rep) cty.Value {
	v, diags := in.eval(expr, r)
	if diags.HasErrors() {
		return invalidFromDiags(diags)
	}
	if v == cty.NilVal {
		return cty.DynamicVal
	}
	return v
}

func invalidFromDiags(diags hcl.Diagnostics) cty.Value {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		where := ""
		if d.Subject != nil {
			where = loc(*d.Subject).String() + ": "
		}
		return invalidVal(model.T("%s%s", "%s%s", where, diagText(d)))
	}
	return cty.DynamicVal
}

// ctxFor builds an evaluation context holding exactly what the traversals refer to.
func (in *instance) ctxFor(travs []hcl.Traversal, r *rep) *hcl.EvalContext {
	ctx := in.evalContext()
	if len(travs) == 0 {
		return ctx
	}
	vars := make(map[string]cty.Value, 4)
	var localNames map[string]bool
	var resRefs map[string]map[string][]hcl.Traversal // type -> name -> traversals
	var dataRefs map[string]map[string]bool
	var modRefs map[string][]hcl.Traversal
	for _, t := range travs {
		root := t.RootName()
		switch root {
		case "var":
			vars["var"] = in.variables()
		case "local":
			if n, ok := attrAt(t, 1); ok {
				if localNames == nil {
					localNames = make(map[string]bool, 2)
				}
				localNames[n] = true
			}
		case "count":
			if r != nil && r.kind == expandCount {
				vars["count"] = r.object()
			} else {
				vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": invalidVal(model.T(
					"count.index is used where there is no count", "count がない場所で count.index が使われています"))})
			}
		case "each":
			if r != nil && r.kind == expandForEach {
				vars["each"] = r.object()
			} else {
				bad := invalidVal(model.T("each is used where there is no for_each", "for_each がない場所で each が使われています"))
				vars["each"] = cty.ObjectVal(map[string]cty.Value{"key": bad, "value": bad})
			}
		case "path":
			vars["path"] = in.pathObject()
		case "terraform":
			ws := in.root.workspace
			if ws == "" {
				ws = "default"
			}
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal(ws)})
		case "self":
			vars["self"] = unknownVal(model.T("self is only known at apply time", "self は apply 時にしか決まりません"))
		case "data":
			typ, ok1 := attrAt(t, 1)
			name, ok2 := attrAt(t, 2)
			if ok1 && ok2 {
				if dataRefs == nil {
					dataRefs = map[string]map[string]bool{}
				}
				if dataRefs[typ] == nil {
					dataRefs[typ] = map[string]bool{}
				}
				dataRefs[typ][name] = true
			}
		case "module":
			if n, ok := attrAt(t, 1); ok {
				if modRefs == nil {
					modRefs = map[string][]hcl.Traversal{}
				}
				modRefs[n] = append(modRefs[n], t)
			}
		default:
			if name, ok := attrAt(t, 1); ok && in.def.byAddr[root+"."+name] != nil {
				if resRefs == nil {
					resRefs = map[string]map[string][]hcl.Traversal{}
				}
				if resRefs[root] == nil {
					resRefs[root] = map[string][]hcl.Traversal{}
				}
				resRefs[root][name] = append(resRefs[root][name], t)
			}
		}
	}
	if len(localNames) > 0 {
		vars["local"] = in.localObject(localNames)
	}
	for typ, names := range dataRefs {
		m := map[string]cty.Value{}
		for n := range names {
			m[n] = unknownVal(model.T("data.%s.%s is a data source, read only when Terraform runs",
				"data.%s.%s はデータソースで、Terraform 実行時にしか読み取られません", typ, n))
		}
		if vars["data"] == cty.NilVal {
			vars["data"] = cty.ObjectVal(map[string]cty.Value{typ: cty.ObjectVal(m)})
		} else {
			all := vars["data"].AsValueMap()
			all[typ] = cty.ObjectVal(m)
			vars["data"] = cty.ObjectVal(all)
		}
	}
	for typ, names := range resRefs {
		m := map[string]cty.Value{}
		for n, ts := range names {
			m[n] = in.resourceRefValue(in.def.byAddr[typ+"."+n], ts)
		}
		vars[typ] = cty.ObjectVal(m)
	}
	if len(modRefs) > 0 {
		m := map[string]cty.Value{}
		for n, ts := range modRefs {
			m[n] = in.moduleRefValue(n, ts)
		}
		vars["module"] = cty.ObjectVal(m)
	}
	ctx.Variables = vars
	return ctx
}

// attrAt returns the attribute name at step i of a traversal.
func attrAt(t hcl.Traversal, i int) (string, bool) {
	if i >= len(t) {
		return "", false
	}
	switch s := t[i].(type) {
	case hcl.TraverseAttr:
		return s.Name, true
	case hcl.TraverseRoot:
		return s.Name, true
	}
	return "", false
}

// variables returns the object of this instance's input variables.
func (in *instance) variables() cty.Value {
	if in.varObj != cty.NilVal {
		return in.varObj
	}
	in.initVars()
	m := make(map[string]cty.Value, len(in.vars))
	for n, v := range in.vars {
		m[n] = v.val
	}
	in.varObj = cty.ObjectVal(m)
	return in.varObj
}

func (in *instance) initVars() {
	if in.vars != nil {
		return
	}
	in.vars = map[string]*varValue{}
	if in.parent == nil {
		in.vars = in.s.rootVariables(in.def, in.root)
		return
	}
	for name, d := range in.def.variables {
		vv := &varValue{name: name}
		if a := in.call.args[name]; a != nil {
			v := in.parent.evalValue(a.Expr, &in.rep)
			if v.IsKnown() && v.IsNull() && !d.nullable && d.dflt != nil {
				vv.val, vv.origin, vv.expr = d.dfltVal, model.OriginVariableDefault, d.dflt
			} else {
				vv.val, vv.origin, vv.expr = d.conform(v), model.OriginModuleArgument, a.Expr
			}
		} else if d.dflt != nil {
			vv.val, vv.origin, vv.expr = d.dfltVal, model.OriginVariableDefault, d.dflt
		} else {
			vv.val = unknownTyped(d.typ, model.T("module %q does not set its required input %q",
				"モジュール %q が必須の入力 %q を設定していません", in.addr, name))
		}
		vv.val = markIfSensitive(vv.val, d)
		in.vars[name] = vv
	}
}

// localObject returns the object of the named locals. Objects whose locals
// are all evaluated are cached: the same few locals are referenced by many
// expressions, and building cty objects is a large share of evaluation.
func (in *instance) localObject(names map[string]bool) cty.Value {
	var key string
	if len(names) == 1 {
		for n := range names {
			key = n
		}
	} else {
		sorted := make([]string, 0, len(names))
		for n := range names {
			sorted = append(sorted, n)
		}
		sort.Strings(sorted)
		key = strings.Join(sorted, "\x00")
	}
	if v, ok := in.localObjs[key]; ok {
		return v
	}
	m := make(map[string]cty.Value, len(names))
	done := true
	for n := range names {
		if v, ok := in.local(n); ok {
			m[n] = v
			if l := in.locals[n]; l == nil || l.state != lazyDone {
				done = false
			}
		}
	}
	obj := cty.ObjectVal(m)
	if done {
		if in.localObjs == nil {
			in.localObjs = map[string]cty.Value{}
		}
		in.localObjs[key] = obj
	}
	return obj
}

// local returns the value of a local, evaluating it on first use.
func (in *instance) local(name string) (cty.Value, bool) {
	a := in.def.locals[name]
	if a == nil {
		return cty.NilVal, false
	}
	l := in.locals[name]
	if l == nil {
		l = &lazy{size: -1}
		in.locals[name] = l
	}
	switch l.state {
	case lazyEvaluating:
		return invalidVal(model.T("local.%s refers to itself", "local.%s が自分自身を参照しています", name)), true
	case lazyDone:
		return l.val, true
	}
	l.state = lazyEvaluating
	l.val = in.evalValue(a.Expr, nil)
	l.state = lazyDone
	return l.val, true
}

// resourceAttr returns a configured argument of a resource instance, or a
// computed (unknown) value when it is not configured.
func (in *instance) resourceAttr(res *resourceDecl, r *rep, name string) cty.Value {
	key := attrKey{res: res, attr: name}
	if r != nil {
		key.key = r.addrKey
	}
	l := in.attrs[key]
	if l == nil {
		l = &lazy{size: -1}
		in.attrs[key] = l
	}
	switch l.state {
	case lazyEvaluating:
		return invalidVal(model.T("%s.%s refers to itself", "%s.%s が自分自身を参照しています", res.addr(), name))
	case lazyDone:
		return l.val
	}
	l.state = lazyEvaluating
	if a := res.attr(name); a != nil {
		l.val = in.evalValue(a.Expr, r)
	} else {
		ident := ""
		if id := identAttr(res.typ); id != "" && id != name {
			if a := res.attr(id); a != nil {
				if v, _ := unmark(in.evalValue(a.Expr, r)); v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
					ident = v.AsString()
				}
			}
		}
		l.val = computedVal(res.typ, in.prefix()+res.addr()+keyOf(r), name, ident)
	}
	l.state = lazyDone
	return l.val
}

func keyOf(r *rep) string {
	if r == nil {
		return ""
	}
	return r.addrKey
}

// identAttr is the argument holding a resource's AWS identifier.
func identAttr(typ string) string {
	switch typ {
	case "aws_rds_cluster":
		return "cluster_identifier"
	case "aws_rds_global_cluster":
		return "global_cluster_identifier"
	case "aws_rds_cluster_instance", "aws_db_instance":
		return "identifier"
	}
	return ""
}

// resourceRefValue is the value of "type.name" as the traversals use it: an
// object of the referenced arguments, or a tuple/object of instances.
func (in *instance) resourceRefValue(res *resourceDecl, ts []hcl.Traversal) cty.Value {
	if res.count == nil && res.forEach == nil {
		m := map[string]cty.Value{}
		for _, t := range ts {
			a, ok := attrAt(t, 2)
			if !ok {
				return unknownVal(model.T("%s is only fully known after terraform apply", "%s は terraform apply の後にしか確定しません", in.prefix()+res.addr()))
			}
			m[a] = in.resourceAttr(res, nil, a)
		}
		return cty.ObjectVal(m)
	}
	reps, unknown, _ := in.expandResource(res)
	if unknown {
		return unknownVal(model.T("the instances of %s are not known (count/for_each unresolved)",
			"%s のインスタンスが決まりません（count/for_each を解決できません）", in.prefix()+res.addr()))
	}
	names := map[string]bool{}
	for _, t := range ts {
		a, ok := attrAt(t, 3)
		if !ok {
			return unknownVal(model.T("%s is only fully known after terraform apply", "%s は terraform apply の後にしか確定しません", in.prefix()+res.addr()))
		}
		names[a] = true
	}
	objs := make([]cty.Value, len(reps))
	for i := range reps {
		m := map[string]cty.Value{}
		for a := range names {
			m[a] = in.resourceAttr(res, &reps[i], a)
		}
		objs[i] = cty.ObjectVal(m)
	}
	if res.count != nil {
		if len(objs) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(objs)
	}
	m := map[string]cty.Value{}
	for i, r := range reps {
		k, _ := unmark(r.key)
		m[k.AsString()] = objs[i]
	}
	return cty.ObjectVal(m)
}

// attrOf finds a top-level argument of a block body.
func attrOf(body hcl.Body, name string) *hcl.Attribute {
	if sb, ok := body.(*hclsyntax.Body); ok {
		if a := sb.Attributes[name]; a != nil {
			return a.AsHCLAttribute()
		}
		return nil
	}
	c, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: name}}})
	if c == nil {
		return nil
	}
	return c.Attributes[name]
}
