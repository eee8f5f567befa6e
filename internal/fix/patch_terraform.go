package fix

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Terraform patches. The place to edit comes from the finding's provenance
// (the range of the literal that finally defines the window: on the resource,
// in a variable default, a tfvars file, a local or a module argument). The
// literal is found with hclsyntax, which gives exact byte ranges, and
// replaced in place; the new literal is rendered by hclwrite. hclwrite's own
// File.Bytes() re-spaces aligned attributes when it round-trips a file, so
// kumoguard splices instead of writing the hclwrite tree back: every other
// byte of the file stays as it was. The result is re-parsed by both hclsyntax
// and hclwrite before it can be written.

// hclNumber renders an integer the way hclwrite writes a cty number.
func hclNumber(v int64) string {
	return strings.TrimSpace(string(hclwrite.TokensForValue(cty.NumberIntVal(v)).Bytes()))
}

func parseHCL(src []byte, file string) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s", diags.Error())
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("%s: not native HCL syntax", file)
	}
	return body, nil
}

// hclSetLiteral returns the edit that sets the number literal starting at loc
// to value, and the literal's current text.
func hclSetLiteral(s *source, loc model.Location, value int64) (edit, string, error) {
	src, file := s.src, s.name
	if _, err := s.hcl(); err != nil {
		return edit{}, "", err
	}
	var found hclsyntax.Expression
	for _, e := range s.exprs[[2]int{loc.Line, loc.Column}] {
		r := e.Range()
		if loc.EndLine > 0 && (r.End.Line != loc.EndLine || r.End.Column != loc.EndColumn) {
			continue
		}
		// The innermost expression at the position wins.
		if found == nil || r.End.Byte-r.Start.Byte < found.Range().End.Byte-found.Range().Start.Byte {
			found = e
		}
	}
	if found == nil {
		return edit{}, "", fmt.Errorf("%s: no expression starts at line %d, column %d (the file changed since the scan?)", file, loc.Line, loc.Column)
	}
	r := found.Range()
	old := string(src[r.Start.Byte:r.End.Byte])
	if err := standalone(s.hclBody, found, src, file); err != nil {
		return edit{}, old, err
	}
	switch e := found.(type) {
	case *hclsyntax.LiteralValueExpr:
		if e.Val.IsNull() && old == "null" {
			// A null default means "not set": the window is written in its place.
			return edit{start: r.Start.Byte, end: r.End.Byte, text: hclNumber(value)}, old, nil
		}
		if e.Val.Type() != cty.Number {
			return edit{}, old, fmt.Errorf("%s:%d:%d: %s is not a number", file, loc.Line, loc.Column, old)
		}
		return edit{start: r.Start.Byte, end: r.End.Byte, text: hclNumber(value)}, old, nil
	case *hclsyntax.TemplateExpr:
		if !e.IsStringLiteral() {
			break
		}
		v, _ := e.Value(nil)
		if _, err := strconv.ParseInt(v.AsString(), 10, 64); err != nil {
			return edit{}, old, fmt.Errorf("%s:%d:%d: %s is not a number", file, loc.Line, loc.Column, old)
		}
		// Keep the author's quoting: "3600" becomes "86400".
		return edit{start: r.Start.Byte, end: r.End.Byte, text: strconv.Quote(hclNumber(value))}, old, nil
	}
	return edit{}, old, fmt.Errorf("%s:%d:%d: the window is computed by the expression %s; change it by hand", file, loc.Line, loc.Column, old)
}

// standalone checks that the literal is the whole value of an attribute (or
// one entry of a map, object or list value): a literal inside a conditional,
// a function call or an operation is one input of an expression, and writing
// a number there changes what the expression means. The disabled branch of
// `var.enable_backtrack ? local.window : 0` is what the feature flag turns
// off; making it 86400 would silently override the flag for every caller.
func standalone(body *hclsyntax.Body, lit hclsyntax.Expression, src []byte, file string) error {
	lr := lit.Range()
	var err error
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		a, ok := n.(*hclsyntax.Attribute)
		if !ok || err != nil {
			return nil
		}
		ar := a.Expr.Range()
		if lr.Start.Byte < ar.Start.Byte || lr.End.Byte > ar.End.Byte {
			return nil
		}
		e := a.Expr
		for e != lit {
			var next hclsyntax.Expression
			switch x := e.(type) {
			case *hclsyntax.ObjectConsExpr:
				for _, it := range x.Items {
					if contains(it.ValueExpr.Range(), lr) {
						next = it.ValueExpr
					}
				}
			case *hclsyntax.TupleConsExpr:
				for _, it := range x.Exprs {
					if contains(it.Range(), lr) {
						next = it
					}
				}
			case *hclsyntax.ParenthesesExpr:
				next = x.Expression
			case *hclsyntax.TemplateWrapExpr:
				next = x.Wrapped
			case *hclsyntax.ConditionalExpr:
				cr := x.Range()
				err = fmt.Errorf("%s:%d:%d: the window %s is one branch of the conditional %s (line %d); writing a number there would change what the condition selects (the branch a feature flag turns off would no longer be off), so it is left alone: decide by hand which branch should carry the window",
					file, lr.Start.Line, lr.Start.Column, string(src[lr.Start.Byte:lr.End.Byte]), string(src[cr.Start.Byte:cr.End.Byte]), cr.Start.Line)
				return nil
			}
			if next == nil {
				er := e.Range()
				err = fmt.Errorf("%s:%d:%d: the window %s is part of the expression %s; writing a number there would change what the expression means, so it is left alone: change it by hand",
					file, lr.Start.Line, lr.Start.Column, string(src[lr.Start.Byte:lr.End.Byte]), string(src[er.Start.Byte:er.End.Byte]))
				return nil
			}
			e = next
		}
		return nil
	})
	return err
}

func contains(outer, inner hcl.Range) bool {
	return outer.Start.Byte <= inner.Start.Byte && inner.End.Byte <= outer.End.Byte
}

// hclInsertWindow returns the edit that adds backtrack_window to the
// aws_rds_cluster block whose header is at loc.
func hclInsertWindow(s *source, loc model.Location, value int64) (edit, error) {
	file := s.name
	return hclInsertAttribute(s, func(b *hclsyntax.Block) bool {
		return b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == "aws_rds_cluster" && b.TypeRange.Start.Line == loc.Line
	}, fmt.Sprintf("%s:%d: no aws_rds_cluster block starts here (the file changed since the scan?)", file, loc.Line), "backtrack_window", value)
}

// hclInsertModuleArgument returns the edit that adds name = value to the
// call of module mod.
func hclInsertModuleArgument(s *source, mod, name string, value int64) (edit, error) {
	file := s.name
	return hclInsertAttribute(s, func(b *hclsyntax.Block) bool {
		return b.Type == "module" && len(b.Labels) == 1 && b.Labels[0] == mod
	}, fmt.Sprintf("%s: no module %q block", file, mod), name, value)
}

// hclInsertCallArgument returns the edit that adds name = value to the
// module call whose header is at loc (the call that leaves the module's
// input unset, as the scan found it).
func hclInsertCallArgument(s *source, loc model.Location, name string, value int64) (edit, error) {
	file := s.name
	return hclInsertAttribute(s, func(b *hclsyntax.Block) bool {
		return b.Type == "module" && len(b.Labels) == 1 && b.TypeRange.Start.Line == loc.Line && b.TypeRange.Start.Column == loc.Column
	}, fmt.Sprintf("%s:%d: no module call starts here (the file changed since the scan?)", file, loc.Line), name, value)
}

// hclInsertAttribute adds name = value to the first top-level block match
// accepts. The line goes after the block's last attribute before any nested
// block, with that attribute's indentation, and its "=" aligned with it when
// the names allow.
func hclInsertAttribute(s *source, match func(*hclsyntax.Block) bool, notFound, name string, value int64) (edit, error) {
	src, file := s.src, s.name
	body, err := s.hcl()
	if err != nil {
		return edit{}, err
	}
	var blk *hclsyntax.Block
	for _, b := range body.Blocks {
		if match(b) {
			blk = b
			break
		}
	}
	if blk == nil {
		return edit{}, fmt.Errorf("%s", notFound)
	}
	loc := model.Location{Line: blk.TypeRange.Start.Line}
	if _, ok := blk.Body.Attributes[name]; ok {
		return edit{}, fmt.Errorf("%s:%d: the block already sets %s", file, loc.Line, name)
	}
	if blk.OpenBraceRange.Start.Line == blk.CloseBraceRange.Start.Line {
		return edit{}, fmt.Errorf("%s:%d: a one-line block; add %s by hand", file, loc.Line, name)
	}
	firstBlock := blk.CloseBraceRange.Start.Byte
	for _, nb := range blk.Body.Blocks {
		if nb.TypeRange.Start.Byte < firstBlock {
			firstBlock = nb.TypeRange.Start.Byte
		}
	}
	var last *hclsyntax.Attribute
	for _, a := range blk.Body.Attributes {
		if a.SrcRange.Start.Byte < firstBlock && (last == nil || a.SrcRange.Start.Byte > last.SrcRange.Start.Byte) {
			last = a
		}
	}
	if last == nil {
		at := lineEnd(src, blk.OpenBraceRange.End.Byte)
		indent := indentOf(src, blk.TypeRange.Start.Byte) + "  "
		return edit{start: at, end: at, text: indent + name + " = " + hclNumber(value) + "\n"}, nil
	}
	at := lineEnd(src, last.SrcRange.End.Byte)
	indent := indentOf(src, last.SrcRange.Start.Byte)
	pad := " "
	// Align with the previous attribute's "=" as terraform fmt would.
	if eq := last.EqualsRange.Start.Column - 1 - len(indent); eq > len(name) {
		pad = strings.Repeat(" ", eq-len(name))
	}
	text := indent + name + pad + "= " + hclNumber(value) + "\n"
	if at == len(src) && (len(src) == 0 || src[len(src)-1] != '\n') {
		text = "\n" + strings.TrimSuffix(text, "\n")
	}
	return edit{start: at, end: at, text: text}, nil
}

// checkHCL re-parses a patched file with both parsers.
func checkHCL(src []byte, file string) error {
	if _, err := parseHCL(src, file); err != nil {
		return err
	}
	if _, diags := hclwrite.ParseConfig(src, file, hcl.InitialPos); diags.HasErrors() {
		return fmt.Errorf("%s", diags.Error())
	}
	return nil
}
