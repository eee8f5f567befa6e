package tffuncs

import (
	"errors"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"github.com/zclconf/go-cty/cty/gocty"
)

// Terraform 1.11 is built with go-cty 1.16; kumoguard's HCL needs a newer
// go-cty, whose standard library changed a few functions. These restore
// the behaviour Terraform has (each checked by the differential test).

// respec is f with its parameters changed by edit.
func respec(f function.Function, edit func(ps []function.Parameter, vp *function.Parameter)) function.Function {
	ps := f.Params()
	var vp *function.Parameter
	if p := f.VarParam(); p != nil {
		c := *p
		vp = &c
	}
	edit(ps, vp)
	return function.New(&function.Spec{
		Params:   ps,
		VarParam: vp,
		Type:     f.ReturnTypeForValues,
		Impl:     func(args []cty.Value, _ cty.Type) (cty.Value, error) { return f.Call(args) },
	})
}

// contains: the value searched for must not be null (go-cty 1.20 allows it).
var containsFunc = respec(stdlib.ContainsFunc, func(ps []function.Parameter, _ *function.Parameter) {
	ps[1].AllowNull = false
})

// format and formatlist: an argument of no known type (a bare null) makes
// the result unknown, as in go-cty 1.16.
var (
	formatFunc     = respec(stdlib.FormatFunc, func(_ []function.Parameter, vp *function.Parameter) { vp.AllowDynamicType = false })
	formatListFunc = respec(stdlib.FormatListFunc, func(_ []function.Parameter, vp *function.Parameter) { vp.AllowDynamicType = false })
)

// element: a negative index is an error (go-cty 1.20 counts from the end).
var elementFunc = function.New(&function.Spec{
	Params: stdlib.ElementFunc.Params(),
	Type: func(args []cty.Value) (cty.Type, error) {
		if idx := args[1]; idx.IsKnown() && !idx.IsNull() && idx.Type() == cty.Number && idx.AsBigFloat().Sign() < 0 {
			return cty.NilType, errors.New("cannot use element function with a negative index")
		}
		return stdlib.ElementFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return stdlib.ElementFunc.Call(args) },
})

// signum: of an integer (go-cty 1.20 takes any number).
var signumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "num", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var n int
		if err := gocty.FromCtyValue(args[0], &n); err != nil {
			return cty.UnknownVal(cty.Number), err
		}
		switch {
		case n < 0:
			return cty.NumberIntVal(-1), nil
		case n > 0:
			return cty.NumberIntVal(1), nil
		}
		return cty.NumberIntVal(0), nil
	},
})
