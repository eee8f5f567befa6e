package terraform

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Module calls: a call expanded into child instances, the called module
// found (local path or .terraform/modules), and its outputs read by
// module.NAME references.

// childCall is the expansion of one module call within an instance.
type childCall struct {
	insts   []*instance
	byKey   map[string]*instance
	keyed   expansionKind
	missing *model.Text // module not installed / not found: why
}

// child expands a module call of this instance (once).
func (in *instance) child(name string) *childCall {
	if cc, ok := in.children[name]; ok {
		return cc
	}
	call := in.def.callByKey[name]
	if call == nil {
		return nil
	}
	cc := &childCall{byKey: map[string]*instance{}}
	in.children[name] = cc
	if len(in.keys) >= maxModuleDepth {
		cc.missing = in.depthExceeded(call)
		return cc
	}
	def, missing := in.s.resolveCall(in, call)
	if def == nil {
		cc.missing = missing
		return cc
	}
	if t := in.cycle(call, def); t != nil {
		cc.missing = t
		return cc
	}
	reps, unknown, why := in.expand(call.count, call.forEach, nil)
	switch {
	case call.count != nil:
		cc.keyed = expandCount
	case call.forEach != nil:
		cc.keyed = expandForEach
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

// cycle reports a module call whose module is already being evaluated by
// this instance or one of its callers (a module that calls itself, directly
// or through others: Terraform rejects it), as an ERROR at the call's source.
func (in *instance) cycle(call *moduleCall, def *moduleDef) *model.Text {
	var chain []string
	found := false
	for p := in; p != nil; p = p.parent {
		chain = append(chain, p.def.rel)
		if p.def == def {
			found = true
			break
		}
	}
	if !found {
		return nil
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	path := strings.Join(append(chain, def.rel), " → ")
	addr := in.prefix() + "module." + call.name
	t := model.T("%s calls %s, which is already being evaluated: the module calls itself (%s)",
		"%s が評価中の %s を呼び出しています。モジュールが自分自身を呼び出しています（%s）", addr, def.rel, path)
	l := loc(call.sourceRange)
	key := "cycle|" + l.String()
	if !in.root.reported[key] {
		in.root.reported[key] = true
		in.root.diags = append(in.root.diags, model.Diagnostic{
			Status:   model.StatusError,
			Reason:   model.ReasonModuleCycle,
			Location: l,
			Resource: model.Resource{Kind: model.SourceTerraform, Type: "module", Address: addr},
			Message: model.T("Module %s calls %s, which is already being evaluated: the module calls itself (%s). Terraform rejects this configuration; the clusters below this call were not evaluated.",
				"モジュール %s が評価中の %s を呼び出しています。モジュールが自分自身を呼び出しています（%s）。Terraform はこの構成を受け付けません。この呼び出しより下のクラスターは評価されていません。",
				addr, def.rel, path),
			Remediation: model.T("Change the source of %s so that no module calls itself, directly or through other modules.",
				"%s の source を変更し、モジュールが直接または他のモジュール経由で自分自身を呼び出さないようにしてください。", addr),
		})
	}
	return &t
}

// depthExceeded reports a module call nested deeper than maxModuleDepth.
func (in *instance) depthExceeded(call *moduleCall) *model.Text {
	addr := in.prefix() + "module." + call.name
	t := model.T("%s is nested more than %d modules deep", "%s はモジュールの入れ子が %d 段を超えています", addr, maxModuleDepth)
	l := loc(call.decl)
	in.root.limitHit(l, model.Resource{Kind: model.SourceTerraform, Type: "module", Address: addr},
		model.T("module nesting depth (%d)", "モジュールの入れ子の深さ（%d）", maxModuleDepth))
	return &t
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

// moduleRefValue is the value of "module.name": the outputs of the call's instances.
func (in *instance) moduleRefValue(name string, ts []hcl.Traversal) cty.Value {
	cc := in.child(name)
	if cc == nil {
		return invalidVal(model.T("module.%s is not declared", "module.%s は宣言されていません", name))
	}
	if cc.missing != nil {
		return unknownVal(*cc.missing)
	}
	if cc.keyed == expandNone && len(cc.insts) == 1 && cc.insts[0].expansionNote == nil {
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
	if cc.keyed == expandCount {
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
		l = &lazy{size: -1}
		in.outputs[name] = l
	}
	switch l.state {
	case lazyEvaluating:
		return invalidVal(model.T("output %q refers to itself", "output %q が自分自身を参照しています", name))
	case lazyDone:
		return l.val
	}
	l.state = lazyEvaluating
	l.val = in.evalValue(in.def.outputs[name].Expr, nil)
	l.state = lazyDone
	return l.val
}
