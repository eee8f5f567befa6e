// Package cloudformation reads AWS CloudFormation templates (YAML with every
// short-form tag, or JSON; hand-written, SAM, or synthesized by the AWS CDK,
// with nested stacks) into model.Cluster values. It evaluates parameters
// (defaults, --parameter, --parameter-file, AllowedValues), conditions,
// mappings, Fn::Sub and the other intrinsic functions, and records what it
// cannot resolve as unknown values with the reason and, when enumerable,
// every possible value. It never decides a verdict.
package cloudformation

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/kumoguard/kumoguard/internal/model"
)

// CoverageKey counts the template files read.
const CoverageKey = "cloudformation_templates"

// Options configure a scan.
type Options struct {
	Root           string   // scan root: Location.File relative to it, forward slashes
	Parameters     []string // --parameter Key=Value, highest precedence
	ParameterFiles []string // --parameter-file: AWS CLI format [{"ParameterKey":..,"ParameterValue":..}] or {"Parameters":{..}}
	Region         string   // --region for AWS::Region; "" = unknown
}

// scanner holds what one Scan shares: options and the loaded templates.
type scanner struct {
	o       Options
	rootAbs string
	given   map[string]givenValue

	mu    sync.Mutex
	cache map[string]*template // by absolute path; nil when unreadable
	order []string             // absolute paths in load order
}

func (sc *scanner) rel(abs string) string {
	if sc.rootAbs != "" {
		if r, err := filepath.Rel(sc.rootAbs, abs); err == nil {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(abs)
}

// load reads and checks one template file; nil when it cannot be read.
func (sc *scanner) load(abs string) (*template, error) {
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	t := loadTemplate(data, sc.rel(abs), abs)
	t.check()
	return t, nil
}

// template returns the template at abs, loading it on first use.
func (sc *scanner) template(abs string) *template {
	sc.mu.Lock()
	t, ok := sc.cache[abs]
	sc.mu.Unlock()
	if ok {
		return t
	}
	t, _ = sc.load(abs)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if prev, ok := sc.cache[abs]; ok {
		return prev
	}
	sc.cache[abs] = t
	sc.order = append(sc.order, abs)
	return t
}

// Scan loads the given template files (the CLI found them by IsTemplate). A
// template referenced by another scanned template as a nested stack
// (AWS::CloudFormation::Stack / AWS::Serverless::Application with a local
// TemplateURL) is evaluated through its parent, with the parameters the
// parent passes, not again on its own.
func Scan(files []string, o Options) model.Inventory {
	inv := model.Inventory{Coverage: map[string]int{CoverageKey: 0}}
	sc := &scanner{o: o, cache: map[string]*template{}}
	if o.Root != "" {
		if a, err := filepath.Abs(o.Root); err == nil {
			sc.rootAbs = a
		}
	}
	sc.given, inv.Diagnostics = sc.readGivenParameters()

	// 1. Load every file, in parallel.
	abs := make([]string, len(files))
	tmpls := make([]*template, len(files))
	errs := make([]error, len(files))
	for i, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			a = f
		}
		abs[i] = a
	}
	parallel(len(files), func(i int) { tmpls[i], errs[i] = sc.load(abs[i]) })
	var tops []*template
	for i, t := range tmpls {
		if errs[i] != nil {
			inv.Diagnostics = append(inv.Diagnostics, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonReadError,
				Location: model.Location{File: sc.rel(abs[i])}, Resource: model.Resource{Kind: model.SourceCloudFormation, Address: sc.rel(abs[i])},
				Message: model.T("cannot read template: %v", "テンプレートを読み取れません：%v", errs[i])})
			continue
		}
		if _, dup := sc.cache[abs[i]]; dup {
			continue
		}
		sc.cache[abs[i]] = t
		sc.order = append(sc.order, abs[i])
		tops = append(tops, t)
	}

	// 2. Find nested templates: a template some other template nests is
	// evaluated through its parent. Templates only reachable through a cycle
	// are evaluated on their own, so that nothing is silently skipped.
	nested := map[*template]bool{}
	for i := 0; i < len(sc.order); i++ {
		t := sc.cache[sc.order[i]]
		if t == nil || t.broken {
			continue
		}
		for _, id := range t.resOrder {
			r := t.resources[id]
			if !isNestedStackType(r.typ) {
				continue
			}
			if a, _, _ := t.nestedLocation(r); a != "" {
				if c := sc.template(a); c != nil && c != t {
					nested[c] = true
				}
			}
		}
	}
	var roots []*template
	for _, t := range tops {
		if !nested[t] || t.broken {
			roots = append(roots, t)
		}
	}
	reached := map[*template]bool{}
	var reach func(t *template)
	reach = func(t *template) {
		if t == nil || reached[t] || t.broken {
			return
		}
		reached[t] = true
		for _, id := range t.resOrder {
			if r := t.resources[id]; isNestedStackType(r.typ) {
				if a, _, _ := t.nestedLocation(r); a != "" {
					reach(sc.cache[a])
				}
			}
		}
	}
	for _, t := range roots {
		reach(t)
	}
	for _, t := range tops {
		if !reached[t] && !t.broken {
			roots = append(roots, t)
			reach(t)
		}
	}

	// 3. Evaluate every top-level stack, in parallel.
	type out struct {
		clusters []model.Cluster
		diags    []model.Diagnostic
	}
	outs := make([]out, len(roots))
	parallel(len(roots), func(i int) {
		t := roots[i]
		if t.broken {
			return
		}
		outs[i].clusters, outs[i].diags = sc.evaluate(t)
	})

	// 4. Template problems (once per file), then evaluation problems.
	for _, a := range sc.order {
		if t := sc.cache[a]; t != nil {
			inv.Coverage[CoverageKey]++
			inv.Diagnostics = append(inv.Diagnostics, t.diags...)
		}
	}
	total := 0
	for _, r := range outs {
		total += len(r.clusters)
	}
	inv.Clusters = make([]model.Cluster, 0, total)
	for _, r := range outs {
		inv.Clusters = append(inv.Clusters, r.clusters...)
		inv.Diagnostics = append(inv.Diagnostics, r.diags...)
	}
	inv.Diagnostics = dedupe(inv.Diagnostics)
	return inv
}

// evaluate evaluates one top-level template and the stacks it nests. A
// failure inside kumoguard (a bug: the fuzz target exists to find them) is
// reported as an ERROR on the template instead of ending the scan.
func (sc *scanner) evaluate(t *template) (clusters []model.Cluster, diags []model.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			clusters = nil
			diags = append(diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonEvaluationError, Location: t.loc(pos{1, 1}),
				Resource: model.Resource{Kind: model.SourceCloudFormation, Type: "AWS::CloudFormation::Template", Address: t.file},
				Message:  model.T("kumoguard failed while evaluating this template (%v); please report it with the template", "このテンプレートの評価中に kumoguard が失敗しました（%v）。テンプレートを添えて報告してください", r)})
		}
	}()
	s := &stack{t: t, sc: sc, rootFile: t.file, region: sc.o.Region, children: map[string]*stack{}}
	s.newTopSlots(sc.given)
	n := 0
	for _, r := range t.resources {
		if r.typ == clusterType {
			n++
		}
	}
	clusters = s.walk(make([]model.Cluster, 0, n), &diags)
	return clusters, diags
}

// walk collects the clusters of a stack and of its nested stacks.
func (s *stack) walk(clusters []model.Cluster, diags *[]model.Diagnostic) []model.Cluster {
	first := len(clusters)
	for _, id := range s.t.resOrder {
		if r := s.t.resources[id]; r.typ == clusterType {
			if c, ok := s.buildCluster(r); ok {
				clusters = append(clusters, c)
			}
		}
	}
	s.markGlobalMembers(clusters, first)
	for _, id := range s.t.resOrder {
		r := s.t.resources[id]
		if !isNestedStackType(r.typ) {
			continue
		}
		created, note := s.resourceCreated(r)
		if !created {
			continue
		}
		c := s.child(r)
		if c == nil {
			continue
		}
		if !note.IsZero() {
			c.notes = append(c.notes, note)
		}
		clusters = c.walk(clusters, diags)
	}
	*diags = append(*diags, s.diags...)
	return clusters
}

// readGivenParameters merges --parameter-file values (later files win) and
// --parameter values (highest precedence).
func (sc *scanner) readGivenParameters() (map[string]givenValue, []model.Diagnostic) {
	given := map[string]givenValue{}
	var diags []model.Diagnostic
	for _, f := range sc.o.ParameterFiles {
		vals, d := sc.readParameterFile(f)
		diags = append(diags, d...)
		for k, v := range vals {
			given[k] = v
		}
	}
	for _, p := range sc.o.Parameters {
		k, v, ok := parseFlag(p)
		if !ok {
			diags = append(diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonInvalidValue,
				Resource: model.Resource{Kind: model.SourceCloudFormation, Type: "Parameter", Address: "--parameter " + p},
				Message:  model.T("--parameter %q: expected Key=Value", "--parameter %q：Key=Value の形式が必要です", p)})
			continue
		}
		given[k] = givenValue{value: v, src: srcFlag, flag: p}
	}
	return given, diags
}

// parallel runs f(0..n-1) on as many goroutines as there are CPUs.
func parallel(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// dedupe drops repeated diagnostics (a nested template evaluated through two
// parents reports its problems once).
func dedupe(ds []model.Diagnostic) []model.Diagnostic {
	type key struct {
		loc    model.Location
		reason model.Reason
		msg    string
	}
	seen := map[key]bool{}
	out := ds[:0]
	for _, d := range ds {
		k := key{d.Location, d.Reason, d.Message.EN}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}
