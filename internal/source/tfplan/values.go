package tfplan

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/kumoguard/kumoguard/internal/jsonpos"
	"github.com/kumoguard/kumoguard/internal/model"
)

// attrState is what the plan says about one attribute.
type attrState int

const (
	attrMissing   attrState = iota // not in the values at all
	attrNull                       // written as null: not set
	attrUnknown                    // known only after apply
	attrSensitive                  // marked sensitive: never read
	attrPresent
)

// attr is one attribute of an entry's values.
type attr struct {
	name  string
	state attrState
	raw   any
	where model.Location
}

func asObject(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok
}

// marked reports whether the deep boolean object (after_unknown,
// after_sensitive) marks the attribute as a whole.
func marked(obj any, name string) bool {
	m, ok := asObject(obj)
	if !ok {
		return obj == true
	}
	b, _ := m[name].(bool)
	return b
}

// get reads one attribute of the entry's after-values (or planned values).
func (r *reader) get(e *entry, name string) attr {
	a := attr{name: name}
	if marked(e.unknown, name) {
		a.state = attrUnknown
		a.where = r.locOr(e, append(clone(e.unknownPath), name))
		return a
	}
	vals, _ := asObject(e.values)
	raw, ok := vals[name]
	if !ok {
		if e.missingUnknown && vals != nil {
			a.state = attrUnknown
			a.where = r.entryLoc(e)
		}
		return a
	}
	a.where = r.locOr(e, append(clone(e.valuesPath), name))
	if marked(e.sensitive, name) {
		a.state = attrSensitive
		return a
	}
	if raw == nil {
		a.state = attrNull
		return a
	}
	a.state, a.raw = attrPresent, raw
	return a
}

// locOr is the location of path, or of the entry when it is not in the file.
func (r *reader) locOr(e *entry, path []any) model.Location {
	if l, ok := r.ix.loc(path...); ok {
		return l
	}
	return r.entryLoc(e)
}

// entryLoc is where a resource is: its "address" member, or the entry.
func (r *reader) entryLoc(e *entry) model.Location {
	if l, ok := r.ix.loc(e.sub("address")...); ok {
		return l
	}
	if l, ok := r.ix.valueLoc(e.path...); ok {
		return l
	}
	// encoding/json matches struct fields case-insensitively, so a
	// hand-edited "Resource_Changes" decodes but is not at the exact path:
	// point at the document rather than nowhere.
	return r.ix.docLoc()
}

func planOrigin(where model.Location) []model.Origin {
	return []model.Origin{{Kind: model.OriginPlan, Location: where}}
}

func unknownWhy(e *entry, name string) model.Text {
	if e.missingUnknown {
		return model.T("%s is not in planned_values, which leaves out values known only after apply.",
			"%s は planned_values にありません（apply 後にのみ判明する値は planned_values に含まれません）。", name)
	}
	return model.T("%s is known only after apply (after_unknown in the plan).",
		"%s は apply 後にのみ判明します（プランの after_unknown）。", name)
}

func sensitiveWhy(name string) model.Text {
	return model.T("%s is marked sensitive in the plan, and kumoguard never reads sensitive values.",
		"%s はプランで sensitive とされており、kumoguard は sensitive な値を読み取りません。", name)
}

// describe renders a present value for a message: its JSON kind, and the
// value itself only for numbers and booleans. Strings are never quoted: a
// hand-edited plan may hold a secret where a number was expected.
func describe(raw any) model.Text {
	kind := kindName(kindOf(raw))
	switch raw.(type) {
	case json.Number, float64, bool:
		if b, err := json.Marshal(raw); err == nil && len(b) <= 40 {
			return text("%s %s", "%s %s", kind, string(b))
		}
	}
	return kind
}

func kindOf(raw any) jsonpos.Kind {
	switch raw.(type) {
	case map[string]any:
		return jsonpos.Object
	case []any:
		return jsonpos.Array
	}
	return jsonpos.KindOf(raw)
}

// stringValue maps a string attribute.
func (r *reader) stringValue(e *entry, name string) model.Value[string] {
	a := r.get(e, name)
	switch a.state {
	case attrUnknown:
		v := model.UnknownValue[string](a.where, unknownWhy(e, name))
		v.Provenance = planOrigin(a.where)
		return v
	case attrSensitive:
		v := model.UnknownValue[string](a.where, sensitiveWhy(name))
		v.Provenance = planOrigin(a.where)
		return v
	case attrNull:
		return model.Value[string]{State: model.Absent, Where: a.where, Provenance: planOrigin(a.where)}
	case attrPresent:
		s, ok := a.raw.(string)
		if !ok {
			v := model.InvalidValue[string](a.where, text("%s in the plan is %s; expected a string.", "プランの %s が %s です。文字列が必要です。", name, describe(a.raw)))
			v.Provenance = planOrigin(a.where)
			return v
		}
		return model.KnownValue(s, a.where, planOrigin(a.where)...)
	}
	return model.Value[string]{}
}

// windowValue maps an integer number of seconds (backtrack_window): a JSON
// number that is a whole number.
func windowValue(raw any, name string, where model.Location) model.Value[int64] {
	expect := model.T("expected a whole number of seconds (a JSON number from 0 to 259200)", "整数の秒数（0～259200 の JSON 数値）が必要です")
	invalid := func() model.Value[int64] {
		v := model.InvalidValue[int64](where, text("%s in the plan is %s; %s.", "プランの %s が %s です。%s。", name, describe(raw), expect))
		v.Provenance = planOrigin(where)
		return v
	}
	var n int64
	switch x := raw.(type) {
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			f, ferr := strconv.ParseFloat(string(x), 64)
			if ferr != nil || f != math.Trunc(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
				return invalid()
			}
			i = int64(f)
		}
		n = i
	case float64:
		if x != math.Trunc(x) || x >= math.MaxInt64 || x <= math.MinInt64 {
			return invalid()
		}
		n = int64(x)
	default:
		return invalid()
	}
	return model.KnownValue(n, where, planOrigin(where)...)
}

func (r *reader) windowAfter(e *entry) model.Value[int64] {
	const name = "backtrack_window"
	a := r.get(e, name)
	switch a.state {
	case attrUnknown:
		v := model.UnknownValue[int64](a.where, unknownWhy(e, name))
		v.Provenance = planOrigin(a.where)
		return v
	case attrSensitive:
		v := model.UnknownValue[int64](a.where, sensitiveWhy(name))
		v.Provenance = planOrigin(a.where)
		return v
	case attrNull:
		// Not set: the AWS default 0 applies (API_CreateDBCluster); the
		// policy reads Absent as 0 and points at the resource.
		return model.Value[int64]{State: model.Absent, Where: a.where, Provenance: planOrigin(a.where)}
	case attrPresent:
		return windowValue(a.raw, name, a.where)
	}
	return model.Value[int64]{}
}

// priorWindow is the window before the change. A cluster that exists with
// backtrack_window null has window 0: AWS treats an absent window as 0
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html),
// so an update that sets it is an update from 0.
func (r *reader) priorWindow(e *entry) model.Value[int64] {
	const name = "backtrack_window"
	before, ok := asObject(e.before)
	if !ok {
		return model.Value[int64]{}
	}
	raw, ok := before[name]
	if !ok {
		return model.Value[int64]{}
	}
	where := r.locOr(e, append(clone(e.beforePath), name))
	if marked(e.beforeSensitive, name) {
		v := model.UnknownValue[int64](where, sensitiveWhy(name))
		v.Provenance = planOrigin(where)
		return v
	}
	if raw == nil {
		return model.KnownValue[int64](0, where, planOrigin(where)...)
	}
	return windowValue(raw, name, where)
}

// nonEmptyBlock maps a nested block list (serverlessv2_scaling_configuration)
// to whether it is written: a non-empty list is true.
func (r *reader) nonEmptyBlock(e *entry, name string) model.Value[bool] {
	a := r.get(e, name)
	switch a.state {
	case attrUnknown:
		v := model.UnknownValue[bool](a.where, unknownWhy(e, name))
		v.Provenance = planOrigin(a.where)
		return v
	case attrSensitive:
		v := model.UnknownValue[bool](a.where, sensitiveWhy(name))
		v.Provenance = planOrigin(a.where)
		return v
	case attrNull:
		return model.Value[bool]{State: model.Absent, Where: a.where}
	case attrPresent:
		switch x := a.raw.(type) {
		case []any:
			return model.KnownValue(len(x) > 0, a.where, planOrigin(a.where)...)
		case map[string]any:
			return model.KnownValue(len(x) > 0, a.where, planOrigin(a.where)...)
		}
		v := model.InvalidValue[bool](a.where, text("%s in the plan is %s; expected a list of blocks.", "プランの %s が %s です。ブロックのリストが必要です。", name, describe(a.raw)))
		v.Provenance = planOrigin(a.where)
		return v
	}
	return model.Value[bool]{}
}

// knownString returns the attribute when it is a known, non-sensitive string.
func (r *reader) knownString(e *entry, name string) (string, model.Location, bool) {
	a := r.get(e, name)
	if a.state != attrPresent {
		return "", a.where, false
	}
	s, ok := a.raw.(string)
	return s, a.where, ok
}

// firstBlock returns the first element of a nested block list when it is
// written and not sensitive.
func (r *reader) firstBlock(e *entry, name string) (map[string]any, bool) {
	a := r.get(e, name)
	if a.state != attrPresent {
		return nil, false
	}
	l, ok := a.raw.([]any)
	if !ok || len(l) == 0 {
		return nil, false
	}
	m, ok := l[0].(map[string]any)
	return m, ok
}
