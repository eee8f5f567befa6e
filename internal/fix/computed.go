package fix

import (
	"fmt"
	"math/big"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/kumoguard/kumoguard/internal/model"
)

// editPlace is where the window of one finding is changed for its own
// environment, read from the finding's provenance (model.Origin).
type editPlace struct {
	// def is the place edited: the last step of the provenance, the module
	// call that leaves the module's input unset (the default that applies
	// is dflt), or the step where an expression computes the window.
	def model.Origin
	has bool
	// dflt is the module's variable default that applies when def is a
	// module call (OriginModuleCall).
	dflt model.Origin
	// input is where a computed expression's one input is defined (the last
	// step after def), when the provenance leads on to it.
	input    model.Origin
	hasInput bool
	// through is the module input the value enters the module by (the first
	// module argument or module call of the chain), for the "via" note.
	through    model.Origin
	hasThrough bool
	// use is where the resource uses the value (the first step).
	use model.Origin
}

// placeOf reads the edit place from a provenance. A value computed by an
// expression is changed at the expression (never in its input, which holds
// another value); a module default that the call leaves unset is changed by
// setting the input in the call, so only that caller's environment changes.
func placeOf(prov []model.Origin) editPlace {
	var p editPlace
	if len(prov) == 0 {
		return p
	}
	p.has, p.use = true, prov[0]
	for _, o := range prov {
		if o.Kind == model.OriginModuleArgument || o.Kind == model.OriginModuleCall {
			p.through, p.hasThrough = o, true
			break
		}
	}
	for i, o := range prov {
		if o.Expression != "" {
			p.def = o
			if i < len(prov)-1 {
				p.input, p.hasInput = prov[len(prov)-1], true
			}
			return p
		}
	}
	last := prov[len(prov)-1]
	if n := len(prov); last.Kind == model.OriginVariableDefault && n >= 2 && prov[n-2].Kind == model.OriginModuleCall {
		p.def, p.dflt = prov[n-2], last
		return p
	}
	p.def = last
	return p
}

// inRoot reports whether a file (relative to the scan root) belongs to the
// root module directory root: the root's own files, not a module it calls.
func inRoot(file, root string) bool {
	if root == "" || file == "" {
		return false
	}
	return path.Dir(file) == path.Clean(root)
}

// affine is a·x + b, the form of an expression of one input and constants.
type affine struct{ a, b *big.Rat }

// affineOf reads an expression made of one reference, number literals, + - *
// / and parentheses as a·x + b, and names the reference. ok is false for
// anything else (a function call, two references, x·x).
func affineOf(expr string) (ref string, f affine, ok bool) {
	e, diags := hclsyntax.ParseExpression([]byte(expr), "expression", hcl.InitialPos)
	if diags.HasErrors() {
		return "", affine{}, false
	}
	var walk func(e hclsyntax.Expression) (affine, bool)
	walk = func(e hclsyntax.Expression) (affine, bool) {
		switch x := e.(type) {
		case *hclsyntax.ParenthesesExpr:
			return walk(x.Expression)
		case *hclsyntax.TemplateWrapExpr:
			return walk(x.Wrapped)
		case *hclsyntax.LiteralValueExpr:
			if x.Val.IsNull() || !x.Val.IsKnown() || x.Val.Type().FriendlyName() != "number" {
				return affine{}, false
			}
			r, _ := new(big.Rat).SetString(x.Val.AsBigFloat().Text('f', -1))
			if r == nil {
				return affine{}, false
			}
			return affine{new(big.Rat), r}, true
		case *hclsyntax.ScopeTraversalExpr:
			name := traversalText(x.Traversal)
			if name == "" || (ref != "" && ref != name) {
				return affine{}, false
			}
			ref = name
			return affine{big.NewRat(1, 1), new(big.Rat)}, true
		case *hclsyntax.UnaryOpExpr:
			if x.Op != hclsyntax.OpNegate {
				return affine{}, false
			}
			v, ok := walk(x.Val)
			if !ok {
				return affine{}, false
			}
			return affine{new(big.Rat).Neg(v.a), new(big.Rat).Neg(v.b)}, true
		case *hclsyntax.BinaryOpExpr:
			l, ok1 := walk(x.LHS)
			r, ok2 := walk(x.RHS)
			if !ok1 || !ok2 {
				return affine{}, false
			}
			switch x.Op {
			case hclsyntax.OpAdd:
				return affine{new(big.Rat).Add(l.a, r.a), new(big.Rat).Add(l.b, r.b)}, true
			case hclsyntax.OpSubtract:
				return affine{new(big.Rat).Sub(l.a, r.a), new(big.Rat).Sub(l.b, r.b)}, true
			case hclsyntax.OpMultiply:
				switch {
				case l.a.Sign() == 0:
					return affine{new(big.Rat).Mul(l.b, r.a), new(big.Rat).Mul(l.b, r.b)}, true
				case r.a.Sign() == 0:
					return affine{new(big.Rat).Mul(r.b, l.a), new(big.Rat).Mul(r.b, l.b)}, true
				}
			case hclsyntax.OpDivide:
				if r.a.Sign() == 0 && r.b.Sign() != 0 {
					return affine{new(big.Rat).Quo(l.a, r.b), new(big.Rat).Quo(l.b, r.b)}, true
				}
			}
		}
		return affine{}, false
	}
	f, ok = walk(e)
	if !ok || ref == "" || f.a.Sign() <= 0 {
		return "", affine{}, false
	}
	return ref, f, true
}

// traversalText renders var.hours, local.cfg.hours, each.value.
func traversalText(t hcl.Traversal) string {
	var b strings.Builder
	for _, s := range t {
		switch st := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(st.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + st.Name)
		default:
			return ""
		}
	}
	return b.String()
}

// inputFor is the smallest whole value x of the input for which a·x + b is
// at least target and at most the largest window AWS accepts (259200 s,
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html),
// and the window it gives. ok is false when no whole value does.
func (f affine) inputFor(target int64) (x int64, gives int64, ok bool) {
	// x = ceil((target - b) / a)
	q := new(big.Rat).Quo(new(big.Rat).Sub(big.NewRat(target, 1), f.b), f.a)
	n := new(big.Int).Quo(q.Num(), q.Denom())
	if new(big.Rat).SetInt(n).Cmp(q) < 0 {
		n.Add(n, big.NewInt(1))
	}
	if !n.IsInt64() {
		return 0, 0, false
	}
	v := new(big.Rat).Add(new(big.Rat).Mul(f.a, new(big.Rat).SetInt(n)), f.b)
	if !v.IsInt() || !v.Num().IsInt64() {
		return 0, 0, false
	}
	g := v.Num().Int64()
	if g < target || g > model.MaxWindowSeconds {
		return 0, 0, false
	}
	return n.Int64(), g, true
}

// tr is model.T where an argument may itself be a model.Text: each language
// gets that text in its own language.
func tr(en, ja string, args ...any) model.Text {
	e := make([]any, len(args))
	j := make([]any, len(args))
	for i, a := range args {
		if t, ok := a.(model.Text); ok {
			e[i], j[i] = t.EN, t.JA
			continue
		}
		e[i], j[i] = a, a
	}
	return model.Text{EN: fmt.Sprintf(en, e...), JA: fmt.Sprintf(ja, j...)}
}
