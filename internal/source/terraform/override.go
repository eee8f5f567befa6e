package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Override files and OpenTofu's .tofu files, applied as Terraform and
// OpenTofu apply them before a plan:
// https://developer.hashicorp.com/terraform/language/files/override and
// https://opentofu.org/docs/language/files/ (".tofu" files).
//
// - A file named override.tf / override.tf.json, or ending in _override.tf /
//   _override.tf.json (and the .tofu forms), is an override file. Override
//   files are set aside while the other files load, then applied one by one
//   in lexical order of their names, each block in file order.
// - A top-level block of an override file merges into the block with the
//   same header (type and labels): an argument replaces the argument of the
//   same name; nested blocks of a type replace every block of that type (a
//   dynamic "x" block counts as a block of type x); block types the override
//   does not mention stay.
// - locals are merged value by value, whichever locals block holds them.
// - An override block with nothing to merge into is an error (Terraform:
//   "Missing resource to override" and the like).
// - A .tofu (.tofu.json) file takes the place of the .tf (.tf.json) file of
//   the same name.

// configStem returns the name of a configuration file without its
// extension, and whether it is an OpenTofu file; ok is false when the name
// is not configuration.
func configStem(name string) (stem string, tofu, ok bool) {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
		return "", false, false
	}
	for _, ext := range []struct {
		s    string
		tofu bool
	}{{".tf.json", false}, {".tofu.json", true}, {".tf", false}, {".tofu", true}} {
		if strings.HasSuffix(name, ext.s) {
			return strings.TrimSuffix(name, ext.s), ext.tofu, true
		}
	}
	return "", false, false
}

// isOverrideFile reports whether a configuration file name is an override file.
func isOverrideFile(name string) bool {
	stem, _, ok := configStem(name)
	return ok && (stem == "override" || strings.HasSuffix(stem, "_override"))
}

// tofuTwin is the .tf / .tf.json name a .tofu / .tofu.json file shadows.
func tofuTwin(name string) string {
	switch {
	case strings.HasSuffix(name, ".tofu.json"):
		return strings.TrimSuffix(name, ".tofu.json") + ".tf.json"
	case strings.HasSuffix(name, ".tofu"):
		return strings.TrimSuffix(name, ".tofu") + ".tf"
	}
	return ""
}

// mergedBody is a block body with an override body merged into it.
type mergedBody struct {
	base, over hcl.Body
}

var _ hcl.Body = mergedBody{}

func (m mergedBody) Content(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	c, _, diags := m.PartialContent(schema)
	return c, diags
}

func (m mergedBody) PartialContent(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	bc, brest, diags := m.base.PartialContent(schema)
	oc, orest, odiags := m.over.PartialContent(optionalSchema(schema))
	diags = append(diags, odiags...)
	return mergeContent(bc, oc), mergedBody{base: brest, over: orest}, diags
}

func (m mergedBody) JustAttributes() (hcl.Attributes, hcl.Diagnostics) {
	attrs, diags := m.base.JustAttributes()
	over, odiags := m.over.JustAttributes()
	diags = append(diags, odiags...)
	out := make(hcl.Attributes, len(attrs)+len(over))
	for n, a := range attrs {
		out[n] = a
	}
	for n, a := range over {
		out[n] = a
	}
	return out, diags
}

func (m mergedBody) MissingItemRange() hcl.Range { return m.base.MissingItemRange() }

// optionalSchema is schema with no required attribute: an override block
// sets only what it changes.
func optionalSchema(schema *hcl.BodySchema) *hcl.BodySchema {
	out := &hcl.BodySchema{Blocks: schema.Blocks, Attributes: make([]hcl.AttributeSchema, len(schema.Attributes))}
	for i, a := range schema.Attributes {
		a.Required = false
		out.Attributes[i] = a
	}
	return out
}

// mergeContent merges override content into base content: attributes by
// name; the override's nested blocks replace every base block of their type.
func mergeContent(base, over *hcl.BodyContent) *hcl.BodyContent {
	if base == nil {
		base = &hcl.BodyContent{}
	}
	if over == nil {
		return base
	}
	out := &hcl.BodyContent{Attributes: make(hcl.Attributes, len(base.Attributes)+len(over.Attributes)),
		MissingItemRange: base.MissingItemRange}
	for n, a := range base.Attributes {
		out.Attributes[n] = a
	}
	for n, a := range over.Attributes {
		out.Attributes[n] = a
	}
	replaced := map[string]bool{}
	for _, b := range over.Blocks {
		replaced[blockKind(b)] = true
	}
	for _, b := range base.Blocks {
		if !replaced[blockKind(b)] {
			out.Blocks = append(out.Blocks, b)
		}
	}
	out.Blocks = append(out.Blocks, over.Blocks...)
	return out
}

// blockKind is the type a nested block produces: its type, or for a
// dynamic block the type it generates.
func blockKind(b *hcl.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}
