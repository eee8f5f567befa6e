package terraform

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/kumoguard/kumoguard/internal/model"
)

// The evaluation budget. Evaluating a small configuration can ask for an
// unbounded amount of work: three nested module calls with count = 100
// make a million instances; twelve locals each repeating the previous one
// ten times make a terabyte string; nested for expressions over range()
// make a billion elements. The scan has a budget of each kind of work that
// grows with the configuration it read (base + perKiB for each KiB), so that
// a large repository of ordinary roots never hits it while a small input
// cannot buy unbounded work. Each root module gets an equal share of it
// (at least floor, at most perRoot), fixed before evaluation starts, so
// that the result does not depend on which root is evaluated first and a
// small valid root is never starved by a greedy one. Work is charged
// before it is done where its size is known (instances, template
// concatenations, for-expression iterations, functions whose output can
// outgrow their input), and after otherwise.

// limitKind is one kind of work.
type limitKind int

const (
	limInstances   limitKind = iota // module and resource instances (count / for_each)
	limEvaluations                  // expressions evaluated
	limBytes                        // string bytes produced by templates and functions
	limElements                     // collection elements and for-expression iterations
	numLimits
)

// limitSpec is the size of one budget: for the whole scan base + perKiB for
// each KiB of configuration read; for one root module its share of that,
// between floor and perRoot.
type limitSpec struct {
	perRoot int64
	floor   int64
	base    int64
	perKiB  int64
	en, ja  string
}

var limits = [numLimits]limitSpec{
	limInstances:   {perRoot: 10_000, floor: 8, base: 20_000, perKiB: 10, en: "module and resource instances", ja: "モジュールとリソースのインスタンス数"},
	limEvaluations: {perRoot: 250_000, floor: 1_000, base: 100_000, perKiB: 100, en: "expressions evaluated", ja: "評価する式の数"},
	limBytes:       {perRoot: 16 << 20, floor: 256 << 10, base: 32 << 20, perKiB: 16 << 10, en: "string bytes produced by evaluation", ja: "評価で生成する文字列のバイト数"},
	limElements:    {perRoot: 250_000, floor: 5_000, base: 500_000, perKiB: 500, en: "collection elements and for-expression iterations", ja: "コレクションの要素数と for 式の反復回数"},
}

// text names a limit in a finding: its budgets per root module and for
// this scan.
func (s *scanner) limitText(k limitKind, share int64) model.Text {
	l := limits[k]
	return model.Text{
		EN: fmt.Sprintf("%s (%d for this root module: its share of %d for this scan, at most %d)", l.en, share, s.allowance(k), l.perRoot),
		JA: fmt.Sprintf("%s（このルートモジュールに %d。スキャン全体の %d の配分、最大 %d）", l.ja, share, s.allowance(k), l.perRoot),
	}
}

// shareOf is a root module's budget of a kind of work.
func (root *rootModule) shareOf(s *scanner, k limitKind) int64 {
	if root != nil && root.share[k] > 0 {
		return root.share[k]
	}
	return s.share(k)
}

// reshare gives the root modules that spent their first share what the
// others left of the scan's budget, in equal parts (never less than they
// had): it returns the new shares, and whether they are larger for a kind
// of work a root ran out of. Every root is first evaluated with an equal
// share; the few that need more are evaluated again with this one, so that
// the result does not depend on the order roots are evaluated in.
func (s *scanner) reshare(results []*rootModule) (share [numLimits]int64, more bool) {
	var used [numLimits]int64
	hit := 0
	for _, r := range results {
		if r.hitBudget {
			hit++
			continue
		}
		for k := range used {
			used[k] += r.spent[k]
		}
	}
	if hit == 0 {
		return share, false
	}
	for k := range share {
		left := (s.allowance(limitKind(k)) - used[k]) / int64(hit)
		share[k] = min(limits[k].perRoot, max(left, s.share(limitKind(k))))
		if share[k] > s.share(limitKind(k)) {
			more = true
		}
	}
	return share, more
}

// fixBudget sets the scan's budgets and each root's share, before
// evaluation starts.
func (s *scanner) fixBudget(roots int) {
	for k := range limits {
		l := limits[k]
		s.allow[k] = l.base + l.perKiB*(s.bytesRead.Load()>>10)
		sh := s.allow[k]
		if roots > 0 {
			sh /= int64(roots)
		}
		s.shares[k] = min(l.perRoot, max(sh, l.floor))
	}
}

// share is each root module's budget of a kind of work.
func (s *scanner) share(k limitKind) int64 {
	if s.shares[k] == 0 {
		return limits[k].perRoot
	}
	return s.shares[k]
}

// errLimit is returned by the budget's functions; eval turns it into a
// LIMIT_EXCEEDED finding.
var errLimit = errors.New("kumoguard's evaluation limit was exceeded")

// charge spends n units of a kind of work for this root module, and reports
// whether the budget allowed it. Once a budget is spent, every later charge
// of its kind fails.
// A nil root charges the scan's budget (constants evaluated while files
// are parsed).
func (root *rootModule) charge(s *scanner, k limitKind, n int64) bool {
	if s == nil || n <= 0 {
		return true
	}
	if root == nil {
		return s.constSpent[k].Add(n) <= limits[k].perRoot
	}
	root.spent[k] += n
	if root.spent[k] <= root.shareOf(s, k) {
		return true
	}
	root.hitBudget = true
	if root.over == nil {
		root.over = &k
	}
	return false
}

// allowance is the budget of a kind of work for the whole scan (while files
// are still parsed: for what has been read so far).
func (s *scanner) allowance(k limitKind) int64 {
	if s.allow[k] > 0 {
		return s.allow[k]
	}
	return limits[k].base + limits[k].perKiB*(s.bytesRead.Load()>>10)
}

// takeOver returns and clears the limit a charge found exceeded.
func (root *rootModule) takeOver() (limitKind, bool) {
	if root == nil || root.over == nil {
		return 0, false
	}
	k := *root.over
	root.over = nil
	return k, true
}

// overVal is the value of an expression whose evaluation a limit stopped,
// and records the finding at where.
func (in *instance) overVal(k limitKind, where hcl.Range) cty.Value {
	in.root.limitHit(loc(where), model.Resource{}, in.s.limitText(k, in.root.shareOf(in.s, k)))
	return limitVal(k, where)
}

// limitVal is the invalid value of what a limit stopped.
func limitVal(k limitKind, where hcl.Range) cty.Value {
	return invalidVal(model.Text{
		EN: fmt.Sprintf("evaluation stopped at %s: the limit on %s was exceeded", loc(where).String(), limits[k].en),
		JA: fmt.Sprintf("%s で評価を打ち切りました：%sの上限を超えています", loc(where).String(), limits[k].ja),
	})
}

// isLimitDiag reports whether an HCL diagnostic comes from a budget's
// function refusing work.
func isLimitDiag(d *hcl.Diagnostic) bool {
	if fe, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d); ok {
		return errors.Is(fe.FunctionCallError(), errLimit)
	}
	return false
}

// constContext is the context constants are evaluated in while files are
// parsed (variable defaults, .tfvars values): no variables and no
// functions, but the for expressions meter added charge the scan's budget.
func (s *scanner) constContext() *hcl.EvalContext {
	s.constOnce.Do(func() {
		fns := budgetFunctions(func() (*scanner, *rootModule) { return s, nil }, nil)
		s.constCtx = &hcl.EvalContext{Functions: fns}
	})
	return s.constCtx
}

// ---- sizes -------------------------------------------------------------------

// sizeOf measures the string bytes and collection elements of a value,
// walking at most up to max of each (so that measuring costs no more than
// the budget it checks).
func sizeOf(v cty.Value, max int64) (bytes, elems int64) {
	var walk func(v cty.Value)
	walk = func(v cty.Value) {
		if bytes > max || elems > max {
			return
		}
		if v.IsMarked() {
			v, _ = v.Unmark()
		}
		if !v.IsKnown() || v.IsNull() {
			return
		}
		ty := v.Type()
		switch {
		case ty == cty.String:
			bytes += int64(len(v.AsString()))
		case ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType():
			elems += int64(v.LengthInt())
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				walk(e)
				if bytes > max || elems > max {
					return
				}
			}
		}
	}
	func() {
		defer func() { _ = recover() }()
		walk(v)
	}()
	return bytes, elems
}

// ---- functions ---------------------------------------------------------------

// fnTable is the shared functions wrapped to charge the budget of the root
// module being evaluated (cur). Root modules are evaluated one at a time by
// each worker, and a worker holds a table while it evaluates a root, so
// tables are built once per worker rather than once per root.
type fnTable struct {
	cur *rootModule
	ctx *hcl.EvalContext
}

// acquireTable returns a table for evaluating root, from the pool or new.
func (s *scanner) acquireTable(root *rootModule) *fnTable {
	var t *fnTable
	s.mu.Lock()
	if n := len(s.tables); n > 0 {
		t, s.tables = s.tables[n-1], s.tables[:n-1]
	}
	s.mu.Unlock()
	if t == nil {
		t = &fnTable{}
		get := func() (*scanner, *rootModule) { return s, t.cur }
		fns := budgetFunctions(get, sharedFunctions)
		t.ctx = &hcl.EvalContext{Functions: fns}
	}
	t.cur = root
	return t
}

// releaseTable returns a root's table to the pool once the root is evaluated.
func (s *scanner) releaseTable(root *rootModule) {
	if root.table == nil {
		return
	}
	root.table.cur = nil
	s.mu.Lock()
	s.tables = append(s.tables, root.table)
	s.mu.Unlock()
	root.table = nil
}

// budgetFunctions are the functions evaluation calls through the budget of
// the root module get returns: every function of table, wrapped to charge
// what it produces, and the internal functions meter's rewritten syntax
// tree calls.
func budgetFunctions(get func() (*scanner, *rootModule), table map[string]function.Function) map[string]function.Function {
	out := make(map[string]function.Function, len(table)+2)
	for name, f := range table {
		out[name] = wrapFunction(get, name, f)
	}
	out[fnIterate] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "collection", Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true}},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, _ := args[0].Unmark()
			if v.IsKnown() && !v.IsNull() && v.CanIterateElements() {
				s, root := get()
				if !root.charge(s, limElements, int64(v.LengthInt())) {
					return cty.NilVal, errLimit
				}
			}
			return args[0], nil
		},
	})
	out[fnPart] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "part", Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true}},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, _ := args[0].Unmark()
			if v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				s, root := get()
				if !root.charge(s, limBytes, int64(len(v.AsString()))) {
					return cty.NilVal, errLimit
				}
			}
			return args[0], nil
		},
	})
	return out
}

// wrapFunction charges a function's work: before the call for the
// functions whose output can be far larger than their arguments, after it
// for the others.
func wrapFunction(get func() (*scanner, *rootModule), name string, f function.Function) function.Function {
	base := strings.TrimPrefix(name, "core::")
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type:        func(args []cty.Value) (cty.Type, error) { return f.ReturnTypeForValues(args) },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, root := get()
			if b, e := estimate(base, args); b > 0 || e > 0 {
				if !root.charge(s, limBytes, b) || !root.charge(s, limElements, e) {
					return cty.NilVal, errLimit
				}
			}
			v, err := f.Call(args)
			if err != nil {
				return v, err
			}
			b, e := sizeOf(v, root.shareOf(s, limBytes))
			if !root.charge(s, limBytes, b) || !root.charge(s, limElements, e) {
				return cty.NilVal, errLimit
			}
			return v, nil
		},
	})
}

// estimate is, for the functions whose output can be far larger than their
// arguments, an upper bound of the bytes and elements the call would
// produce; 0, 0 for the others.
func estimate(name string, args []cty.Value) (bytes, elems int64) {
	str := func(i int) (string, bool) {
		if i >= len(args) {
			return "", false
		}
		v, _ := args[i].UnmarkDeep()
		if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
			return "", false
		}
		return v.AsString(), true
	}
	num := func(i int) int64 {
		if i >= len(args) {
			return 0
		}
		v, _ := args[i].UnmarkDeep()
		if !v.IsKnown() || v.IsNull() || v.Type() != cty.Number {
			return 0
		}
		f, _ := v.AsBigFloat().Float64()
		if f < 0 || math.IsNaN(f) {
			return 0
		}
		if f > math.MaxInt32 {
			return math.MaxInt32
		}
		return int64(f)
	}
	length := func(v cty.Value) int64 {
		v, _ = v.UnmarkDeep()
		if v.IsKnown() && !v.IsNull() && v.CanIterateElements() {
			return int64(v.LengthInt())
		}
		return 0
	}
	switch name {
	case "setproduct":
		p := int64(1)
		for _, a := range args {
			p = satMul(p, length(a))
		}
		return 0, satMul(p, int64(len(args)))
	case "format", "formatlist":
		f, _ := str(0)
		w := formatWidth(f)
		n := int64(1)
		if name == "formatlist" {
			for _, a := range args[1:] {
				if l := length(a); l > n {
					n = l
				}
			}
		}
		return satMul(n, w+int64(len(f))), n
	case "indent":
		s, _ := str(1)
		return satMul(num(0), int64(strings.Count(s, "\n")+1)) + int64(len(s)), 0
	case "replace":
		s, _ := str(0)
		sub, _ := str(1)
		repl, _ := str(2)
		n := int64(len(s)) + 1
		if sub != "" && !(len(sub) >= 2 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/")) {
			n = int64(len(s)/len(sub)) + 1
		}
		return satMul(n, int64(len(repl))) + int64(len(s)), 0
	case "join":
		sep, _ := str(0)
		var total, n int64
		for _, a := range args[1:] {
			a, _ = a.UnmarkDeep()
			if !a.IsKnown() || a.IsNull() || !a.CanIterateElements() {
				continue
			}
			for it := a.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.IsKnown() && !e.IsNull() && e.Type() == cty.String {
					total += int64(len(e.AsString()))
				}
				n++
			}
		}
		return total + satMul(n, int64(len(sep))), 0
	}
	return 0, 0
}

// formatWidth sums the widths and precisions of a format string's verbs.
func formatWidth(f string) int64 {
	var total int64
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(f) && strings.IndexByte("+- #0", f[j]) >= 0 {
			j++
		}
		for j < len(f) && (f[j] >= '0' && f[j] <= '9' || f[j] == '.') {
			start := j
			for j < len(f) && f[j] >= '0' && f[j] <= '9' {
				j++
			}
			if n, err := strconv.ParseInt(f[start:j], 10, 64); err == nil {
				total = satAdd(total, n)
			} else if j > start {
				total = math.MaxInt32
			}
			if j < len(f) && f[j] == '.' {
				j++
			}
		}
		i = j
	}
	return total
}

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// ---- the syntax tree ----------------------------------------------------------

// The internal functions meter calls. Their names cannot be written in a
// configuration (identifiers start with a letter).
const (
	fnIterate = "__kumoguard_iterate" // a for expression's collection: charges its elements
	fnPart    = "__kumoguard_part"    // a template part: charges its bytes before they are joined
)

// meter rewrites a native-syntax body so that evaluation charges the
// budget where HCL does work a configuration controls: each for
// expression's collection (once per evaluation: nested for expressions
// charge every inner iteration) and each interpolated part of a string
// template, before the parts are concatenated.
func meter(body *hclsyntax.Body) {
	for _, a := range body.Attributes {
		meterExpr(a.Expr)
	}
	for _, b := range body.Blocks {
		meter(b.Body)
	}
}

// meterExpr rewrites one expression and what it contains. (It walks the
// tree itself: hclsyntax.VisitAll allocates for every node.)
func meterExpr(e hclsyntax.Expression) {
	switch e := e.(type) {
	case *hclsyntax.ForExpr:
		meterExpr(e.CollExpr)
		e.CollExpr = &hclsyntax.FunctionCallExpr{Name: fnIterate, Args: []hclsyntax.Expression{e.CollExpr},
			NameRange: e.CollExpr.Range(), OpenParenRange: e.CollExpr.Range(), CloseParenRange: e.CollExpr.Range()}
		for _, x := range []hclsyntax.Expression{e.KeyExpr, e.ValExpr, e.CondExpr} {
			if x != nil {
				meterExpr(x)
			}
		}
	case *hclsyntax.TemplateExpr:
		for i, p := range e.Parts {
			if _, lit := p.(*hclsyntax.LiteralValueExpr); lit {
				continue
			}
			meterExpr(p)
			e.Parts[i] = &hclsyntax.FunctionCallExpr{Name: fnPart, Args: []hclsyntax.Expression{p},
				NameRange: p.Range(), OpenParenRange: p.Range(), CloseParenRange: p.Range()}
		}
	case *hclsyntax.TemplateJoinExpr:
		meterExpr(e.Tuple)
	case *hclsyntax.TemplateWrapExpr:
		meterExpr(e.Wrapped)
	case *hclsyntax.BinaryOpExpr:
		meterExpr(e.LHS)
		meterExpr(e.RHS)
	case *hclsyntax.UnaryOpExpr:
		meterExpr(e.Val)
	case *hclsyntax.ConditionalExpr:
		meterExpr(e.Condition)
		meterExpr(e.TrueResult)
		meterExpr(e.FalseResult)
	case *hclsyntax.FunctionCallExpr:
		for _, a := range e.Args {
			meterExpr(a)
		}
	case *hclsyntax.TupleConsExpr:
		for _, x := range e.Exprs {
			meterExpr(x)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, it := range e.Items {
			meterExpr(it.KeyExpr)
			meterExpr(it.ValueExpr)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		meterExpr(e.Wrapped)
	case *hclsyntax.ParenthesesExpr:
		meterExpr(e.Expression)
	case *hclsyntax.IndexExpr:
		meterExpr(e.Collection)
		meterExpr(e.Key)
	case *hclsyntax.RelativeTraversalExpr:
		meterExpr(e.Source)
	case *hclsyntax.SplatExpr:
		meterExpr(e.Source)
		meterExpr(e.Each)
	}
}

// limitDiags turns the diagnostics of a constant that a budget's function
// stopped into the LIMIT_EXCEEDED finding; nil when no limit was hit.
func limitDiags(s *scanner, diags hcl.Diagnostics) []model.Diagnostic {
	for _, d := range diags {
		if isLimitDiag(d) {
			var l model.Location
			if d.Subject != nil {
				l = loc(*d.Subject)
			}
			return []model.Diagnostic{limitDiag(l, model.Resource{}, s.limitText(limElements, limits[limElements].perRoot))}
		}
	}
	return nil
}

// refBytes is the string bytes of the locals and input variables the
// traversals refer to, counted once per reference: an upper bound of what
// a template joining them produces.
func (in *instance) refBytes(travs []hcl.Traversal) int64 {
	var total int64
	max := limits[limBytes].perRoot
	for _, t := range travs {
		name, ok := attrAt(t, 1)
		if !ok {
			continue
		}
		switch t.RootName() {
		case "local":
			if l := in.locals[name]; l != nil && l.state == lazyDone {
				if l.size < 0 {
					l.size, _ = sizeOf(l.val, max)
				}
				total = satAdd(total, l.size)
			}
		case "var":
			in.initVars()
			if vv := in.vars[name]; vv != nil {
				b, _ := sizeOf(vv.val, max)
				total = satAdd(total, b)
			}
		}
	}
	return total
}
