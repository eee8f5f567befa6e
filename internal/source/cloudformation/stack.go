package cloudformation

import (
	"github.com/kumoguard/kumoguard/internal/model"
)

// stack is one evaluation of a template: a top-level template with the
// command line's parameters, or a nested template with the parameters its
// parent passes.
type stack struct {
	t  *template
	sc *scanner
	// address is the logical-ID path prefix: "" for a top-level stack,
	// "AppStack/" for a nested one.
	address string
	// rootFile is the top template's file, relative to the scan root.
	rootFile string
	region   string
	parent   *stack
	// parentRes is the AWS::CloudFormation::Stack (or Serverless::Application)
	// resource in the parent that creates this stack.
	parentRes *resource
	slots     map[string]*paramSlot
	// notes are carried by every cluster of the stack (a nested stack created
	// only under a condition that could not be resolved).
	notes    []model.Text
	depth    int
	children map[string]*stack
	// b is the budget of the top-level template's evaluation, shared by
	// every stack it nests.
	b *budget
	// reported collects the problems found while evaluating this stack that
	// are not attached to a cluster value (invalid parameter values).
	diags []model.Diagnostic
}

// paramSource says where a parameter's value comes from.
type paramSource uint8

const (
	srcNone    paramSource = iota // no Default, no value given
	srcDefault                    // Parameters.X.Default
	srcFile                       // --parameter-file
	srcFlag                       // --parameter
	srcParent                     // a parent stack's Parameters property
	srcUnknown                    // given, but not knowable (UsePreviousValue)
)

// paramSlot is one parameter of one stack: its declaration and the value it
// gets there.
type paramSlot struct {
	st   *stack
	decl *paramDecl
	src  paramSource
	// raw is the value text given on the command line or in a file, with its
	// location (zero for a flag) and the name of the file or flag.
	raw    string
	rawLoc model.Location
	// parentExpr is the expression a parent stack passes.
	parentExpr *node
	unknownWhy model.Text
	// fixed caches the value when it does not depend on a world.
	fixed *result
}

// world assigns an allowed value (by index) to each parameter that has none;
// -1 means "too many combinations: treat it as open with candidates".
type world struct {
	choice map[*paramSlot]int
	// conds memoizes named conditions in this world, so that conditions
	// built from other conditions are evaluated once each.
	conds map[condKey]result
	// steps is shared by every world of one evaluation and bounds its work.
	steps *int
}

type condKey struct {
	st   *stack
	name string
}

// maxSteps bounds the work spent on one value, so that a template built to
// explode (deeply nested Fn::If on unknown conditions) cannot stall a scan.
const maxSteps = 200000

func newWorld() *world { return &world{steps: new(int)} }

func (w *world) with(s *paramSlot, i int) *world {
	m := make(map[*paramSlot]int, len(w.choice)+1)
	for k, v := range w.choice {
		m[k] = v
	}
	m[s] = i
	return &world{choice: m, steps: w.steps}
}

// maxWorlds bounds the number of parameter-value combinations enumerated for
// one expression.
const maxWorlds = 64

// evalWorlds evaluates n in every world the parameters without a value make
// possible, and returns one result per world, plus the parameters that were
// enumerated.
func (s *stack) evalWorlds(n *node, eval func(w *world) result) ([]result, []*paramSlot) {
	queue := []*world{newWorld()}
	var out []result
	var forked []*paramSlot
	for len(queue) > 0 {
		w := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		r := eval(w)
		if r.kind != resFork {
			out = append(out, r)
			continue
		}
		slot := r.fork
		seen := false
		for _, f := range forked {
			if f == slot {
				seen = true
			}
		}
		if !seen {
			forked = append(forked, slot)
		}
		allowed := len(slot.decl.allowed)
		if len(out)+len(queue)+allowed > maxWorlds {
			queue = append(queue, w.with(slot, -1))
			continue
		}
		for i := allowed - 1; i >= 0; i-- {
			queue = append(queue, w.with(slot, i))
		}
	}
	return out, forked
}

// combineWorlds merges the results of every world into one: known when every
// world gives the same value written in the same place, otherwise unknown
// with the possible values as candidates (or open), or invalid when some
// allowed combination of parameter values breaks the template.
func combineWorlds(results []result, forked []*paramSlot, at model.Location) result {
	kept := results[:0:0]
	for _, r := range results {
		if r.kind != resSkip {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		return result{kind: resSkip, use: at}
	}
	results = kept
	if len(forked) == 0 && len(results) == 1 {
		return results[0]
	}
	var whys []model.Text
	for _, f := range forked {
		whys = append(whys, f.missingWhy())
	}
	var cands []result
	open := false
	var openWhy []model.Text
	for _, r := range results {
		switch r.kind {
		case resInvalid:
			return r
		case resUnknown:
			if len(r.cands) == 0 {
				open = true
				openWhy = append(openWhy, r.why)
			}
			for _, c := range r.cands {
				cands = addCandidate(cands, c)
			}
			whys = append(whys, r.why)
		default:
			cands = addCandidate(cands, r)
		}
	}
	use := at
	if open {
		return unknown(use, joinWhy(append(whys, openWhy...)...))
	}
	if len(cands) == 1 && results[0].kind != resUnknown {
		same := true
		for _, r := range results[1:] {
			if r.use != results[0].use || r.kind == resUnknown || !sameOrigins(r.prov, results[0].prov) {
				same = false
			}
		}
		if same {
			return results[0]
		}
	}
	return unknown(use, joinWhy(whys...), cands...)
}

// evalValue evaluates an expression of this stack over every world.
func (s *stack) evalValue(n *node) result {
	rs, forked := s.evalWorlds(n, func(w *world) result { return s.eval(n, w, 0) })
	return combineWorlds(rs, forked, s.t.loc(n.pos))
}

// evalResourceValue evaluates a property of a resource over every world in
// which the resource is created: where its Condition is false, the value
// does not matter.
func (s *stack) evalResourceValue(r *resource, n *node) result {
	rs, forked := s.evalWorlds(n, func(w *world) result {
		if r.cond != "" {
			c := s.condition(r.cond, r.condPos, w, nil)
			switch {
			case c.kind == resFork:
				return c
			case c.kind == resKnown && c.s != "true":
				return result{kind: resSkip}
			}
		}
		return s.eval(n, w, 0)
	})
	return combineWorlds(rs, forked, s.t.loc(n.pos))
}

func sameOrigins(a, b []model.Origin) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// evalConditionAll evaluates a named condition over every world: "true",
// "false", unknown or invalid.
func (s *stack) evalConditionAll(name string, at pos) result {
	rs, forked := s.evalWorlds(nil, func(w *world) result { return s.condition(name, at, w, nil) })
	return combineWorlds(rs, forked, s.t.loc(at))
}
