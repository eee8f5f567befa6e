package terraform

import (
	"path/filepath"
	"sync"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/tffuncs"
)

// functions are Terraform's built-in functions (internal/tffuncs) for an
// expression evaluated outside any module: file functions read nothing.
var functions = tffuncs.Table(tffuncs.Options{BaseDir: string(filepath.Separator) + "nonexistent", Unknown: unknownTyped})

// tables caches the function table of each root module: the file functions
// read relative to the root module's directory (Terraform's working
// directory, which path.module is relative to) and never outside the
// scanned tree.
var tables sync.Map // tableKey -> map[string]function.Function

type tableKey struct{ root, dir string }

// functions returns the function table for an instance.
func (in *instance) functions() map[string]function.Function {
	if in == nil || in.root == nil || in.s == nil {
		return functions
	}
	k := tableKey{root: in.s.rootAbs, dir: in.root.dir}
	if t, ok := tables.Load(k); ok {
		return t.(map[string]function.Function)
	}
	t := tffuncs.Table(tffuncs.Options{BaseDir: in.root.dir, Root: in.s.rootAbs, Unknown: unknownTyped})
	actual, _ := tables.LoadOrStore(k, t)
	return actual.(map[string]function.Function)
}

// pathObject is Terraform's path object: path.module relative to the root
// module's directory, path.root ".", path.cwd the root module's directory.
func (in *instance) pathObject() cty.Value {
	mod := "."
	if r, err := filepath.Rel(in.root.dir, in.def.dir); err == nil {
		mod = filepath.ToSlash(r)
	}
	cwd, err := filepath.Abs(in.root.dir)
	if err != nil {
		cwd = in.root.dir
	}
	return cty.ObjectVal(map[string]cty.Value{
		"module": cty.StringVal(mod), "root": cty.StringVal("."), "cwd": cty.StringVal(filepath.ToSlash(cwd))})
}

// sensitiveWhy is the reason a value marked by sensitive() is never read.
var sensitiveWhy = model.T("the value is marked sensitive (sensitive()), and kumoguard never reads sensitive values",
	"値は sensitive() で sensitive とされており、kumoguard は sensitive な値を読み取りません")
