package cloudformation

import (
	"fmt"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// resultKind says what evaluating an expression gave.
type resultKind uint8

const (
	// resKnown: a scalar (s, sk), a list (list) or a mapping (obj).
	resKnown resultKind = iota
	// resUnknown: depends on something kumoguard cannot know. cands holds every
	// possible value when they are enumerable; nil means open.
	resUnknown
	// resNoValue: AWS::NoValue, the property is removed.
	resNoValue
	// resInvalid: the template (or a parameter value) is broken; why says how.
	resInvalid
	// resFork: the value depends on a parameter with no value but with
	// AllowedValues; the evaluation is run again once per allowed value.
	resFork
	// resSkip: the value does not matter in this world (the resource is not
	// created there).
	resSkip
)

// result is the value of an expression in one stack, for one choice of
// values of the parameters that have none (a world).
type result struct {
	kind resultKind
	s    string   // scalar text
	sk   nodeKind // kindString, kindInt, kindFloat, kindBool, kindNull; kindSeq for list; kindMap for obj
	list []result
	obj  *node
	// use is where, in the file being evaluated, the value was produced: the
	// literal, the Ref, the chosen branch of an Fn::If, the Fn::FindInMap.
	use model.Location
	// prov lists the places the value was defined beyond use (parameter
	// default or value, mapping, a parent stack's parameter), in order.
	prov []model.Origin
	why  model.Text
	// cands: for resUnknown, every possible value (known scalars or no value).
	cands []result
	fork  *paramSlot
	// secret: the value is (or comes from) a NoEcho parameter; it is
	// evaluated, but messages never show it.
	secret bool
}

func known(s string, sk nodeKind, use model.Location) result {
	return result{kind: resKnown, s: s, sk: sk, use: use}
}

func knownString(s string, use model.Location) result { return known(s, kindString, use) }

func unknown(use model.Location, why model.Text, cands ...result) result {
	return result{kind: resUnknown, use: use, why: why, cands: cands}
}

func invalid(use model.Location, why model.Text) result {
	return result{kind: resInvalid, use: use, why: why}
}

func (r result) isScalar() bool { return r.kind == resKnown && r.sk <= kindBool }

// possible returns the concrete values a result can take, and false when
// they are open (an unknown without candidates).
func (r result) possible() ([]result, bool) {
	switch r.kind {
	case resKnown, resNoValue:
		return []result{r}, true
	case resUnknown:
		return r.cands, len(r.cands) > 0
	}
	return nil, false
}

// sameValue reports whether two concrete results are the same value.
func sameValue(a, b result) bool {
	if a.kind != b.kind {
		return false
	}
	if a.kind == resNoValue {
		return true
	}
	if a.sk == kindSeq || b.sk == kindSeq {
		if a.sk != b.sk || len(a.list) != len(b.list) {
			return false
		}
		for i := range a.list {
			if !sameValue(a.list[i], b.list[i]) {
				return false
			}
		}
		return true
	}
	if a.sk == kindMap || b.sk == kindMap {
		return a.obj == b.obj
	}
	return a.s == b.s
}

// maxCandidates bounds the candidate sets kumoguard enumerates.
const maxCandidates = 64

// addCandidate appends r to cands unless an equal value is already there.
func addCandidate(cands []result, r result) []result {
	for _, c := range cands {
		if sameValue(c, r) {
			return cands
		}
	}
	return append(cands, r)
}

// joinWhy combines reasons, without repeating one.
func joinWhy(parts ...model.Text) model.Text {
	var uniq []model.Text
	var seen map[string]bool
	more := 0
	for _, p := range parts {
		if p.IsZero() {
			continue
		}
		dup := false
		if seen != nil {
			dup = seen[p.EN]
		} else {
			for _, u := range uniq {
				if u.EN == p.EN {
					dup = true
					break
				}
			}
		}
		if dup {
			continue
		}
		if len(uniq) == maxReasons {
			// A value built from thousands of unknown parts (a Fn::Join of
			// them) names the first few: the text stays readable and its
			// size bounded.
			if seen == nil {
				seen = make(map[string]bool, len(uniq))
				for _, u := range uniq {
					seen[u.EN] = true
				}
			}
			seen[p.EN] = true
			more++
			continue
		}
		uniq = append(uniq, p)
	}
	if more > 0 {
		uniq = append(uniq, model.T("and %d other reasons", "ほか %d 件の理由", more))
	}
	return model.Join(model.T("; ", "。"), uniq...)
}

// maxReasons bounds the reasons one unknown value names.
const maxReasons = 20

// lift applies f to every combination of the possible values of args. Any
// fork or invalid argument is returned as it is; an open unknown argument
// gives an open unknown; otherwise the result is known when every argument
// is, or an unknown whose candidates are f's results.
func lift(use model.Location, args []result, f func([]result) result) result {
	var whys []model.Text
	anyUnknown, open := false, false
	for _, a := range args {
		switch a.kind {
		case resFork, resInvalid:
			return a
		case resUnknown:
			anyUnknown = true
			whys = append(whys, a.why)
			if len(a.cands) == 0 {
				open = true
			}
		}
	}
	if !anyUnknown {
		return f(args)
	}
	why := joinWhy(whys...)
	if open {
		return unknown(use, why)
	}
	combos := 1
	for _, a := range args {
		if a.kind == resUnknown {
			combos *= len(a.cands)
			if combos > maxCandidates {
				return unknown(use, why)
			}
		}
	}
	var cands []result
	cur := make([]result, len(args))
	var rec func(i int) *result
	rec = func(i int) *result {
		if i == len(args) {
			r := f(cur)
			switch r.kind {
			case resFork, resInvalid:
				return &r
			case resUnknown:
				if len(r.cands) == 0 {
					return &r
				}
				for _, c := range r.cands {
					cands = addCandidate(cands, c)
				}
			default:
				cands = addCandidate(cands, r)
			}
			return nil
		}
		if args[i].kind != resUnknown {
			cur[i] = args[i]
			return rec(i + 1)
		}
		for _, c := range args[i].cands {
			cur[i] = c
			if r := rec(i + 1); r != nil {
				return r
			}
		}
		return nil
	}
	if r := rec(0); r != nil {
		if r.kind == resUnknown {
			return unknown(use, joinWhy(why, r.why))
		}
		return *r
	}
	if len(cands) > maxCandidates {
		return unknown(use, why)
	}
	return unknown(use, why, cands...)
}

// scalarText renders a known scalar for messages.
func (r result) scalarText() string {
	if r.sk == kindString {
		return `"` + r.s + `"`
	}
	return r.s
}

// candidateList renders candidates for messages: "dev, prod".
func candidateList(cands []result) string {
	parts := make([]string, 0, len(cands))
	for _, c := range cands {
		if c.kind == resNoValue {
			parts = append(parts, "AWS::NoValue")
			continue
		}
		parts = append(parts, c.s)
	}
	return strings.Join(parts, ", ")
}

// bi formats a bilingual message like model.T; an argument that is itself a
// model.Text is taken in the matching language.
func bi(en, ja string, args ...any) model.Text {
	enArgs, jaArgs := make([]any, len(args)), make([]any, len(args))
	for i, a := range args {
		if t, ok := a.(model.Text); ok {
			enArgs[i], jaArgs[i] = t.EN, t.JA
			continue
		}
		enArgs[i], jaArgs[i] = a, a
	}
	return model.Text{EN: fmt.Sprintf(en, enArgs...), JA: fmt.Sprintf(ja, jaArgs...)}
}
