package terraform

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// varFile is one parsed .tfvars / .tfvars.json file.
type varFile struct {
	rel    string
	values map[string]*hcl.Attribute
	vals   map[string]cty.Value
}

// parseVarFile reads a variable definitions file. Values must be constants.
func (s *scanner) parseVarFile(path string) (*varFile, []model.Diagnostic) {
	rel := s.rel(path)
	src, err := readBounded(path)
	if err != nil {
		return nil, []model.Diagnostic{fileError(rel, err)}
	}
	s.bytesRead.Add(int64(len(src)))
	return s.parseVarFileSrc(src, rel, strings.HasSuffix(path, ".json"))
}

func (s *scanner) parseVarFileSrc(src []byte, rel string, isJSON bool) (*varFile, []model.Diagnostic) {
	if d, deep := tooDeep(src, rel, isJSON); deep {
		return nil, []model.Diagnostic{d}
	}
	var out []model.Diagnostic
	var f *hcl.File
	var diags hcl.Diagnostics
	if isJSON {
		f, diags = hcljson.Parse(src, rel)
	} else {
		f, diags = hclsyntax.ParseConfig(src, rel, hcl.InitialPos)
	}
	if diags.HasErrors() || f == nil {
		return nil, parseErrors(diags)
	}
	if sb, ok := f.Body.(*hclsyntax.Body); ok {
		meter(sb)
	}
	attrs, diags := f.Body.JustAttributes()
	out = append(out, parseErrors(diags)...)
	vf := &varFile{rel: rel, values: attrs, vals: map[string]cty.Value{}}
	for name, a := range attrs {
		v, diags := a.Expr.Value(s.constContext())
		if d := limitDiags(s, diags); d != nil {
			out = append(out, d...)
			delete(vf.values, name)
			continue
		}
		if diags.HasErrors() {
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					d.Summary = "Variables not allowed in a .tfvars file (values must be constants)"
				}
			}
			out = append(out, parseErrors(diags)...)
			delete(vf.values, name)
			continue
		}
		vf.vals[name] = v
	}
	return vf, out
}

// autoVarFiles lists a root module's terraform.tfvars(.json) and
// *.auto.tfvars(.json), in the order Terraform applies them.
func autoVarFiles(dir string) []string {
	var out []string
	for _, n := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			out = append(out, p)
		}
	}
	ents, _ := os.ReadDir(dir)
	var auto []string
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() && (strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json")) {
			auto = append(auto, filepath.Join(dir, n))
		}
	}
	sort.Strings(auto)
	return append(out, auto...)
}

// rootVariables computes the input variables of a root module with
// Terraform's precedence, lowest first: default, TF_VAR_name,
// terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in lexical
// order, then --var-file in order, then --var in order.
func (s *scanner) rootVariables(def *moduleDef, root *rootModule) map[string]*varValue {
	out := make(map[string]*varValue, len(def.variables))
	for name, d := range def.variables {
		vv := &varValue{name: name}
		if d.dflt != nil {
			vv.val, vv.origin, vv.expr = d.dfltVal, model.OriginVariableDefault, d.dflt
		}
		if raw, ok := s.env[name]; ok {
			vv.val, vv.origin, vv.expr = d.conform(parseRawVar(raw, d, "TF_VAR_"+name)), model.OriginEnvironment, nil
			vv.name = "TF_VAR_" + name
		}
		apply := func(vf *varFile) {
			if vf == nil {
				return
			}
			if a, ok := vf.values[name]; ok {
				vv.val, vv.origin, vv.expr, vv.name = d.conform(vf.vals[name]), model.OriginVarFile, a.Expr, name
			}
		}
		for _, vf := range root.varFiles {
			apply(vf)
		}
		for _, vf := range s.flagFiles {
			apply(vf)
		}
		for _, fv := range s.flagVars {
			if fv.name == name {
				vv.val, vv.origin, vv.expr, vv.name = d.conform(parseRawVar(fv.raw, d, "--var "+name)), model.OriginVarFlag, nil, name
			}
		}
		if vv.origin == "" {
			vv.val = unknownTyped(d.typ, model.T(
				"variable %q has no value: set it with --var %s=<value>, a .tfvars file or TF_VAR_%s",
				"変数 %q に値がありません。--var %s=<値>、.tfvars ファイル、または TF_VAR_%s で設定してください",
				name, name, name))
		}
		vv.val = markIfSensitive(vv.val, d)
		out[name] = vv
	}
	return out
}

// parseRawVar reads a --var or TF_VAR_ value the way Terraform does: as a
// literal string when the variable's type is a primitive (or not declared),
// as an HCL expression otherwise.
func parseRawVar(raw string, d *variableDecl, from string) cty.Value {
	if !d.hasType || d.typ.IsPrimitiveType() || d.typ == cty.DynamicPseudoType {
		return cty.StringVal(raw)
	}
	if _, deep := tooDeepHCL([]byte(raw), from); deep {
		return invalidVal(model.T("%s nests deeper than %d levels", "%s は %d 段を超えて入れ子になっています", from, maxNesting))
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), from, hcl.InitialPos)
	if diags.HasErrors() {
		return invalidVal(model.T("%s is not a valid HCL value for variable %q: %s", "%s は変数 %q の HCL 値として不正です：%s",
			from, d.name, diagText(diags[0])))
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return invalidVal(model.T("%s must be a constant value for variable %q", "%s は変数 %q の定数値である必要があります", from, d.name))
	}
	return v
}
