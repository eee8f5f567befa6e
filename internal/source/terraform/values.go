package terraform

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/tffuncs"
)

// markKind says what a cty mark records. kumoguard marks every value it
// cannot resolve with the reason, and go-cty carries marks through
// operators, conditionals and function calls, so the final value of an
// attribute says exactly what is missing.
type markKind int

const (
	markUnknown  markKind = iota + 1 // no value: unset variable, data source, ...
	markInvalid                      // a value that is present but wrong
	markComputed                     // an attribute only AWS knows, of resource refAddr
	// markSensitive: the value comes from a variable declared sensitive =
	// true. It is evaluated like any other, but no message shows it.
	markSensitive
)

// sensitiveMark marks the value of a variable declared sensitive.
var sensitiveMark = mark{kind: markSensitive}

// markIfSensitive marks a variable's value when its declaration is sensitive.
func markIfSensitive(v cty.Value, d *variableDecl) cty.Value {
	if d.sensitive {
		return v.Mark(sensitiveMark)
	}
	return v
}

// sensitiveText is what a message shows instead of a sensitive value.
var sensitiveText = model.T("(sensitive value)", "（sensitive な値）")

// mark is attached to cty values; it must be comparable.
type mark struct {
	kind markKind
	en   string
	ja   string
	// For markComputed: the referenced resource's type and address, and its
	// configured identifier when known (cluster_identifier,
	// global_cluster_identifier).
	refType  string
	refAddr  string
	refIdent string
}

func unknownVal(t model.Text) cty.Value {
	return cty.DynamicVal.Mark(mark{kind: markUnknown, en: t.EN, ja: t.JA})
}

func unknownTyped(ty cty.Type, t model.Text) cty.Value {
	return cty.UnknownVal(ty).Mark(mark{kind: markUnknown, en: t.EN, ja: t.JA})
}

func invalidVal(t model.Text) cty.Value {
	return cty.DynamicVal.Mark(mark{kind: markInvalid, en: t.EN, ja: t.JA})
}

func computedVal(refType, refAddr, attr, ident string) cty.Value {
	ref := refAddr + "." + attr
	return cty.DynamicVal.Mark(mark{kind: markComputed,
		en:      fmt.Sprintf("%s is only known after terraform apply", ref),
		ja:      fmt.Sprintf("%s は terraform apply の後にしか決まりません", ref),
		refType: refType, refAddr: refAddr, refIdent: ident})
}

// reasons collects the marks of a value: the texts of the reasons, whether
// one of them makes the value invalid, and the computed references.
type reasons struct {
	unknown  []model.Text
	invalid  []model.Text
	computed []mark
	// sensitive: part of the value comes from a sensitive variable.
	sensitive bool
}

func collectReasons(ms cty.ValueMarks) reasons {
	var r reasons
	for m := range ms {
		mk, ok := m.(mark)
		if !ok {
			continue
		}
		if mk.kind == markSensitive {
			r.sensitive = true
			continue
		}
		t := model.Text{EN: mk.en, JA: mk.ja}
		switch mk.kind {
		case markInvalid:
			r.invalid = append(r.invalid, t)
		case markComputed:
			r.computed = append(r.computed, mk)
			r.unknown = append(r.unknown, t)
		default:
			r.unknown = append(r.unknown, t)
		}
	}
	sortTexts(r.unknown)
	sortTexts(r.invalid)
	sort.Slice(r.computed, func(i, j int) bool { return r.computed[i].refAddr < r.computed[j].refAddr })
	return r
}

func sortTexts(ts []model.Text) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].EN < ts[j].EN })
}

// joinReasons renders up to four reasons, "; "-separated.
func joinReasons(ts []model.Text) model.Text {
	if len(ts) > 4 {
		extra := len(ts) - 4
		ts = append(ts[:4:4], model.T("and %d more", "ほか %d 件", extra))
	}
	return model.Join(model.T("; ", "。"), ts...)
}

// convertSafe converts a value to a type, never panicking.
func convertSafe(v cty.Value, ty cty.Type) (out cty.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = cty.DynamicVal, fmt.Errorf("cannot convert: %v", r)
		}
	}()
	return convert.Convert(v, ty)
}

func safeApplyDefaults(d *typeexpr.Defaults, v cty.Value) (out cty.Value) {
	defer func() {
		if r := recover(); r != nil {
			out = v
		}
	}()
	return d.Apply(v)
}

// unmark removes every mark from a value, returning them. A value holding
// a sensitive() part is never read: it comes back unknown, with the reason.
func unmark(v cty.Value) (cty.Value, cty.ValueMarks) {
	if !v.ContainsMarked() {
		return v, nil
	}
	u, ms := v.UnmarkDeep()
	if _, ok := ms[tffuncs.Sensitive]; ok {
		delete(ms, tffuncs.Sensitive)
		ms[mark{kind: markUnknown, en: sensitiveWhy.EN, ja: sensitiveWhy.JA}] = struct{}{}
		return cty.UnknownVal(u.Type()), ms
	}
	return u, ms
}

// typeName is how values' types are named in messages.
func typeName(v cty.Value) string {
	ty := v.Type()
	switch {
	case ty == cty.String:
		return "string"
	case ty == cty.Number:
		return "number"
	case ty == cty.Bool:
		return "bool"
	case ty.IsObjectType() || ty.IsMapType():
		return "object"
	case ty.IsTupleType() || ty.IsListType():
		return "list"
	case ty.IsSetType():
		return "set"
	}
	return typeexpr.TypeString(ty)
}
