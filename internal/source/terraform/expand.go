package terraform

import (
	"math/big"
	"sort"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Expansion: count and for_each resolved into repetitions (rep), once per
// resource and instance, each with the count/each object its expressions see.

// expansionKind is how a resource or module call repeats.
type expansionKind uint8

const (
	expandNone    expansionKind = iota // neither count nor for_each: one instance, no key
	expandCount                        // count: instances keyed [0], [1], ...
	expandForEach                      // for_each: instances keyed ["key"]
)

// rep is one repetition of a count or for_each block.
type rep struct {
	kind    expansionKind
	index   cty.Value
	key     cty.Value
	value   cty.Value
	addrKey string         // "[0]" or `["prod"]`, "" when not expanded or unresolved
	forEach hcl.Expression // for tracing each.value back to its definition
	owner   *instance      // where forEach is evaluated
	ownRep  *rep           // the owner's repetition (module calls)
	obj     cty.Value      // count / each object, built on first use
}

// object is the value of count or each for this repetition, built once.
func (r *rep) object() cty.Value {
	if r.obj != cty.NilVal {
		return r.obj
	}
	if r.kind == expandCount {
		r.obj = cty.ObjectVal(map[string]cty.Value{"index": r.index})
	} else {
		r.obj = cty.ObjectVal(map[string]cty.Value{"key": r.key, "value": r.value})
	}
	return r.obj
}

// expand resolves count or for_each (evaluated in this instance, for the
// owner's repetition when the block is a module call). When they cannot be
// resolved it returns one repetition with unknown count.index / each.*,
// unknown = true and the reason.
func (in *instance) expand(count, forEach *hcl.Attribute, ownRep *rep) (reps []rep, unknown bool, why model.Text) {
	reps, unknown, why = in.expandReps(count, forEach, ownRep)
	if !in.root.charge(in.s, limInstances, int64(len(reps))) {
		in.root.takeOver()
		var where hcl.Range
		switch {
		case count != nil:
			where = count.Expr.Range()
		case forEach != nil:
			where = forEach.Expr.Range()
		}
		in.root.limitHit(loc(where), model.Resource{Kind: model.SourceTerraform, Address: in.addr}, in.s.limitText(limInstances, in.root.shareOf(in.s, limInstances)))
		return nil, false, model.Text{}
	}
	return reps, unknown, why
}

func (in *instance) expandReps(count, forEach *hcl.Attribute, ownRep *rep) (reps []rep, unknown bool, why model.Text) {
	switch {
	case count != nil:
		v, ms := unmark(in.evalValue(count.Expr, ownRep))
		once := func(why model.Text) ([]rep, bool, model.Text) {
			return []rep{{kind: expandCount, index: unknownTyped(cty.Number, why)}}, true, why
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
			reps = append(reps, rep{kind: expandCount, index: cty.NumberIntVal(i), addrKey: "[" + strconv.FormatInt(i, 10) + "]"})
		}
		return reps, false, model.Text{}
	case forEach != nil:
		raw := in.evalValue(forEach.Expr, ownRep)
		v, ms := unmark(raw)
		once := func(why model.Text) ([]rep, bool, model.Text) {
			u := unknownVal(why)
			return []rep{{kind: expandForEach, key: unknownTyped(cty.String, why), value: u, forEach: forEach.Expr, owner: in, ownRep: ownRep}}, true, why
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
				reps = append(reps, rep{kind: expandForEach, key: cty.StringVal(k), value: val,
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
				reps = append(reps, rep{kind: expandForEach, key: cty.StringVal(k), value: cty.StringVal(k),
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
