// Package cloudformation reads AWS CloudFormation templates (YAML with every
// short-form tag, or JSON; hand-written, SAM, or synthesized by the AWS CDK,
// with nested stacks) into model.Cluster values. It evaluates parameters
// (defaults, --parameter, --parameter-file, AllowedValues), conditions,
// mappings, Fn::Sub and the other intrinsic functions, and records what it
// cannot resolve as unknown values with the reason and, when enumerable,
// every possible value. It never decides a verdict.
package cloudformation

import (
	"context"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	workpool "github.com/kumoguard/kumoguard/internal/parallel"

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

	// share is each top-level template's budget, allow the scan's
	// (limits.go).
	share, allow [numLimits]int64

	mu    sync.Mutex
	cache map[string]*template // by absolute path; nil when unreadable
	errs  map[string]error     // why a cached nil could not be read
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
	return sc.loadWith(abs, sc.share[limLoopNodes])
}

// loadWith is load with a bound on the nodes Fn::ForEach creates.
func (sc *scanner) loadWith(abs string, loopNodes int64) (*template, error) {
	data, err := readBounded(abs)
	if err != nil {
		return nil, err
	}
	t := loadTemplateBudget(data, sc.rel(abs), abs, loopNodes)
	t.check()
	return t, nil
}

// loadErr is why the template at abs could not be read.
func (sc *scanner) loadErr(abs string) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.errs[abs]
}

// template returns the template at abs, loading it on first use.
func (sc *scanner) template(abs string) *template {
	sc.mu.Lock()
	t, ok := sc.cache[abs]
	sc.mu.Unlock()
	if ok {
		return t
	}
	t, err := sc.load(abs)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if prev, ok := sc.cache[abs]; ok {
		return prev
	}
	if err != nil {
		if sc.errs == nil {
			sc.errs = map[string]error{}
		}
		sc.errs[abs] = err
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
	return Load(context.Background(), files, o)
}

// Load is Scan under a context: when ctx is cancelled, templates not yet
// read are skipped and one SCAN_INTERRUPTED diagnostic says so.
func Load(ctx context.Context, files []string, o Options) model.Inventory {
	inv := model.Inventory{Coverage: map[string]int{CoverageKey: 0}}
	sc := &scanner{o: o, cache: map[string]*template{}}
	if o.Root != "" {
		if a, err := filepath.Abs(o.Root); err == nil {
			sc.rootAbs = a
		}
	}
	sc.given, inv.Diagnostics = sc.readGivenParameters()
	sc.share, sc.allow = shares(files)

	// 1. Load every file, in parallel. A template without nested stacks is
	// evaluated right away and its tree dropped (most templates: this keeps
	// memory low); if another template turns out to nest it, that result is
	// discarded and the template is evaluated through its parent instead.
	// Templates with nested stacks are kept for step 2.
	type loaded struct {
		abs      string
		file     string
		err      error
		t        *template // kept: has nested stacks
		broken   bool
		diags    []model.Diagnostic
		clusters []model.Cluster
		evalDiag []model.Diagnostic
		b        *budget
		dup      bool
	}
	ls := make([]loaded, len(files))
	seen := map[string]bool{}
	for i, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			a = f
		}
		ls[i].abs, ls[i].file, ls[i].dup = a, sc.rel(a), seen[a]
		seen[a] = true
	}
	var skipped atomic.Int64
	parallel(len(files), func(i int) {
		l := &ls[i]
		if l.dup {
			return
		}
		if ctx.Err() != nil {
			l.dup = true // not read: left out like a duplicate
			skipped.Add(1)
			return
		}
		t, err := sc.load(l.abs)
		if err != nil {
			l.err = err
			return
		}
		l.diags, l.broken = t.diags, t.broken
		if !t.broken && !t.hasNestedStacks() {
			l.clusters, l.evalDiag, l.b = sc.evaluate(t, sc.share)
			return
		}
		l.t = t
	})
	for i := range ls {
		if l := &ls[i]; l.t != nil {
			sc.cache[l.abs] = l.t
			sc.order = append(sc.order, l.abs)
		}
	}

	// 2. Find nested templates (loading those not given), from the kept
	// templates and the ones they nest.
	nested := map[string]bool{}
	for i := 0; i < len(sc.order); i++ {
		t := sc.cache[sc.order[i]]
		if t == nil || t.broken {
			continue
		}
		for _, id := range t.resOrder {
			if r := t.resources[id]; isNestedStackType(r.typ) {
				if a, _, _ := t.nestedLocation(r); a != "" && a != t.abs {
					nested[a] = true
					sc.template(a)
				}
			}
		}
	}
	// Kept templates only reachable through a cycle are evaluated on their
	// own, so that nothing is silently skipped.
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
	isRoot := make([]bool, len(ls))
	for i := range ls {
		l := &ls[i]
		isRoot[i] = !l.dup && l.err == nil && !nested[l.abs]
		if isRoot[i] && l.t != nil {
			reach(l.t)
		}
	}
	for i := range ls {
		if l := &ls[i]; !isRoot[i] && l.t != nil && !reached[l.t] {
			isRoot[i] = true
			reach(l.t)
		}
	}

	// 3. Evaluate the kept top-level templates, in parallel.
	parallel(len(ls), func(i int) {
		if l := &ls[i]; isRoot[i] && l.t != nil && !l.t.broken {
			l.clusters, l.evalDiag, l.b = sc.evaluate(l.t, sc.share)
		}
	})

	// 3b. Top-level templates that ran out of their share are evaluated
	// again with what the others left, in equal parts (never less than they
	// had, at most perRoot), so that a large real template among many small
	// ones is not starved and the result does not depend on order.
	var used [numLimits]int64
	var again []int
	for i := range ls {
		if b := ls[i].b; isRoot[i] && b != nil {
			if b.hit {
				again = append(again, i)
				continue
			}
			for k := range used {
				used[k] += b.spent[k]
			}
		}
	}
	if len(again) > 0 {
		var share [numLimits]int64
		more := false
		for k := range share {
			left := (sc.allow[k] - used[k]) / int64(len(again))
			share[k] = min(limits[k].perRoot, max(left, sc.share[k]))
			more = more || share[k] > sc.share[k]
		}
		if more {
			parallel(len(again), func(j int) {
				l := &ls[again[j]]
				t := l.t
				if t == nil {
					if t, _ = sc.loadWith(l.abs, share[limLoopNodes]); t != nil {
						l.diags = t.diags
					}
				}
				if t != nil && !t.broken {
					l.clusters, l.evalDiag, l.b = sc.evaluate(t, share)
				}
			})
		}
	}

	// 4. Template problems (once per file), then evaluation problems.
	counted := map[string]bool{}
	for i := range ls {
		l := &ls[i]
		if l.dup {
			continue
		}
		if d := fileTooLarge(l.file, "AWS::CloudFormation::Template", l.err); d != nil {
			inv.Diagnostics = append(inv.Diagnostics, *d)
			continue
		}
		if l.err != nil {
			inv.Diagnostics = append(inv.Diagnostics, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonReadError,
				Location: model.Location{File: l.file}, Resource: model.Resource{Kind: model.SourceCloudFormation, Address: l.file},
				Message: model.T("cannot read template: %v", "テンプレートを読み取れません：%v", l.err)})
			continue
		}
		counted[l.abs] = true
		inv.Diagnostics = append(inv.Diagnostics, l.diags...)
	}
	for _, a := range sc.order {
		if t := sc.cache[a]; t != nil && !counted[a] {
			counted[a] = true
			inv.Diagnostics = append(inv.Diagnostics, t.diags...)
		}
	}
	inv.Coverage[CoverageKey] = len(counted)
	total := 0
	for i := range ls {
		if isRoot[i] {
			total += len(ls[i].clusters)
		}
	}
	inv.Clusters = make([]model.Cluster, 0, total)
	for i := range ls {
		if isRoot[i] {
			inv.Clusters = append(inv.Clusters, ls[i].clusters...)
			inv.Diagnostics = append(inv.Diagnostics, ls[i].evalDiag...)
		}
	}
	if n := skipped.Load(); n > 0 {
		inv.Diagnostics = append(inv.Diagnostics, model.Diagnostic{
			Status: model.StatusUnknown, Reason: model.ReasonScanInterrupted,
			Message: model.T("The scan was interrupted (%v): %d of %d CloudFormation templates were not read.",
				"スキャンが中断されました（%v）。CloudFormation テンプレート %d / %d 個を読み取っていません。", ctx.Err(), n, len(files)),
		})
	}
	inv.Diagnostics = dedupe(inv.Diagnostics)
	return inv
}

// hasNestedStacks reports whether the template nests other stacks.
func (t *template) hasNestedStacks() bool {
	for _, r := range t.resources {
		if isNestedStackType(r.typ) {
			return true
		}
	}
	return false
}

// evaluate evaluates one top-level template and the stacks it nests. A
// failure inside kumoguard (a bug: the fuzz target exists to find them) is
// reported as an ERROR on the template instead of ending the scan.
func (sc *scanner) evaluate(t *template, share [numLimits]int64) (clusters []model.Cluster, diags []model.Diagnostic, b *budget) {
	b = &budget{share: share, allow: sc.allow}
	defer func() {
		if r := recover(); r != nil {
			clusters = nil
			diags = append(diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonEvaluationError, Location: t.loc(pos{1, 1}),
				Resource: model.Resource{Kind: model.SourceCloudFormation, Type: "AWS::CloudFormation::Template", Address: t.file},
				Message:  model.T("kumoguard failed while evaluating this template (%v); please report it with the template", "このテンプレートの評価中に kumoguard が失敗しました（%v）。テンプレートを添えて報告してください", r)})
		}
	}()
	s := &stack{t: t, sc: sc, rootFile: t.file, region: sc.o.Region, children: map[string]*stack{}, b: b}
	s.newTopSlots(sc.given)
	s.expandStackLoops()
	n := 0
	for _, r := range t.resources {
		if r.typ == clusterType {
			n++
		}
	}
	clusters = s.walk(make([]model.Cluster, 0, n), &diags)
	return clusters, diags, b
}

// walk collects the clusters of a stack and of its nested stacks.
func (s *stack) walk(clusters []model.Cluster, diags *[]model.Diagnostic) []model.Cluster {
	first := len(clusters)
	for _, id := range s.t.resOrder {
		if r := s.t.resources[id]; r.typ == "Fn::ForEach" && declaresType(r.n, clusterType) {
			why := s.t.loopWhy[id]
			if why.IsZero() {
				why = model.T("it was not expanded", "展開されませんでした")
			}
			s.diags = append(s.diags, model.Diagnostic{Status: model.StatusUnknown, Reason: model.ReasonUnresolvedValue, Location: s.t.loc(r.keyPos),
				Resource: model.Resource{Kind: model.SourceCloudFormation, Type: "Fn::ForEach", Address: s.address + id},
				Message: bi("%s generates AWS::RDS::DBCluster resources, but kumoguard could not expand it (%s): those clusters are not evaluated.",
					"%s は AWS::RDS::DBCluster リソースを生成しますが、kumoguard は展開できませんでした（%s）。それらのクラスターは評価されません。", id, why)})
		}
	}
	for _, id := range s.t.resOrder {
		if r := s.t.resources[id]; r.typ == clusterType {
			if c, ok := s.buildCluster(r); ok {
				clusters = append(clusters, c)
			}
		}
	}
	s.markGlobalMembers(clusters, first)
	s.markExclusions(clusters, first)
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
		given[k] = givenValue{value: v, src: srcFlag}
	}
	return given, diags
}

// parallel runs f(0..n-1) on as many goroutines as there are CPUs.
func parallel(n int, f func(i int)) { workpool.For(n, runtime.GOMAXPROCS(0), f) }

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
