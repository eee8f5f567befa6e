package tfplan

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Terraform addresses and references ("module.db[0].aws_rds_cluster.this",
// "aws_rds_global_cluster.this.id") are HCL traversals, so they are parsed
// with hclsyntax rather than split by hand.

// resourceRef is a resource instance named by an address or a reference.
type resourceRef struct {
	module  string   // module instance address ("" for the root module), e.g. module.db[0]
	calls   []string // module call names, e.g. ["db"]
	typ     string
	name    string
	key     string // canonical instance key ("[0]", `["a"]`), "" when none
	hasKey  bool
	managed bool // false for data sources
}

// resource returns the address without the instance key.
func (r resourceRef) resource() string {
	s := r.typ + "." + r.name
	if !r.managed {
		s = "data." + s
	}
	if r.module != "" {
		s = r.module + "." + s
	}
	return s
}

// String returns the full instance address.
func (r resourceRef) String() string { return r.resource() + r.key }

// parseAddress parses an absolute resource instance address (with its
// module path) or a module-relative reference (for which the remaining
// attribute steps are ignored). ok is false for anything that does not name a
// resource (var.x, local.y, module outputs, path.module, ...).
func parseAddress(s string) (resourceRef, bool) {
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.InitialPos)
	if diags.HasErrors() || len(trav) == 0 {
		return resourceRef{}, false
	}
	steps := make([]any, 0, len(trav))
	for _, t := range trav {
		switch t := t.(type) {
		case hcl.TraverseRoot:
			steps = append(steps, t.Name)
		case hcl.TraverseAttr:
			steps = append(steps, t.Name)
		case hcl.TraverseIndex:
			k, ok := canonicalKey(t.Key)
			if !ok {
				return resourceRef{}, false
			}
			steps = append(steps, indexKey(k))
		default:
			return resourceRef{}, false
		}
	}
	var r resourceRef
	var mod []string
	i := 0
	name := func() (string, bool) {
		if i < len(steps) {
			if s, ok := steps[i].(string); ok {
				i++
				return s, true
			}
		}
		return "", false
	}
	for i < len(steps) && steps[i] == "module" {
		i++
		call, ok := name()
		if !ok {
			return resourceRef{}, false
		}
		r.calls = append(r.calls, call)
		seg := "module." + call
		if i < len(steps) {
			if k, ok := steps[i].(indexKey); ok {
				seg += string(k)
				i++
			}
		}
		mod = append(mod, seg)
	}
	r.module = strings.Join(mod, ".")
	r.managed = true
	first, ok := name()
	if !ok {
		return resourceRef{}, false
	}
	switch first {
	case "data":
		r.managed = false
		if first, ok = name(); !ok {
			return resourceRef{}, false
		}
	case "var", "local", "path", "terraform", "count", "each", "self", "module", "ephemeral":
		return resourceRef{}, false
	}
	r.typ = first
	if r.name, ok = name(); !ok {
		return resourceRef{}, false
	}
	if i < len(steps) {
		if k, ok := steps[i].(indexKey); ok {
			r.key, r.hasKey = string(k), true
		}
	}
	return r, true
}

type indexKey string

// canonicalKey renders an instance key the way Terraform prints it:
// [0] or ["name"].
func canonicalKey(v cty.Value) (string, bool) {
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	switch v.Type() {
	case cty.Number:
		return "[" + v.AsBigFloat().Text('f', -1) + "]", true
	case cty.String:
		return "[" + strconv.Quote(v.AsString()) + "]", true
	}
	return "", false
}

// keyOf renders a terraform-json instance index (a json.Number or string).
func keyOf(index any) (string, bool) {
	switch k := index.(type) {
	case nil:
		return "", false
	case string:
		return "[" + strconv.Quote(k) + "]", true
	case interface{ String() string }: // json.Number
		return "[" + k.String() + "]", true
	case float64:
		return "[" + strconv.FormatFloat(k, 'f', -1, 64) + "]", true
	}
	return "", false
}
