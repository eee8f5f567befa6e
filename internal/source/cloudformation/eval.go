package cloudformation

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// pseudoParameters are CloudFormation's AWS:: parameters.
var pseudoParameters = map[string]bool{
	"AWS::AccountId": true, "AWS::NotificationARNs": true, "AWS::NoValue": true, "AWS::Partition": true,
	"AWS::Region": true, "AWS::StackId": true, "AWS::StackName": true, "AWS::URLSuffix": true,
}

// eval evaluates one expression of the stack in world w.
func (s *stack) eval(n *node, w *world, depth int) result {
	if n == nil {
		return result{kind: resNoValue}
	}
	use := s.t.loc(n.pos)
	if depth > maxDepth {
		return invalid(use, model.T("expression nested deeper than %d levels", "式のネストが %d 階層を超えています", maxDepth))
	}
	// A literal string counts once per KiB: scanning it costs that much.
	if !s.b.charge(limSteps, 1+int64(len(n.str)>>10)) {
		return s.over(limSteps, use)
	}
	if w.steps != nil {
		if *w.steps++; *w.steps > maxSteps {
			return s.overValue(use)
		}
	}
	switch n.kind {
	case kindBad:
		return invalid(use, *n.bad)
	case kindSeq:
		out := result{kind: resKnown, sk: kindSeq, use: use, list: make([]result, 0, len(n.vals))}
		for _, e := range n.vals {
			r := s.eval(e, w, depth+1)
			switch r.kind {
			case resFork, resInvalid:
				return r
			case resNoValue:
				continue // AWS::NoValue in a list removes the item
			}
			out.list = append(out.list, r)
		}
		return out
	case kindMap:
		fn, arg, ok := n.intrinsic()
		if !ok {
			return result{kind: resKnown, sk: kindMap, obj: n, use: use}
		}
		return s.evalIntrinsic(fn, arg, n, w, depth)
	}
	if n.kind == kindString && strings.Contains(n.str, "{{resolve:") {
		return unknown(use, model.T("%q is a dynamic reference resolved from SSM Parameter Store or Secrets Manager when the stack is deployed",
			"%q は、スタックのデプロイ時に SSM パラメータストアまたは Secrets Manager から解決される動的参照です", n.str))
	}
	return known(n.str, n.kind, use)
}

func (s *stack) evalIntrinsic(fn string, arg, n *node, w *world, depth int) result {
	use := s.t.loc(n.pos)
	switch fn {
	case "Ref":
		if arg.kind != kindString {
			return invalid(use, model.T("Ref takes a parameter or resource name, not %s", "Ref にはパラメータ名またはリソース名が必要です（%s ではなく）", arg.describe()))
		}
		return s.ref(arg.str, use, w, depth)
	case "Condition":
		if arg.kind != kindString {
			return invalid(use, model.T("Condition takes a condition name, not %s", "Condition には条件名が必要です（%s ではなく）", arg.describe()))
		}
		return s.condition(arg.str, arg.pos, w, nil)
	case "Fn::If":
		return s.evalIf(arg, use, w, depth)
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
		return s.condExpr(n, w, nil, depth)
	case "Fn::Sub":
		return s.evalSub(arg, use, w, depth)
	case "Fn::FindInMap":
		return s.evalFindInMap(arg, use, w, depth)
	case "Fn::Join":
		if arg.kind != kindSeq || len(arg.vals) != 2 {
			return invalid(use, model.T("Fn::Join takes [delimiter, [values...]], not %s", "Fn::Join には [区切り文字, [値...]] が必要です（%s ではなく）", arg.describe()))
		}
		delim, list := s.eval(arg.vals[0], w, depth+1), s.eval(arg.vals[1], w, depth+1)
		return lift(use, []result{delim, list}, func(a []result) result {
			if !a[0].isScalar() {
				return invalid(use, model.T("the Fn::Join delimiter must be a string", "Fn::Join の区切り文字は文字列である必要があります"))
			}
			if a[1].kind != resKnown || a[1].sk != kindSeq {
				return invalid(use, model.T("Fn::Join takes a list of values as its second argument", "Fn::Join の 2 番目の引数には値のリストが必要です"))
			}
			return lift(use, a[1].list, func(items []result) result {
				parts := make([]string, len(items))
				size := int64(len(a[0].s)) * int64(max(len(items)-1, 0))
				for i, it := range items {
					if !it.isScalar() {
						return invalid(use, model.T("Fn::Join item %d is not a string", "Fn::Join の要素 %d が文字列ではありません", i))
					}
					parts[i] = it.s
					size += int64(len(it.s))
				}
				if !s.b.charge(limBytes, size) {
					return s.over(limBytes, use)
				}
				return knownString(strings.Join(parts, a[0].s), use)
			})
		})
	case "Fn::Split":
		if arg.kind != kindSeq || len(arg.vals) != 2 {
			return invalid(use, model.T("Fn::Split takes [delimiter, string], not %s", "Fn::Split には [区切り文字, 文字列] が必要です（%s ではなく）", arg.describe()))
		}
		args := []result{s.eval(arg.vals[0], w, depth+1), s.eval(arg.vals[1], w, depth+1)}
		return lift(use, args, func(a []result) result {
			if !a[0].isScalar() || !a[1].isScalar() || a[0].s == "" {
				return invalid(use, model.T("Fn::Split takes a non-empty delimiter and a string", "Fn::Split には空でない区切り文字と文字列が必要です"))
			}
			out := result{kind: resKnown, sk: kindSeq, use: use}
			// Every item is charged as an expression evaluated.
			if !s.b.charge(limSteps, int64(strings.Count(a[1].s, a[0].s))) {
				return s.over(limSteps, use)
			}
			for _, p := range strings.Split(a[1].s, a[0].s) {
				out.list = append(out.list, knownString(p, use))
			}
			return out
		})
	case "Fn::Select":
		if arg.kind != kindSeq || len(arg.vals) != 2 {
			return invalid(use, model.T("Fn::Select takes [index, list], not %s", "Fn::Select には [インデックス, リスト] が必要です（%s ではなく）", arg.describe()))
		}
		args := []result{s.eval(arg.vals[0], w, depth+1), s.eval(arg.vals[1], w, depth+1)}
		return lift(use, args, func(a []result) result {
			i, err := strconv.Atoi(a[0].s)
			if !a[0].isScalar() || err != nil || i < 0 {
				return invalid(use, model.T("the Fn::Select index %s is not a non-negative whole number", "Fn::Select のインデックス %s は 0 以上の整数ではありません", a[0].scalarText()))
			}
			if a[1].kind != resKnown || a[1].sk != kindSeq {
				return invalid(use, model.T("Fn::Select takes a list as its second argument", "Fn::Select の 2 番目の引数にはリストが必要です"))
			}
			if i >= len(a[1].list) {
				return invalid(use, model.T("Fn::Select index %d is out of range: the list has %d items", "Fn::Select のインデックス %d は範囲外です（リストの要素数は %d）", i, len(a[1].list)))
			}
			r := a[1].list[i]
			if r.kind == resKnown {
				r.use = use
			}
			return r
		})
	case "Fn::Base64":
		v := s.eval(arg, w, depth+1)
		return lift(use, []result{v}, func(a []result) result {
			if !a[0].isScalar() {
				return invalid(use, model.T("Fn::Base64 takes a string", "Fn::Base64 には文字列が必要です"))
			}
			if !s.b.charge(limBytes, int64(base64.StdEncoding.EncodedLen(len(a[0].s)))) {
				return s.over(limBytes, use)
			}
			return knownString(base64.StdEncoding.EncodeToString([]byte(a[0].s)), use)
		})
	case "Fn::GetAtt":
		return s.evalGetAtt(arg, use, w, depth)
	case "Fn::GetAZs":
		return unknown(use, model.T("Fn::GetAZs returns the account's Availability Zones, known only when the stack is deployed",
			"Fn::GetAZs はアカウントのアベイラビリティーゾーンを返し、スタックのデプロイ時にしか分かりません"))
	case "Fn::ImportValue":
		name := s.eval(arg, w, depth+1)
		if name.kind == resFork || name.kind == resInvalid {
			return name
		}
		label := "?"
		if name.isScalar() {
			label = name.s
		}
		return unknown(use, model.T("Fn::ImportValue %q reads an export of another stack, which kumoguard does not see",
			"Fn::ImportValue %q は別スタックのエクスポートを読み込みますが、kumoguard からは見えません", label))
	case "Fn::Cidr", "Fn::Transform", "Fn::Length", "Fn::ToJsonString", "Fn::GetStackOutput":
		return unknown(use, model.T("%s is not evaluated by kumoguard", "%s は kumoguard では評価されません", fn))
	}
	return invalid(use, model.T("unknown intrinsic function %s", "不明な組み込み関数 %s", fn))
}

// ref resolves Ref to a parameter, pseudo parameter or resource.
func (s *stack) ref(name string, use model.Location, w *world, depth int) result {
	if p, ok := s.slots[name]; ok {
		return s.refParam(p, use, w, depth)
	}
	if pseudoParameters[name] {
		return s.pseudo(name, use)
	}
	if r, ok := s.t.resources[name]; ok {
		return s.refResource(r, use, w, depth)
	}
	return invalid(use, model.T("Ref to %q: the template declares no parameter or resource of that name", "%q への Ref：その名前のパラメータもリソースもテンプレートにありません", name))
}

func (s *stack) refParam(p *paramSlot, use model.Location, w *world, depth int) result {
	d := p.decl
	var r result
	switch p.src {
	case srcDefault, srcFile, srcFlag, srcUnknown:
		r = p.fixedValue()
	case srcParent:
		r = s.parentValue(p, w, depth)
	default:
		if s.parent != nil {
			return invalid(use, model.T("nested stack %s does not pass parameter %q, which has no Default: CloudFormation rejects the stack",
				"ネストされたスタック %s はパラメータ %q を渡しておらず、Default もないため、CloudFormation はスタックを拒否します", strings.TrimSuffix(s.address, "/"), d.name))
		}
		if len(d.allowed) == 0 || d.noEcho {
			return unknown(use, p.missingWhy())
		}
		i, chosen := w.choice[p]
		if !chosen {
			return result{kind: resFork, fork: p, use: use}
		}
		if i < 0 {
			var cands []result
			for _, a := range d.allowed {
				cands = addCandidate(cands, knownString(a.str, s.t.loc(a.pos)))
			}
			return unknown(use, p.missingWhy(), cands...)
		}
		a := d.allowed[i]
		r = knownString(a.str, s.t.loc(a.pos))
	}
	if r.kind == resFork {
		return r
	}
	r.use = use
	if d.noEcho {
		r.secret = true
	}
	return r
}

// parentValue evaluates the expression a parent stack passes for p, and
// checks it against p's declaration.
func (s *stack) parentValue(p *paramSlot, w *world, depth int) result {
	par := s.parent
	r := par.eval(p.parentExpr, w, depth+1)
	step := model.Origin{Kind: model.OriginModuleArgument, Name: strings.TrimSuffix(s.address, "/") + ".Parameters." + p.decl.name, Location: r.use}
	switch r.kind {
	case resFork, resInvalid:
		return r
	case resNoValue:
		// AWS::NoValue removes the parameter: the nested stack's Default applies.
		if v, ok := scalarString(p.decl.def); ok {
			q := &paramSlot{st: s, decl: p.decl, src: srcDefault, raw: v, rawLoc: s.t.loc(p.decl.def.pos)}
			return q.fixedValue()
		}
		return invalid(r.use, model.T("nested stack %s gets AWS::NoValue for parameter %q, which has no Default: CloudFormation rejects the stack",
			"ネストされたスタック %s のパラメータ %q は AWS::NoValue で、Default もないため、CloudFormation はスタックを拒否します", strings.TrimSuffix(s.address, "/"), p.decl.name))
	case resUnknown:
		r.prov = append([]model.Origin{step}, r.prov...)
		return r
	}
	text := r.s
	if r.sk == kindSeq {
		parts := make([]string, 0, len(r.list))
		size := int64(len(r.list))
		for _, it := range r.list {
			if !it.isScalar() {
				return unknown(r.use, model.T("the value passed for parameter %q is not known", "パラメータ %q に渡される値が不明です", p.decl.name))
			}
			parts = append(parts, it.s)
			size += int64(len(it.s))
		}
		if !s.b.charge(limBytes, size) {
			return s.over(limBytes, r.use)
		}
		text = strings.Join(parts, ",")
	} else if !r.isScalar() {
		return invalid(r.use, model.T("the parent passes %s for parameter %q (expected a string)", "親スタックがパラメータ %q に %s を渡しています（文字列が必要です）", "a "+r.sk.String(), p.decl.name))
	}
	if why := p.decl.checkValue(text); why != nil {
		return invalid(r.use, *why)
	}
	if p.decl.isSSM() {
		return unknown(r.use, model.T("parameter %q has type %s: its value is read from SSM Parameter Store (%s) when the stack is deployed",
			"パラメータ %q の型は %s で、値はデプロイ時に SSM パラメータストア（%s）から読み込まれます", p.decl.name, p.decl.typ, text))
	}
	out := knownString(text, r.use)
	if p.decl.isList() {
		if !s.b.charge(limSteps, int64(strings.Count(text, ","))) {
			return s.over(limSteps, r.use)
		}
		out = result{kind: resKnown, sk: kindSeq, use: r.use}
		for _, it := range strings.Split(text, ",") {
			out.list = append(out.list, knownString(strings.TrimSpace(it), r.use))
		}
	}
	out.prov = append([]model.Origin{step}, r.prov...)
	return out
}

func (s *stack) pseudo(name string, use model.Location) result {
	switch name {
	case "AWS::NoValue":
		return result{kind: resNoValue, use: use}
	case "AWS::Region":
		if s.region != "" {
			return knownString(s.region, use)
		}
		return unknown(use, model.T("AWS::Region is not known: pass --region", "AWS::Region が不明です：--region を指定してください"))
	case "AWS::Partition", "AWS::URLSuffix":
		if s.region == "" {
			return unknown(use, model.T("%s depends on the Region, which is not known: pass --region", "%s はリージョンに依存しますが、リージョンが不明です：--region を指定してください", name))
		}
		partition, suffix := "aws", "amazonaws.com"
		switch {
		case strings.HasPrefix(s.region, "cn-"):
			partition, suffix = "aws-cn", "amazonaws.com.cn"
		case strings.HasPrefix(s.region, "us-gov-"):
			partition = "aws-us-gov"
		}
		if name == "AWS::Partition" {
			return knownString(partition, use)
		}
		return knownString(suffix, use)
	}
	return unknown(use, model.T("%s is known only when the stack is deployed", "%s はスタックのデプロイ時にしか分かりません", name))
}

// refResource is Ref to a resource: its physical ID. Only names written in
// the template are known; a global cluster is named by its identifier or,
// when that is generated, by its logical ID, so that membership is known.
func (s *stack) refResource(r *resource, use model.Location, w *world, depth int) result {
	ref := model.Origin{Kind: model.OriginReference, Name: r.id, Location: s.t.loc(r.keyPos)}
	nameProp := ""
	switch r.typ {
	case "AWS::RDS::DBCluster":
		nameProp = "DBClusterIdentifier"
	case "AWS::RDS::GlobalCluster":
		nameProp = "GlobalClusterIdentifier"
	}
	if nameProp != "" && r.props != nil {
		if pn := r.props.get(nameProp); pn != nil {
			v := s.eval(pn, w, depth+1)
			if v.kind == resFork || v.kind == resInvalid {
				return v
			}
			if v.isScalar() {
				out := knownString(v.s, use)
				out.prov = append([]model.Origin{ref}, v.prov...)
				return out
			}
		}
	}
	if r.typ == "AWS::RDS::GlobalCluster" {
		out := knownString(r.id, use)
		out.prov = []model.Origin{ref}
		return out
	}
	return unknown(use, model.T("the physical ID of resource %q (%s) is generated when the stack is deployed", "リソース %q（%s）の物理 ID はスタックのデプロイ時に生成されます", r.id, r.typ))
}

func (s *stack) evalIf(arg *node, use model.Location, w *world, depth int) result {
	if arg.kind != kindSeq || len(arg.vals) != 3 || arg.vals[0].kind != kindString {
		return invalid(use, model.T("Fn::If takes [condition name, value if true, value if false], not %s", "Fn::If には [条件名, 真の値, 偽の値] が必要です（%s ではなく）", arg.describe()))
	}
	c := s.condition(arg.vals[0].str, arg.vals[0].pos, w, nil)
	switch c.kind {
	case resFork, resInvalid:
		return c
	case resKnown:
		if c.s == "true" {
			return s.eval(arg.vals[1], w, depth+1)
		}
		return s.eval(arg.vals[2], w, depth+1)
	}
	// The condition is unknown: the value is one of the two branches.
	a, b := s.eval(arg.vals[1], w, depth+1), s.eval(arg.vals[2], w, depth+1)
	for _, r := range []result{a, b} {
		if r.kind == resFork || r.kind == resInvalid {
			return r
		}
	}
	why := bi("condition %q could not be resolved (%s)", "条件 %q を解決できません（%s）", arg.vals[0].str, c.why)
	pa, okA := a.possible()
	pb, okB := b.possible()
	if !okA || !okB {
		return unknown(use, joinWhy(why, a.why, b.why))
	}
	var cands []result
	for _, r := range append(pa, pb...) {
		cands = addCandidate(cands, r)
	}
	return unknown(use, joinWhy(why, a.why, b.why), cands...)
}

// condition evaluates a named condition to "true" or "false".
func (s *stack) condition(name string, at pos, w *world, visiting []string) result {
	use := s.t.loc(at)
	expr, ok := s.t.conditions[name]
	if !ok {
		return invalid(use, model.T("condition %q is not declared in Conditions", "条件 %q は Conditions に宣言されていません", name))
	}
	for _, v := range visiting {
		if v == name {
			return invalid(use, model.T("condition %q refers to itself (%s)", "条件 %q が自分自身を参照しています（%s）", name, strings.Join(append(visiting, name), " → ")))
		}
	}
	key := condKey{s, name}
	if r, ok := w.conds[key]; ok {
		if r.kind == resKnown {
			r.use = use
		}
		return r
	}
	r := s.condExpr(expr, w, append(visiting, name), len(visiting))
	if r.kind != resFork && (r.kind != resInvalid || !strings.Contains(r.why.EN, "refers to itself")) {
		if w.conds == nil {
			w.conds = map[condKey]result{}
		}
		w.conds[key] = r
	}
	if r.kind == resKnown {
		r.use = use
	}
	return r
}

func boolResult(b bool, use model.Location) result {
	return known(strconv.FormatBool(b), kindBool, use)
}

// condExpr evaluates a condition function: Fn::Equals, Fn::And, Fn::Or,
// Fn::Not or Condition. Fn::And is false as soon as one operand is false,
// and Fn::Or true as soon as one is true, even when others are unknown.
func (s *stack) condExpr(n *node, w *world, visiting []string, depth int) result {
	use := s.t.loc(n.pos)
	if depth > maxDepth {
		return invalid(use, model.T("condition nested deeper than %d levels", "条件のネストが %d 階層を超えています", maxDepth))
	}
	if !s.b.charge(limSteps, 1) {
		return s.over(limSteps, use)
	}
	fn, arg, ok := n.intrinsic()
	if !ok {
		if n.kind == kindBool {
			return boolResult(n.str == "true", use)
		}
		if n.kind == kindBad {
			return invalid(use, *n.bad)
		}
		return invalid(use, model.T("a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, not %s", "条件は Fn::Equals、Fn::And、Fn::Or、Fn::Not、Condition のいずれかである必要があります（%s ではなく）", n.describe()))
	}
	switch fn {
	case "Condition":
		if arg.kind != kindString {
			return invalid(use, model.T("Condition takes a condition name, not %s", "Condition には条件名が必要です（%s ではなく）", arg.describe()))
		}
		return s.condition(arg.str, arg.pos, w, visiting)
	case "Fn::Equals":
		if arg.kind != kindSeq || len(arg.vals) != 2 {
			return invalid(use, model.T("Fn::Equals takes exactly two values, not %s", "Fn::Equals にはちょうど 2 つの値が必要です（%s ではなく）", arg.describe()))
		}
		a, b := s.eval(arg.vals[0], w, depth+1), s.eval(arg.vals[1], w, depth+1)
		return lift(use, []result{a, b}, func(v []result) result {
			return boolResult(equalValues(v[0], v[1]), use)
		})
	case "Fn::Not":
		if arg.kind != kindSeq || len(arg.vals) != 1 {
			return invalid(use, model.T("Fn::Not takes a list of exactly one condition, not %s", "Fn::Not にはちょうど 1 つの条件のリストが必要です（%s ではなく）", arg.describe()))
		}
		c := s.condExpr(arg.vals[0], w, visiting, depth+1)
		return lift(use, []result{c}, func(v []result) result { return boolResult(v[0].s != "true", use) })
	case "Fn::And", "Fn::Or":
		if arg.kind != kindSeq || len(arg.vals) < 2 || len(arg.vals) > 10 {
			return invalid(use, model.T("%s takes a list of 2 to 10 conditions, not %s", "%s には 2～10 個の条件のリストが必要です（%s ではなく）", fn, arg.describe()))
		}
		decisive := fn == "Fn::Or" // the value that decides alone
		var rest []result
		for _, c := range arg.vals {
			r := s.condExpr(c, w, visiting, depth+1)
			switch {
			case r.kind == resFork || r.kind == resInvalid:
				return r
			case r.kind == resKnown && (r.s == "true") == decisive:
				return boolResult(decisive, use)
			case r.kind == resUnknown:
				rest = append(rest, r)
			}
		}
		if len(rest) == 0 {
			return boolResult(!decisive, use)
		}
		return lift(use, rest, func(v []result) result {
			for _, x := range v {
				if (x.s == "true") == decisive {
					return boolResult(decisive, use)
				}
			}
			return boolResult(!decisive, use)
		})
	}
	return invalid(use, model.T("%s cannot be used in a condition (expected Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition)", "%s は条件には使えません（Fn::Equals、Fn::And、Fn::Or、Fn::Not、Condition のいずれかが必要です）", fn))
}

// equalValues compares two values the way Fn::Equals does: as text, and item
// by item for lists.
func equalValues(a, b result) bool {
	if a.kind == resNoValue || b.kind == resNoValue {
		return a.kind == b.kind
	}
	return sameValue(a, b)
}
