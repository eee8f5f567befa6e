package terraform

import (
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// instance is one module instance being evaluated: the root module, or a
// module call (one per count index or for_each key).
type instance struct {
	s      *scanner
	def    *moduleDef
	root   *rootModule
	addr   string   // "" for the root; "module.a[0].module.b"
	keys   []string // module call names from the root, for modules.json keys
	parent *instance
	call   *moduleCall
	rep    rep // the module call's count/for_each repetition, in the parent

	// expansionUnknown is set when this instance stands for a module call
	// whose count/for_each could not be resolved.
	expansionNote *model.Text

	vars       map[string]*varValue
	varObj     cty.Value
	locals     map[string]*lazy
	localObjs  map[string]cty.Value
	expansions map[*resourceDecl]*expansion
	outputs    map[string]*lazy
	attrs      map[attrKey]*lazy
	children   map[string]*childCall
}

type lazy struct {
	state int // 0 new, 1 evaluating, 2 done
	val   cty.Value
}

type attrKey struct {
	res  *resourceDecl
	key  string // instance key ("" when not expanded)
	attr string
}

// childCall is the expansion of one module call within an instance.
type childCall struct {
	insts   []*instance
	byKey   map[string]*instance
	keyed   int         // 0 single, 1 count, 2 for_each
	missing *model.Text // module not installed / not found: why
}

// rep is one repetition of a count or for_each block.
type rep struct {
	kind    int // 0 none, 1 count, 2 for_each
	index   cty.Value
	key     cty.Value
	value   cty.Value
	addrKey string         // "[0]" or `["prod"]`, "" when not expanded or unresolved
	forEach hcl.Expression // for tracing each.value back to its definition
	owner   *instance      // where forEach is evaluated
	ownRep  *rep           // the owner's repetition (module calls)
	obj     cty.Value      // count / each object, built on first use
}

// varValue is the value of one input variable of an instance, with where it came from.
type varValue struct {
	val    cty.Value
	origin model.OriginKind // "" when the variable has no value
	name   string
	expr   hcl.Expression // defining expression (default, tfvars value, module argument)
	// For OriginVarFlag / OriginEnvironment: the raw text (never copied into output).
}

func newInstance(s *scanner, def *moduleDef, root *rootModule) *instance {
	return &instance{s: s, def: def, root: root, locals: map[string]*lazy{}, outputs: map[string]*lazy{},
		attrs: map[attrKey]*lazy{}, children: map[string]*childCall{}}
}

// ---- evaluation -------------------------------------------------------------

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
	ctx := in.ctxFor(in.def.variablesOf(expr), r)
	v, diags = expr.Value(ctx)
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
			if r != nil && r.kind == 1 {
				vars["count"] = r.object()
			} else {
				vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": invalidVal(model.T(
					"count.index is used where there is no count", "count がない場所で count.index が使われています"))})
			}
		case "each":
			if r != nil && r.kind == 2 {
				vars["each"] = r.object()
			} else {
				bad := invalidVal(model.T("each is used where there is no for_each", "for_each がない場所で each が使われています"))
				vars["each"] = cty.ObjectVal(map[string]cty.Value{"key": bad, "value": bad})
			}
		case "path":
			vars["path"] = in.pathObject()
		case "terraform":
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
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
			if l := in.locals[n]; l == nil || l.state != 2 {
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
		l = &lazy{}
		in.locals[name] = l
	}
	switch l.state {
	case 1:
		return invalidVal(model.T("local.%s refers to itself", "local.%s が自分自身を参照しています", name)), true
	case 2:
		return l.val, true
	}
	l.state = 1
	l.val = in.evalValue(a.Expr, nil)
	l.state = 2
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
		l = &lazy{}
		in.attrs[key] = l
	}
	switch l.state {
	case 1:
		return invalidVal(model.T("%s.%s refers to itself", "%s.%s が自分自身を参照しています", res.addr(), name))
	case 2:
		return l.val
	}
	l.state = 1
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
	l.state = 2
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

// moduleRefValue is the value of "module.name": the outputs of the call's instances.
func (in *instance) moduleRefValue(name string, ts []hcl.Traversal) cty.Value {
	cc := in.child(name)
	if cc == nil {
		return invalidVal(model.T("module.%s is not declared", "module.%s は宣言されていません", name))
	}
	if cc.missing != nil {
		return unknownVal(*cc.missing)
	}
	if cc.keyed == 0 && len(cc.insts) == 1 && cc.insts[0].expansionNote == nil {
		return cc.insts[0].outputObject(ts, 2)
	}
	if len(cc.insts) == 1 && cc.insts[0].expansionNote != nil {
		return unknownVal(model.T("the instances of module.%s are not known (count/for_each unresolved)",
			"module.%s のインスタンスが決まりません（count/for_each を解決できません）", name))
	}
	objs := make([]cty.Value, len(cc.insts))
	for i, c := range cc.insts {
		objs[i] = c.outputObject(ts, 3)
	}
	if cc.keyed == 1 {
		if len(objs) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(objs)
	}
	m := map[string]cty.Value{}
	for i, c := range cc.insts {
		k, _ := unmark(c.rep.key)
		m[k.AsString()] = objs[i]
	}
	return cty.ObjectVal(m)
}

// outputObject evaluates the outputs the traversals use (name at step i), or all.
func (in *instance) outputObject(ts []hcl.Traversal, i int) cty.Value {
	names := map[string]bool{}
	for _, t := range ts {
		n, ok := attrAt(t, i)
		if !ok {
			names = nil
			break
		}
		names[n] = true
	}
	m := map[string]cty.Value{}
	for n := range in.def.outputs {
		if names != nil && !names[n] {
			continue
		}
		m[n] = in.output(n)
	}
	return cty.ObjectVal(m)
}

func (in *instance) output(name string) cty.Value {
	l := in.outputs[name]
	if l == nil {
		l = &lazy{}
		in.outputs[name] = l
	}
	switch l.state {
	case 1:
		return invalidVal(model.T("output %q refers to itself", "output %q が自分自身を参照しています", name))
	case 2:
		return l.val
	}
	l.state = 1
	l.val = in.evalValue(in.def.outputs[name].Expr, nil)
	l.state = 2
	return l.val
}

// prefix is the address prefix of resources in this instance ("module.a.").
func (in *instance) prefix() string {
	if in.addr == "" {
		return ""
	}
	return in.addr + "."
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

// ---- count / for_each ------------------------------------------------------

// expand resolves count or for_each (evaluated in this instance, for the
// owner's repetition when the block is a module call). When they cannot be
// resolved it returns one repetition with unknown count.index / each.*,
// unknown = true and the reason.
func (in *instance) expand(count, forEach *hcl.Attribute, ownRep *rep) (reps []rep, unknown bool, why model.Text) {
	switch {
	case count != nil:
		v, ms := unmark(in.evalValue(count.Expr, ownRep))
		once := func(why model.Text) ([]rep, bool, model.Text) {
			return []rep{{kind: 1, index: unknownTyped(cty.Number, why)}}, true, why
		}
		if !v.IsKnown() {
			rs := collectReasons(ms)
			if len(rs.invalid) > 0 {
				return once(joinReasons(rs.invalid))
			}
			return once(model.Join(model.T(": ", "："), model.T("count at %s could not be resolved", "%s の count を解決できません",
				loc(count.Expr.Range()).String()), joinReasons(rs.unknown)))
		}
		n, err := convertSafe(v, cty.Number)
		if err != nil || n.IsNull() {
			return once(model.T("count at %s is not a number (got %s)", "%s の count が数値ではありません（%s）",
				loc(count.Expr.Range()).String(), typeName(v)))
		}
		bf := n.AsBigFloat()
		i64, acc := bf.Int64()
		if acc != big.Exact || i64 < 0 || i64 > 100000 {
			return once(model.T("count at %s must be a whole number from 0, got %s", "%s の count は 0 以上の整数である必要があります（%s）",
				loc(count.Expr.Range()).String(), bf.Text('g', 10)))
		}
		for i := int64(0); i < i64; i++ {
			reps = append(reps, rep{kind: 1, index: cty.NumberIntVal(i), addrKey: "[" + strconv.FormatInt(i, 10) + "]"})
		}
		return reps, false, model.Text{}
	case forEach != nil:
		raw := in.evalValue(forEach.Expr, ownRep)
		v, ms := unmark(raw)
		once := func(why model.Text) ([]rep, bool, model.Text) {
			u := unknownVal(why)
			return []rep{{kind: 2, key: unknownTyped(cty.String, why), value: u, forEach: forEach.Expr, owner: in, ownRep: ownRep}}, true, why
		}
		where := loc(forEach.Expr.Range()).String()
		if !v.IsWhollyKnown() {
			rs := collectReasons(ms)
			if len(rs.invalid) > 0 && !v.IsKnown() {
				return once(joinReasons(rs.invalid))
			}
			return once(model.Join(model.T(": ", "："), model.T("for_each at %s could not be resolved", "%s の for_each を解決できません", where),
				joinReasons(rs.unknown)))
		}
		if v.IsNull() {
			return once(model.T("for_each at %s is null", "%s の for_each が null です", where))
		}
		ty := v.Type()
		switch {
		case ty.IsMapType() || ty.IsObjectType():
			keys := make([]string, 0, v.LengthInt())
			vals := map[string]cty.Value{}
			for it := v.ElementIterator(); it.Next(); {
				k, e := it.Element()
				keys = append(keys, k.AsString())
				vals[k.AsString()] = e
			}
			sort.Strings(keys)
			marked := len(ms) > 0
			for _, k := range keys {
				val := vals[k]
				if marked {
					val = reattach(raw, k, val)
				}
				reps = append(reps, rep{kind: 2, key: cty.StringVal(k), value: val,
					addrKey: "[" + strconv.Quote(k) + "]", forEach: forEach.Expr, owner: in, ownRep: ownRep})
			}
			return reps, false, model.Text{}
		case ty.IsSetType() && (ty.ElementType() == cty.String || ty.ElementType() == cty.DynamicPseudoType):
			var keys []string
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.IsNull() || e.Type() != cty.String {
					return once(model.T("for_each at %s holds a value that is not a string", "%s の for_each に文字列でない値があります", where))
				}
				keys = append(keys, e.AsString())
			}
			sort.Strings(keys)
			for _, k := range keys {
				reps = append(reps, rep{kind: 2, key: cty.StringVal(k), value: cty.StringVal(k),
					addrKey: "[" + strconv.Quote(k) + "]", forEach: forEach.Expr, owner: in, ownRep: ownRep})
			}
			return reps, false, model.Text{}
		}
		return once(model.T("for_each at %s must be a map or a set of strings, got %s (use toset() for a list)",
			"%s の for_each はマップか文字列のセットである必要があります（%s。リストには toset() を使います）", where, typeName(v)))
	}
	return []rep{{}}, false, model.Text{}
}

type expansion struct {
	reps    []rep
	unknown bool
	why     model.Text
}

// expandResource expands a resource's count/for_each once per instance, so
// that references and relations see the same repetitions (and their cached
// argument values).
func (in *instance) expandResource(res *resourceDecl) ([]rep, bool, model.Text) {
	if e, ok := in.expansions[res]; ok {
		return e.reps, e.unknown, e.why
	}
	reps, unknown, why := in.expand(res.count, res.forEach, nil)
	if in.expansions == nil {
		in.expansions = map[*resourceDecl]*expansion{}
	}
	in.expansions[res] = &expansion{reps: reps, unknown: unknown, why: why}
	return reps, unknown, why
}

// reattach returns element k of a possibly marked collection, keeping the
// marks of that element (so each.value still says why a part is unknown).
func reattach(raw cty.Value, k string, plain cty.Value) (out cty.Value) {
	defer func() {
		if recover() != nil {
			out = plain
		}
	}()
	c, _ := raw.Unmark()
	if c.Type().IsObjectType() {
		return c.GetAttr(k)
	}
	return c.Index(cty.StringVal(k))
}

// ---- module calls ------------------------------------------------------------

// child expands a module call of this instance (once).
func (in *instance) child(name string) *childCall {
	if cc, ok := in.children[name]; ok {
		return cc
	}
	call := in.def.callByKey[name]
	if call == nil || len(in.keys) >= maxModuleDepth {
		return nil
	}
	cc := &childCall{byKey: map[string]*instance{}}
	in.children[name] = cc
	def, missing := in.s.resolveCall(in, call)
	if def == nil {
		cc.missing = missing
		return cc
	}
	reps, unknown, why := in.expand(call.count, call.forEach, nil)
	switch {
	case call.count != nil:
		cc.keyed = 1
	case call.forEach != nil:
		cc.keyed = 2
	}
	for i := range reps {
		c := newInstance(in.s, def, in.root)
		c.parent, c.call, c.rep = in, call, reps[i]
		c.keys = append(append([]string{}, in.keys...), call.name)
		c.addr = in.prefix() + "module." + call.name + reps[i].addrKey
		if unknown {
			n := model.Join(model.T(" ", ""), model.T("The count/for_each of module.%s could not be resolved, so it was evaluated once.",
				"module.%s の count/for_each を解決できないため、1 回だけ評価しました。", call.name), why)
			c.expansionNote = &n
		} else if in.expansionNote != nil {
			c.expansionNote = in.expansionNote
		}
		cc.insts = append(cc.insts, c)
		cc.byKey[reps[i].addrKey] = c
	}
	return cc
}

// resolveCall finds the directory of a module call: local paths relative to
// the calling module, anything else through .terraform/modules/modules.json.
func (s *scanner) resolveCall(in *instance, call *moduleCall) (*moduleDef, *model.Text) {
	addr := in.prefix() + "module." + call.name
	if !call.hasSource {
		t := model.T("%s has no constant source", "%s に定数の source がありません", addr)
		return nil, &t
	}
	if isLocalSource(call.source) {
		dir := filepath.Join(in.def.dir, filepath.FromSlash(call.source))
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			t := model.T("%s: the local module directory %q does not exist", "%s：ローカルモジュールのディレクトリ %q が存在しません", addr, call.source)
			key := "local|" + loc(call.sourceRange).String()
			if !in.root.reported[key] {
				in.root.reported[key] = true
				in.root.diags = append(in.root.diags, model.Diagnostic{
					Status:   model.StatusError,
					Reason:   model.ReasonReadError,
					Location: loc(call.sourceRange),
					Resource: model.Resource{Kind: model.SourceTerraform, Type: "module", Address: addr},
					Message: model.T("Module %s calls the local module %q, which does not exist (expected a directory %s), so the clusters it would declare were not evaluated.",
						"モジュール %s が呼び出すローカルモジュール %q が存在しないため（ディレクトリ %s が必要です）、その中のクラスターは評価されていません。",
						addr, call.source, s.rel(dir)),
					Remediation: model.T("Fix the source path of %s.", "%s の source のパスを修正してください。", addr),
				})
			}
			return nil, &t
		}
		return s.loadModule(dir), nil
	}
	key := strings.Join(append(append([]string{}, in.keys...), call.name), ".")
	if in.root.modules != nil {
		if d, ok := in.root.modules[key]; ok {
			dir := d
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(in.root.dir, filepath.FromSlash(d))
			}
			return s.loadModule(filepath.Clean(dir)), nil
		}
	}
	t := model.T("%s (source %q) is not installed: run terraform init in %s",
		"%s（source %q）がインストールされていません。%s で terraform init を実行してください", addr, call.source, in.root.rel)
	if !in.root.reported[key] {
		in.root.reported[key] = true
		l := loc(call.decl)
		in.root.diags = append(in.root.diags, model.Diagnostic{
			Status:   model.StatusUnknown,
			Reason:   model.ReasonModuleNotInstalled,
			Location: l,
			Resource: model.Resource{Kind: model.SourceTerraform, Type: "module", Address: addr},
			Message: model.T("Module %s (source %q) is not installed, so the clusters it declares were not evaluated.",
				"モジュール %s（source %q）がインストールされていないため、その中で宣言されたクラスターは評価されていません。", addr, call.source),
			Remediation: model.T("Run terraform init in %s (it downloads the module into .terraform/modules), then scan again.",
				"%s で terraform init を実行し（モジュールが .terraform/modules にダウンロードされます）、再度スキャンしてください。", in.root.rel),
		})
	}
	return nil, &t
}

// object is the value of count or each for this repetition, built once.
func (r *rep) object() cty.Value {
	if r.obj != cty.NilVal {
		return r.obj
	}
	if r.kind == 1 {
		r.obj = cty.ObjectVal(map[string]cty.Value{"index": r.index})
	} else {
		r.obj = cty.ObjectVal(map[string]cty.Value{"key": r.key, "value": r.value})
	}
	return r.obj
}
