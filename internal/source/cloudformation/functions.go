package cloudformation

import (
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// subPart is a piece of an Fn::Sub string: literal text, or a ${variable}.
type subPart struct {
	text  string
	isVar bool
}

// parseSub splits an Fn::Sub string. ${!Literal} is the literal text
// ${Literal}. It returns false for a ${ without its closing brace.
func parseSub(s string) ([]subPart, bool) {
	var parts []subPart
	var lit strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit.WriteString(s)
			break
		}
		lit.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return nil, false
		}
		name := rest[:j]
		if strings.HasPrefix(name, "!") {
			lit.WriteString("${" + name[1:] + "}")
		} else {
			if lit.Len() > 0 {
				parts = append(parts, subPart{text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, subPart{text: strings.TrimSpace(name), isVar: true})
		}
		s = rest[j+1:]
	}
	if lit.Len() > 0 {
		parts = append(parts, subPart{text: lit.String()})
	}
	return parts, true
}

func (s *stack) evalSub(arg *node, use model.Location, w *world, depth int) result {
	str := arg
	var vars *node
	if arg.kind == kindSeq {
		if len(arg.vals) != 2 || arg.vals[1].kind != kindMap {
			return invalid(use, model.T("Fn::Sub takes a string or [string, {variables}], not %s", "Fn::Sub には文字列または [文字列, {変数}] が必要です（%s ではなく）", arg.describe()))
		}
		str, vars = arg.vals[0], arg.vals[1]
	}
	if str.kind != kindString {
		return invalid(use, model.T("Fn::Sub takes a string, not %s", "Fn::Sub には文字列が必要です（%s ではなく）", str.describe()))
	}
	parts, ok := parseSub(str.str)
	if !ok {
		return invalid(use, model.T("Fn::Sub string %q has a ${ without its closing }", "Fn::Sub の文字列 %q に閉じ括弧 } のない ${ があります", str.str))
	}
	args := make([]result, len(parts))
	for i, p := range parts {
		if !p.isVar {
			args[i] = knownString(p.text, use)
			continue
		}
		if v := vars.get(p.text); v != nil {
			args[i] = s.eval(v, w, depth+1)
		} else if res, attr, dotted := strings.Cut(p.text, "."); dotted && !pseudoParameters[p.text] {
			args[i] = s.getAtt(res, attr, use, w, depth)
		} else {
			args[i] = s.ref(p.text, use, w, depth)
		}
		if args[i].kind == resFork || args[i].kind == resInvalid {
			return args[i]
		}
	}
	r := lift(use, args, func(a []result) result {
		var size int64
		for i, x := range a {
			if x.kind == resNoValue || !x.isScalar() {
				return invalid(use, model.T("Fn::Sub variable ${%s} is not a string", "Fn::Sub の変数 ${%s} が文字列ではありません", parts[i].text))
			}
			size += int64(len(x.s))
		}
		if !s.b.charge(limBytes, size) {
			return s.over(limBytes, use)
		}
		var b strings.Builder
		b.Grow(int(size))
		for _, x := range a {
			b.WriteString(x.s)
		}
		return knownString(b.String(), use)
	})
	// A Sub that only wraps one variable passes on that value's provenance.
	if r.kind == resKnown && len(parts) == 1 && parts[0].isVar {
		r.prov = args[0].prov
	}
	return r
}

func (s *stack) evalFindInMap(arg *node, use model.Location, w *world, depth int) result {
	if arg.kind != kindSeq || len(arg.vals) < 3 || len(arg.vals) > 4 {
		return invalid(use, model.T("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey], not %s", "Fn::FindInMap には [MapName, TopLevelKey, SecondLevelKey] が必要です（%s ではなく）", arg.describe()))
	}
	var def *node
	if len(arg.vals) == 4 {
		// AWS::LanguageExtensions: {DefaultValue: x} when a key is missing.
		def = arg.vals[3].get("DefaultValue")
		if def == nil {
			return invalid(use, model.T("the fourth Fn::FindInMap argument must be {DefaultValue: ...}", "Fn::FindInMap の 4 番目の引数は {DefaultValue: ...} である必要があります"))
		}
	}
	args := []result{s.eval(arg.vals[0], w, depth+1), s.eval(arg.vals[1], w, depth+1), s.eval(arg.vals[2], w, depth+1)}
	return lift(use, args, func(a []result) result {
		for _, x := range a {
			if !x.isScalar() {
				return invalid(use, model.T("Fn::FindInMap keys must be strings", "Fn::FindInMap のキーは文字列である必要があります"))
			}
		}
		m := s.t.mappings.get(a[0].s)
		if m == nil {
			return invalid(use, model.T("Fn::FindInMap: Mappings has no map %q", "Fn::FindInMap：Mappings にマップ %q がありません", a[0].s))
		}
		top := m.get(a[1].s)
		var v *node
		if top != nil {
			v = top.get(a[2].s)
		}
		if v == nil {
			if def != nil {
				return s.eval(def, w, depth+1)
			}
			if top == nil {
				return invalid(use, model.T("Fn::FindInMap: map %q has no key %q", "Fn::FindInMap：マップ %q にキー %q がありません", a[0].s, a[1].s))
			}
			return invalid(use, model.T("Fn::FindInMap: map %q has no key %q under %q", "Fn::FindInMap：マップ %q の %q にキー %q がありません", a[0].s, a[2].s, a[1].s))
		}
		r := s.eval(v, w, depth+1)
		if r.kind == resKnown {
			r.prov = append([]model.Origin{{Kind: model.OriginMapping, Name: a[0].s + "." + a[1].s + "." + a[2].s, Location: s.t.loc(v.pos)}}, r.prov...)
			r.use = use
		}
		return r
	})
}

func (s *stack) evalGetAtt(arg *node, use model.Location, w *world, depth int) result {
	if arg.kind != kindSeq || len(arg.vals) != 2 || arg.vals[0].kind != kindString {
		return invalid(use, model.T("Fn::GetAtt takes [LogicalId, Attribute], not %s", "Fn::GetAtt には [論理 ID, 属性] が必要です（%s ではなく）", arg.describe()))
	}
	attr := s.eval(arg.vals[1], w, depth+1)
	if attr.kind == resFork || attr.kind == resInvalid {
		return attr
	}
	if !attr.isScalar() {
		return unknown(use, model.T("the attribute name of Fn::GetAtt %s is not known", "Fn::GetAtt %s の属性名が不明です", arg.vals[0].str))
	}
	return s.getAtt(arg.vals[0].str, attr.s, use, w, depth)
}

func (s *stack) getAtt(resID, attr string, use model.Location, w *world, depth int) result {
	r, ok := s.t.resources[resID]
	if !ok {
		return invalid(use, model.T("Fn::GetAtt %s.%s: the template declares no resource %q", "Fn::GetAtt %s.%s：テンプレートにリソース %q がありません", resID, attr, resID))
	}
	if out, isOutput := strings.CutPrefix(attr, "Outputs."); isOutput && isNestedStackType(r.typ) {
		return s.nestedOutput(r, out, use, w, depth)
	}
	return unknown(use, model.T("attribute %s of resource %q is known only when the stack is deployed", "リソース %[2]q の属性 %[1]s はスタックのデプロイ時にしか分かりません", attr, resID))
}
