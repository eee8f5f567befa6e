// Package terraform turns Terraform HCL configurations into model.Cluster
// values. It evaluates what Terraform would before a plan: input variables
// (defaults, tfvars, --var-file, --var, TF_VAR_*), locals, conditionals,
// functions, references to other resources' configured arguments, count and
// for_each, and local and installed modules. Whatever needs AWS (computed
// attributes, data sources) stays unknown, with the reason.
package terraform

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"

	workpool "github.com/kumoguard/kumoguard/internal/parallel"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Options configure a scan.
type Options struct {
	Root     string   // scan root; every model.Location.File is relative to it, with forward slashes
	VarFiles []string // --var-file values, applied in order after terraform.tfvars and *.auto.tfvars
	Vars     []string // --var "name=value" raw strings, in order, highest precedence
	Env      []string // environment as os.Environ(), for TF_VAR_name
}

// maxModuleDepth bounds module nesting (a module that calls itself).
const maxModuleDepth = 32

type flagVar struct{ name, raw string }

type scanner struct {
	o         Options
	rootAbs   string
	mu        sync.Mutex // guards defs and tables
	tables    []*fnTable // budget.go
	defs      map[string]*defEntry
	files     atomic.Int64
	inv       model.Inventory
	env       map[string]string
	flagVars  []flagVar
	flagFiles []*varFile
	workspace string // TF_WORKSPACE, "" when unset

	// The evaluation budget (budget.go): configuration bytes read, and the
	// work spent by every root module.
	bytesRead  atomic.Int64
	constSpent [numLimits]atomic.Int64
	allow      [numLimits]int64 // fixed by fixBudget
	shares     [numLimits]int64
	constOnce  sync.Once
	constCtx   *hcl.EvalContext
}

// rootModule is a root module: its directory, tfvars and installed modules,
// and what its evaluation produced.
type rootModule struct {
	dir      string
	rel      string
	varFiles []*varFile
	modules  map[string]string // modules.json Key -> Dir; nil when there is none
	// workspace is terraform.workspace: TF_WORKSPACE, else the workspace
	// selected in .terraform/environment, else "default".
	workspace string

	clusters []model.Cluster
	diags    []model.Diagnostic
	reported map[string]bool

	// The root's evaluation budget: work spent, the limit a charge found
	// exceeded (until eval reports it), and the functions that charge it.
	spent     [numLimits]int64
	share     [numLimits]int64 // 0: the scan's first equal share
	hitBudget bool
	over      *limitKind
	fnCtx     *hcl.EvalContext
	table     *fnTable
}

// Scan finds the root modules under paths (directories or .tf files) and
// evaluates each. A directory holding .tf files is a root module unless
// another scanned module calls it as a local module. .terraform, .git,
// node_modules and hidden directories are skipped. Modules are parsed and
// root modules evaluated in parallel; the result is deterministic. Scan walks
// paths itself, for callers outside the scan pipeline (tests, benchmarks);
// the pipeline walks the tree once and calls Load.
func Scan(paths []string, o Options) model.Inventory {
	s := newScanner(o)
	return s.run(context.Background(), s.discover(paths))
}

// Load evaluates the configuration in dirs, the directories holding .tf or
// .tf.json files that the scan pipeline found in its one walk of the tree
// (absolute, or relative to the working directory). It walks nothing
// itself. When ctx is cancelled, root modules not yet evaluated are skipped
// and one SCAN_INTERRUPTED diagnostic says so.
func Load(ctx context.Context, dirs []string, o Options) model.Inventory {
	s := newScanner(o)
	abs := make([]string, 0, len(dirs))
	seen := map[string]bool{}
	for _, d := range dirs {
		a, err := filepath.Abs(d)
		if err != nil {
			a = d
		}
		if a = filepath.Clean(a); !seen[a] {
			seen[a] = true
			abs = append(abs, a)
		}
	}
	sort.Strings(abs)
	return s.run(ctx, abs)
}

// IsConfigFile reports whether a file name is Terraform or OpenTofu
// configuration (.tf, .tf.json, .tofu, .tofu.json), as the scan pipeline's
// walk asks.
func IsConfigFile(name string) bool { return isConfigFile(name) }

func newScanner(o Options) *scanner {
	s := &scanner{o: o, defs: map[string]*defEntry{}, env: map[string]string{}}
	root := o.Root
	if root == "" {
		root = "."
	}
	if abs, err := filepath.Abs(root); err == nil {
		s.rootAbs = abs
	} else {
		s.rootAbs = root
	}
	for _, kv := range o.Env {
		k, v, ok := strings.Cut(kv, "=")
		switch {
		case ok && strings.HasPrefix(k, "TF_VAR_"):
			s.env[strings.TrimPrefix(k, "TF_VAR_")] = v
		case ok && k == "TF_WORKSPACE":
			s.workspace = v
		}
	}
	for _, raw := range o.Vars {
		name, val, ok := strings.Cut(raw, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			s.inv.Diagnostics = append(s.inv.Diagnostics, model.Diagnostic{
				Status: model.StatusError, Reason: model.ReasonInvalidValue,
				Message: model.T("--var %q: expected name=value", "--var %q：name=value の形式で指定してください", raw),
			})
			continue
		}
		s.flagVars = append(s.flagVars, flagVar{name: name, raw: val})
	}
	for _, f := range o.VarFiles {
		p, err := filepath.Abs(f)
		if err != nil {
			p = f
		}
		vf, diags := s.parseVarFile(p)
		s.inv.Diagnostics = append(s.inv.Diagnostics, diags...)
		if vf != nil {
			s.flagFiles = append(s.flagFiles, vf)
		}
	}

	return s
}

func (s *scanner) run(ctx context.Context, dirs []string) model.Inventory {
	// Parse every module found; a directory called by another as a local
	// module is not a root. Test folders are not configuration.
	dirs = withoutTestDirs(dirs, s.rootAbs)
	defs := make([]*moduleDef, len(dirs))
	parallel(len(dirs), func(i int) { defs[i] = s.loadModule(dirs[i]) })
	localCalls := func(d string, def *moduleDef) []string {
		var out []string
		for _, c := range def.calls {
			if c.hasSource && isLocalSource(c.source) {
				out = append(out, filepath.Clean(filepath.Join(d, filepath.FromSlash(c.source))))
			}
		}
		return out
	}
	called := map[string]bool{}
	for i, d := range dirs {
		for _, c := range localCalls(d, defs[i]) {
			called[c] = true
		}
	}
	var roots []string
	reached := map[string]bool{}
	var reach func(d string, def *moduleDef)
	reach = func(d string, def *moduleDef) {
		if reached[d] {
			return
		}
		reached[d] = true
		for _, c := range localCalls(d, def) {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				reach(c, s.loadModule(c))
			}
		}
	}
	for i, d := range dirs {
		if !called[d] {
			roots = append(roots, d)
			reach(d, defs[i])
		}
	}
	// Modules that only call each other (a cycle no root reaches) are
	// evaluated as roots too, so that the cycle is reported rather than
	// nothing at all.
	for i, d := range dirs {
		if !reached[d] {
			roots = append(roots, d)
			reach(d, defs[i])
		}
	}
	sort.Strings(roots)
	s.fixBudget(len(roots))
	results := make([]*rootModule, len(roots))
	var skipped atomic.Int64
	parallel(len(roots), func(i int) {
		if ctx.Err() != nil {
			skipped.Add(1)
			results[i] = &rootModule{}
			return
		}
		results[i] = s.evalRoot(roots[i], [numLimits]int64{})
	})
	// The roots that ran out of their share are evaluated again with what
	// the others left (budget.go).
	if share, more := s.reshare(results); more && ctx.Err() == nil {
		var again []int
		for i, r := range results {
			if r.hitBudget {
				again = append(again, i)
			}
		}
		parallel(len(again), func(j int) {
			i := again[j]
			results[i] = s.evalRoot(roots[i], share)
		})
	}
	if n := skipped.Load(); n > 0 {
		s.inv.Diagnostics = append(s.inv.Diagnostics, model.Diagnostic{
			Status: model.StatusUnknown, Reason: model.ReasonScanInterrupted,
			Message: model.T("The scan was interrupted (%v): %d of %d Terraform root modules were not evaluated.",
				"スキャンが中断されました（%v）。Terraform ルートモジュール %d / %d 個を評価していません。", ctx.Err(), n, len(roots)),
		})
	}

	seen := map[string]bool{}
	addDiag := func(d model.Diagnostic) {
		k := string(d.Reason) + "|" + d.Location.String() + "|" + d.Resource.Address + "|" + d.Message.EN
		if !seen[k] {
			seen[k] = true
			s.inv.Diagnostics = append(s.inv.Diagnostics, d)
		}
	}
	n := 0
	for _, r := range results {
		n += len(r.clusters)
	}
	s.inv.Clusters = make([]model.Cluster, 0, n)
	for _, r := range results {
		s.inv.Clusters = append(s.inv.Clusters, r.clusters...)
		r.clusters = nil
		for _, d := range r.diags {
			addDiag(d)
		}
	}
	all := make([]*moduleDef, 0, len(s.defs))
	for _, e := range s.defs {
		all = append(all, e.def)
	}
	for _, d := range sortedDefs(all) {
		for _, dg := range d.diags {
			addDiag(dg)
		}
	}
	s.inv.Coverage = map[string]int{"terraform_files": int(s.files.Load()), "terraform_modules": len(s.defs)}
	return s.inv
}

// sequential makes Scan use one goroutine (set by the fuzz target).
var sequential bool

// parallel runs f(0..n-1) on GOMAXPROCS workers (one while fuzzing).
func parallel(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if sequential {
		workers = 1
	}
	workpool.For(n, workers, f)
}

func sortedDefs(out []*moduleDef) []*moduleDef {
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}

// withoutTestDirs leaves out test folders: a directory named "tests" (the
// default of terraform test and tofu test) that holds .tftest.hcl,
// .tftest.json, .tofutest.hcl or .tofutest.json files, and everything under
// it (the helper modules of its run blocks). Those are not configuration
// Terraform plans (https://developer.hashicorp.com/terraform/language/tests).
// Only folders inside the scan root count.
func withoutTestDirs(dirs []string, root string) []string {
	isTests := map[string]bool{}
	testDir := func(d string) bool {
		if v, ok := isTests[d]; ok {
			return v
		}
		v := false
		if filepath.Base(d) == "tests" {
			ents, _ := os.ReadDir(d)
			for _, e := range ents {
				n := e.Name()
				if !e.IsDir() && (strings.HasSuffix(n, ".tftest.hcl") || strings.HasSuffix(n, ".tftest.json") ||
					strings.HasSuffix(n, ".tofutest.hcl") || strings.HasSuffix(n, ".tofutest.json")) {
					v = true
					break
				}
			}
		}
		isTests[d] = v
		return v
	}
	out := dirs[:0:0]
	for _, d := range dirs {
		skip := false
		for p := d; ; {
			if testDir(p) {
				skip = true
				break
			}
			parent := filepath.Dir(p)
			if parent == p || p == root || !strings.HasPrefix(parent, root) {
				break
			}
			p = parent
		}
		if !skip {
			out = append(out, d)
		}
	}
	return out
}

// discover lists the directories holding configuration files under paths.
func (s *scanner) discover(paths []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(d string) {
		d = filepath.Clean(d)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		st, err := os.Stat(abs)
		if err != nil {
			s.inv.Diagnostics = append(s.inv.Diagnostics, readError(s.rel(abs), err))
			continue
		}
		if !st.IsDir() {
			add(filepath.Dir(abs))
			continue
		}
		_ = filepath.WalkDir(abs, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				s.inv.Diagnostics = append(s.inv.Diagnostics, readError(s.rel(path), err))
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				n := d.Name()
				if path != abs && (strings.HasPrefix(n, ".") || n == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			if isConfigFile(d.Name()) {
				add(filepath.Dir(path))
			}
			return nil
		})
	}
	sort.Strings(out)
	return out
}

// rel makes a path relative to the scan root, with forward slashes.
func (s *scanner) rel(p string) string {
	if r, err := filepath.Rel(s.rootAbs, p); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(p)
}

// evalRoot evaluates one root module and everything it calls.
func (s *scanner) evalRoot(dir string, share [numLimits]int64) *rootModule {
	root := &rootModule{dir: dir, rel: s.rel(dir), reported: map[string]bool{}, share: share}
	for _, f := range autoVarFiles(dir) {
		vf, diags := s.parseVarFile(f)
		root.diags = append(root.diags, diags...)
		if vf != nil {
			root.varFiles = append(root.varFiles, vf)
		}
	}
	root.modules = readModulesJSON(filepath.Join(dir, ".terraform", "modules", "modules.json"))
	root.workspace = s.workspaceOf(dir)
	in := newInstance(s, s.loadModule(dir), root)
	var insts []*instance
	var bs []*built
	s.walk(in, &insts, &bs)
	relate(insts, bs)
	s.releaseTable(root)
	root.clusters = make([]model.Cluster, len(bs))
	for i, b := range bs {
		root.clusters[i] = b.c
	}
	return root
}

// workspaceOf is the workspace Terraform would use in a root module:
// TF_WORKSPACE, else the one terraform workspace select wrote to
// .terraform/environment, else "default"
// (https://developer.hashicorp.com/terraform/cli/workspaces).
func (s *scanner) workspaceOf(dir string) string {
	if s.workspace != "" {
		return s.workspace
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".terraform", "environment")); err == nil {
		if w := strings.TrimSpace(string(b)); w != "" {
			return w
		}
	}
	return "default"
}

// readModulesJSON reads the module manifest terraform init writes.
func readModulesJSON(path string) map[string]string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var mf struct {
		Modules []struct {
			Key string `json:"Key"`
			Dir string `json:"Dir"`
		} `json:"Modules"`
	}
	if json.Unmarshal(b, &mf) != nil {
		return nil
	}
	out := map[string]string{}
	for _, m := range mf.Modules {
		if m.Key != "" {
			out[m.Key] = m.Dir
		}
	}
	return out
}

// walk builds the clusters of an instance, then of its module calls.
func (s *scanner) walk(in *instance, insts *[]*instance, bs *[]*built) {
	if len(in.keys) > maxModuleDepth {
		return // a module calling itself
	}
	*insts = append(*insts, in)
	*bs = append(*bs, in.clusters()...)
	for _, c := range in.def.calls {
		cc := in.child(c.name)
		if cc == nil {
			continue
		}
		for _, ci := range cc.insts {
			s.walk(ci, insts, bs)
		}
	}
}
