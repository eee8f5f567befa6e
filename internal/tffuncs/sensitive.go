package tffuncs

import (
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

type sensitiveMark struct{}

func (sensitiveMark) GoString() string { return "marks.Sensitive" }

// Sensitive is the mark sensitive() puts on a value. Whoever reads the
// values must never print a value carrying it.
var Sensitive = sensitiveMark{}

var markedParam = []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType,
	AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true}}

var sensitiveFunc = function.New(&function.Spec{
	Params: markedParam,
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return args[0].Mark(Sensitive), nil
	},
})

var nonsensitiveFunc = function.New(&function.Spec{
	Params: markedParam,
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		delete(marks, Sensitive)
		return v.WithMarks(marks), nil
	},
})

// issensitiveFunc: an unknown value that is not marked may still turn out
// sensitive, so the answer is unknown.
var issensitiveFunc = function.New(&function.Spec{
	Params: markedParam,
	Type:   function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch {
		case args[0].HasMark(Sensitive):
			return cty.True, nil
		case !args[0].IsKnown():
			return cty.UnknownVal(cty.Bool), nil
		}
		return cty.False, nil
	},
})

// ephemeralAsNullFunc: kumoguard has no ephemeral values, so the value is
// returned as it is.
var ephemeralAsNullFunc = function.New(&function.Spec{
	Params: markedParam,
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return args[0], nil
	},
})
