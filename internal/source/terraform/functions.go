package terraform

import (
	"path/filepath"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/tffuncs"
)

// sharedFunctions are Terraform's built-in functions that read no files
// (internal/tffuncs), built once.
var sharedFunctions = tffuncs.Shared(tffuncs.Options{Unknown: unknownTyped})

// functions is the whole table for an expression evaluated outside any
// module: its file functions read nothing.
var functions = func() map[string]function.Function {
	t := tffuncs.Dir(tffuncs.Options{BaseDir: filepath.Join(string(filepath.Separator), "nonexistent"), Unknown: unknownTyped}, sharedFunctions)
	for n, f := range sharedFunctions {
		t[n] = f
	}
	return t
}()

// sharedContext holds sharedFunctions; HCL looks functions up through a
// context's parents.
var sharedContext = &hcl.EvalContext{Functions: sharedFunctions}

// rootContexts caches, for each root module, the context holding the
// functions that read files: relative to the root module's directory
// (Terraform's working directory, which path.module is relative to), never
// outside the scanned tree. Its parent is sharedContext.
var rootContexts sync.Map // rootKey -> *hcl.EvalContext

type rootKey struct{ scanRoot, dir string }

// evalContext returns a new, empty evaluation context whose parents hold
// the functions for this instance.
func (in *instance) evalContext() *hcl.EvalContext {
	if in == nil || in.root == nil || in.s == nil {
		return &hcl.EvalContext{Functions: functions}
	}
	if in.root.fnCtx != nil {
		return in.root.fnCtx.NewChild()
	}
	k := rootKey{scanRoot: in.s.rootAbs, dir: in.root.dir}
	c, ok := rootContexts.Load(k)
	if !ok {
		fc := sharedContext.NewChild()
		fc.Functions = tffuncs.Dir(tffuncs.Options{BaseDir: in.root.dir, Root: in.s.rootAbs, Unknown: unknownTyped}, sharedFunctions)
		c, _ = rootContexts.LoadOrStore(k, fc)
	}
	// Every function this root calls charges its budget (budget.go): the
	// functions that read files, wrapped for this root, over the shared
	// ones, wrapped once per worker.
	t := in.s.acquireTable(in.root)
	in.root.table = t
	fc := t.ctx.NewChild()
	fc.Functions = make(map[string]function.Function, len(c.(*hcl.EvalContext).Functions))
	for n, f := range c.(*hcl.EvalContext).Functions {
		fc.Functions[n] = wrapFunction(func() (*scanner, *rootModule) { return in.s, in.root }, n, f)
	}
	in.root.fnCtx = fc
	return in.root.fnCtx.NewChild()
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
