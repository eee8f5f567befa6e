package tffuncs

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// replaceFunc: a substring given as /re/ is a regular expression (RE2, $1
// in the replacement), anything else is replaced literally.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		str, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(re.ReplaceAllString(str, rep)), nil
		}
		return cty.StringVal(strings.ReplaceAll(str, sub, rep)), nil
	},
})

func strTestFunc(second string, test func(s, t string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "str", Type: cty.String},
			{Name: second, Type: cty.String},
		},
		Type: function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(test(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = strTestFunc("prefix", strings.HasPrefix)
	endsWithFunc    = strTestFunc("suffix", strings.HasSuffix)
	strContainsFunc = strTestFunc("substr", strings.Contains)
)

// renderTemplate renders a parsed template with vars (a map or object) and
// the functions of funcs, where templatefile and templatestring cannot be
// called again.
func renderTemplate(expr hcl.Expression, vars cty.Value, funcs map[string]function.Function, argIndex int) (cty.Value, error) {
	ty := vars.Type()
	if !(ty.IsMapType() || ty.IsObjectType()) {
		return cty.DynamicVal, function.NewArgErrorf(argIndex, "invalid vars value: must be a map")
	}
	ctx := &hcl.EvalContext{Variables: vars.AsValueMap()}
	for n := range ctx.Variables {
		if !hclsyntax.ValidIdentifier(n) {
			return cty.DynamicVal, function.NewArgErrorf(argIndex, "invalid template variable name %q: must start with a letter, followed by zero or more letters, digits, and underscores", n)
		}
	}
	for _, t := range expr.Variables() {
		if _, ok := ctx.Variables[t.RootName()]; !ok {
			return cty.DynamicVal, function.NewArgErrorf(argIndex, "vars map does not contain key %q, referenced at %s", t.RootName(), t[0].SourceRange())
		}
	}
	ctx.Functions = make(map[string]function.Function, len(funcs))
	for n, f := range funcs {
		switch strings.TrimPrefix(n, "core::") {
		case "templatefile", "templatestring":
			name := n
			f = function.New(&function.Spec{
				VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
				Type: func([]cty.Value) (cty.Type, error) {
					return cty.NilType, fmt.Errorf("cannot recursively call %s from inside another template function", name)
				},
			})
		}
		ctx.Functions[n] = f
	}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return v, nil
}

// templateStringFunc renders a template held in a value (not written in
// place: Terraform rejects a literal template there).
func templateStringFunc(funcs func() map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "template", Type: customdecode.ExpressionClosureType},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			closure := customdecode.ExpressionClosureFromVal(args[0])
			switch closure.Expression.(type) {
			case *hclsyntax.TemplateExpr, *hclsyntax.TemplateWrapExpr, *hclsyntax.LiteralValueExpr:
				return cty.DynamicVal, function.NewArgErrorf(0, "invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead")
			}
			tv, diags := closure.Value()
			if diags.HasErrors() {
				return cty.DynamicVal, diags
			}
			tv, marks := tv.Unmark()
			if !tv.IsKnown() {
				return cty.DynamicVal.WithMarks(marks), nil
			}
			if tv.IsNull() || tv.Type() != cty.String {
				return cty.DynamicVal, function.NewArgErrorf(0, "invalid template value: a string is required")
			}
			expr, diags := hclsyntax.ParseTemplate([]byte(tv.AsString()), "<templatestring argument>", hcl.Pos{Line: 1, Column: 1, Byte: 0})
			if diags.HasErrors() {
				return cty.DynamicVal, function.NewArgErrorf(0, "invalid template: %s", diags.Error())
			}
			v, err := renderTemplate(expr, args[1], funcs(), 1)
			if err != nil {
				return cty.DynamicVal, err
			}
			return v.WithMarks(marks), nil
		},
	})
}
