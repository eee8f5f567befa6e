package cloudformation

import (
	"sort"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// knownTransforms are the transforms whose effect on DB clusters kumoguard
// knows: SAM leaves AWS::RDS::DBCluster alone, and the language extensions
// only add functions.
var knownTransforms = map[string]bool{"AWS::Serverless-2016-10-31": true, "AWS::LanguageExtensions": true}

// check validates the whole template once, whatever the parameter values:
// unreadable nodes (unknown tags), Ref, Fn::GetAtt, Condition and Fn::Sub
// names that point at nothing, intrinsic functions of the wrong shape, and
// Defaults outside their AllowedValues. Problems inside the DBCluster
// properties that become model values are left to the cluster's values, so
// that they are reported once, on the cluster.
func (t *template) check() {
	if t.broken {
		return
	}
	for _, name := range t.paramOrder {
		d := t.params[name]
		if v, ok := scalarString(d.def); ok {
			if why := d.checkValue(v); why != nil {
				t.diag(model.ReasonInvalidValue, d.def.pos, bi("the Default of %s (CloudFormation rejects the template)", "%s の Default です（CloudFormation はテンプレートを拒否します）", *why))
			}
		} else if d.def != nil {
			t.diag(model.ReasonInvalidValue, d.def.pos, model.T("the Default of parameter %q is %s (expected a string or number)", "パラメータ %q の Default が %s です（文字列または数値が必要です）", name, d.def.describe()))
		}
	}
	for _, name := range sortedKeys(t.conditions) {
		t.walk(t.conditions[name], true)
	}
	for _, id := range t.resOrder {
		r := t.resources[id]
		if r.typ == "Fn::ForEach" {
			continue // reported by each stack that cannot expand it
		}
		if r.cond != "" {
			if _, ok := t.conditions[r.cond]; !ok {
				t.diag(model.ReasonReferenceError, r.condPos, model.T("resource %q has Condition %q, which is not declared in Conditions", "リソース %q の Condition %q は Conditions に宣言されていません", id, r.cond))
			}
		}
		if dep := r.n.get("DependsOn"); dep != nil {
			deps := []*node{dep}
			if dep.kind == kindSeq {
				deps = dep.vals
			}
			for _, d := range deps {
				if d.kind == kindString {
					if _, ok := t.resources[d.str]; !ok && !t.pendingLoops {
						t.diag(model.ReasonReferenceError, d.pos, model.T("resource %q DependsOn %q, which is not a resource of the template", "リソース %q の DependsOn %q はテンプレートのリソースではありません", id, d.str))
					}
				}
			}
		}
		if r.props == nil {
			continue
		}
		if r.typ == clusterType && r.props.kind == kindMap {
			for i, k := range r.props.keys {
				if !valueProperties[k] {
					t.walk(r.props.vals[i], false)
				}
			}
			continue
		}
		t.walk(r.props, false)
	}
	if t.outputs != nil {
		for _, v := range t.outputs.vals {
			t.walk(v, false)
		}
	}
}

func sortedKeys(m map[string]*node) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// declaresType reports whether a tree (an Fn::ForEach body) holds a Type
// key with the given value. Each node is looked at once: YAML aliases can
// make the paths through a tree exponentially many.
func declaresType(n *node, typ string) bool {
	seen := map[*node]bool{}
	var rec func(n *node, depth int) bool
	rec = func(n *node, depth int) bool {
		if n == nil || depth > maxDepth || seen[n] {
			return false
		}
		seen[n] = true
		for i, k := range n.keys {
			if k == "Type" && n.vals[i].kind == kindString && n.vals[i].str == typ {
				return true
			}
		}
		for _, v := range n.vals {
			if rec(v, depth+1) {
				return true
			}
		}
		return false
	}
	return rec(n, 0)
}

// arity lists the argument counts of list-taking functions: min, max.
var arity = map[string][2]int{
	"Fn::Equals": {2, 2}, "Fn::Not": {1, 1}, "Fn::And": {2, 10}, "Fn::Or": {2, 10}, "Fn::If": {3, 3},
	"Fn::Join": {2, 2}, "Fn::Split": {2, 2}, "Fn::Select": {2, 2}, "Fn::FindInMap": {3, 4}, "Fn::GetAtt": {2, 2},
}

var knownFunctions = map[string]bool{
	"Ref": true, "Condition": true, "Fn::Sub": true, "Fn::Base64": true, "Fn::GetAZs": true, "Fn::ImportValue": true,
	"Fn::Cidr": true, "Fn::Transform": true, "Fn::Length": true, "Fn::ToJsonString": true,
}

func (t *template) walk(n *node, inCondition bool) {
	t.walkDepth(n, inCondition, 0)
}

func (t *template) walkDepth(n *node, inCondition bool, depth int) {
	if n == nil || depth > maxDepth {
		return
	}
	switch n.kind {
	case kindBad:
		if !n.limit { // a limit is reported once, for the file
			t.diag(model.ReasonParseError, n.pos, *n.bad)
		}
		return
	case kindSeq:
		for _, v := range n.vals {
			t.walkDepth(v, inCondition, depth+1)
		}
		return
	case kindMap:
	default:
		return
	}
	fn, arg, ok := n.intrinsic()
	if !ok {
		for _, v := range n.vals {
			t.walkDepth(v, inCondition, depth+1)
		}
		return
	}
	if a, has := arity[fn]; has {
		if arg.kind != kindSeq || len(arg.vals) < a[0] || len(arg.vals) > a[1] {
			want := a[0]
			t.diag(model.ReasonInvalidValue, n.pos, model.T("%s takes a list of %d arguments, not %s", "%s には %d 個の引数のリストが必要です（%s ではなく）", fn, want, arg.describe()))
			return
		}
	} else if !knownFunctions[fn] {
		t.diag(model.ReasonInvalidValue, n.pos, model.T("unknown intrinsic function %s", "不明な組み込み関数 %s", fn))
		return
	}
	switch fn {
	case "Ref":
		if arg.kind != kindString {
			t.diag(model.ReasonInvalidValue, arg.pos, model.T("Ref takes a name, not %s", "Ref には名前が必要です（%s ではなく）", arg.describe()))
			return
		}
		t.checkName(arg.str, arg.pos)
		return
	case "Condition":
		if arg.kind == kindString {
			t.checkCondition(arg.str, arg.pos)
		}
		return
	case "Fn::If":
		if c := arg.vals[0]; c.kind == kindString {
			t.checkCondition(c.str, c.pos)
		}
		t.walkDepth(arg.vals[1], inCondition, depth+1)
		t.walkDepth(arg.vals[2], inCondition, depth+1)
		return
	case "Fn::GetAtt":
		if r := arg.vals[0]; r.kind == kindString {
			if _, ok := t.resources[r.str]; !ok && !t.pendingLoops {
				t.diag(model.ReasonReferenceError, r.pos, model.T("Fn::GetAtt refers to %q, which is not a resource of the template", "Fn::GetAtt が参照する %q はテンプレートのリソースではありません", r.str))
			}
		}
		return
	case "Fn::FindInMap":
		if m := arg.vals[0]; m.kind == kindString {
			mp := t.mappings.get(m.str)
			if mp == nil {
				t.diag(model.ReasonReferenceError, m.pos, model.T("Fn::FindInMap refers to map %q, which is not declared in Mappings", "Fn::FindInMap が参照するマップ %q は Mappings に宣言されていません", m.str))
			} else if k1 := arg.vals[1]; k1.kind == kindString && len(arg.vals) == 3 {
				if top := mp.get(k1.str); top == nil {
					t.diag(model.ReasonReferenceError, k1.pos, model.T("Fn::FindInMap: map %q has no key %q", "Fn::FindInMap：マップ %q にキー %q がありません", m.str, k1.str))
				} else if k2 := arg.vals[2]; k2.kind == kindString && top.get(k2.str) == nil {
					t.diag(model.ReasonReferenceError, k2.pos, model.T("Fn::FindInMap: map %q has no key %q under %q", "Fn::FindInMap：マップ %[1]q の %[3]q にキー %[2]q がありません", m.str, k2.str, k1.str))
				}
			}
		}
	case "Fn::Sub":
		str, vars := arg, (*node)(nil)
		if arg.kind == kindSeq && len(arg.vals) == 2 {
			str, vars = arg.vals[0], arg.vals[1]
			t.walkDepth(vars, inCondition, depth+1)
		}
		if str.kind != kindString {
			t.diag(model.ReasonInvalidValue, str.pos, model.T("Fn::Sub takes a string or [string, {variables}], not %s", "Fn::Sub には文字列または [文字列, {変数}] が必要です（%s ではなく）", str.describe()))
			return
		}
		parts, ok := parseSub(str.str)
		if !ok {
			t.diag(model.ReasonInvalidValue, str.pos, model.T("Fn::Sub string has a ${ without its closing }", "Fn::Sub の文字列に閉じ括弧 } のない ${ があります"))
			return
		}
		for _, p := range parts {
			if !p.isVar || vars.get(p.text) != nil {
				continue
			}
			name := p.text
			if res, _, dotted := strings.Cut(name, "."); dotted && !pseudoParameters[name] {
				if _, ok := t.resources[res]; !ok && !t.pendingLoops {
					t.diag(model.ReasonReferenceError, str.pos, model.T("Fn::Sub variable ${%s} refers to %q, which is not a resource of the template", "Fn::Sub の変数 ${%s} が参照する %q はテンプレートのリソースではありません", name, res))
				}
				continue
			}
			t.checkName(name, str.pos)
		}
		return
	}
	t.walkDepth(arg, inCondition, depth+1)
}

func (t *template) checkName(name string, p pos) {
	if _, ok := t.params[name]; ok {
		return
	}
	if _, ok := t.resources[name]; ok || pseudoParameters[name] || t.pendingLoops {
		return
	}
	t.diag(model.ReasonReferenceError, p, model.T("Ref to %q: the template declares no parameter or resource of that name", "%q への Ref：その名前のパラメータもリソースもテンプレートにありません", name))
}

func (t *template) checkCondition(name string, p pos) {
	if _, ok := t.conditions[name]; !ok && !t.pendingLoops {
		t.diag(model.ReasonReferenceError, p, model.T("condition %q is not declared in Conditions", "条件 %q は Conditions に宣言されていません", name))
	}
}
