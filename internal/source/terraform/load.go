package terraform

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// moduleDef is one module directory, parsed once and shared by every
// instance that calls it.
type moduleDef struct {
	dir string // absolute
	rel string // relative to the scan root, forward slashes

	files     []*sourceFile
	variables map[string]*variableDecl
	locals    map[string]*hcl.Attribute
	resources []*resourceDecl
	byAddr    map[string]*resourceDecl // "type.name" for managed resources
	calls     []*moduleCall
	callByKey map[string]*moduleCall
	outputs   map[string]*hcl.Attribute
	diags     []model.Diagnostic
	travCache sync.Map // hcl.Expression -> []hcl.Traversal
}

// sourceFile is one .tf or .tf.json file of a module.
type sourceFile struct {
	rel      string
	comments *commentIndex // nil when the file holds no kumoguard directive
}

type variableDecl struct {
	name     string
	decl     hcl.Range
	typ      cty.Type
	defaults *typeexpr.Defaults
	hasType  bool
	dflt     hcl.Expression // nil when there is no default
	dfltVal  cty.Value
	nullable bool
	// sensitive: declared sensitive = true; its value is evaluated but
	// never shown in a message.
	sensitive bool
}

type resourceDecl struct {
	mode    string // "managed" or "data"
	typ     string
	name    string
	decl    hcl.Range // the block header
	body    hcl.Body
	count   *hcl.Attribute
	forEach *hcl.Attribute
	file    *sourceFile
	attrs   map[string]*hcl.Attribute // hclsyntax bodies: every argument; nil for JSON
}

func (r *resourceDecl) addr() string { return r.typ + "." + r.name }

type moduleCall struct {
	name        string
	source      string
	sourceRange hcl.Range
	hasSource   bool
	decl        hcl.Range
	count       *hcl.Attribute
	forEach     *hcl.Attribute
	args        map[string]*hcl.Attribute
}

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "output", LabelNames: []string{"name"}},
	},
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "nullable"}, {Name: "sensitive"}},
}

var metaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}},
}

var outputSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "value"}}}

// moduleMeta are the arguments of a module block that are not input variables.
var moduleMeta = map[string]bool{"source": true, "version": true, "count": true, "for_each": true,
	"providers": true, "depends_on": true}

// isConfigFile reports whether a file name is Terraform configuration.
func isConfigFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
		return false
	}
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// configFiles lists the configuration files of a directory, sorted. Override
// files (override.tf, *_override.tf) are left out: kumoguard does not merge them.
func configFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() || !isConfigFile(e.Name()) {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out, nil
}

// loadModule parses every configuration file of dir. Files with syntax errors
// are reported and left out; the others are still used.
// It is safe for concurrent use: each directory is parsed once.
func (s *scanner) loadModule(dir string) *moduleDef {
	s.mu.Lock()
	e := s.defs[dir]
	if e == nil {
		e = &defEntry{}
		s.defs[dir] = e
	}
	s.mu.Unlock()
	e.once.Do(func() { e.def = s.parseModule(dir) })
	return e.def
}

type defEntry struct {
	once sync.Once
	def  *moduleDef
}

func (s *scanner) parseModule(dir string) *moduleDef {
	m := &moduleDef{dir: dir, rel: s.rel(dir), variables: map[string]*variableDecl{},
		locals: map[string]*hcl.Attribute{}, byAddr: map[string]*resourceDecl{},
		callByKey: map[string]*moduleCall{}, outputs: map[string]*hcl.Attribute{}}
	files, err := configFiles(dir)
	if err != nil {
		m.diags = append(m.diags, readError(s.rel(dir), err))
		return m
	}
	for _, f := range files {
		s.loadFile(m, f)
	}
	return m
}

func (s *scanner) loadFile(m *moduleDef, path string) {
	rel := s.rel(path)
	src, err := os.ReadFile(path)
	if err != nil {
		m.diags = append(m.diags, readError(rel, err))
		return
	}
	s.files.Add(1)
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		file, diags = hcljson.Parse(src, rel)
	} else {
		file, diags = hclsyntax.ParseConfig(src, rel, hcl.InitialPos)
	}
	if diags.HasErrors() || file == nil {
		m.diags = append(m.diags, parseErrors(diags)...)
		return
	}
	sf := &sourceFile{rel: rel}
	if !strings.HasSuffix(path, ".json") && bytes.Contains(src, []byte(model.IgnoreDirective)) {
		sf.comments = indexComments(src, rel)
	}
	m.files = append(m.files, sf)
	content, _, diags := file.Body.PartialContent(fileSchema)
	m.diags = append(m.diags, parseErrors(diags)...)
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			m.addVariable(b)
		case "locals":
			attrs, diags := b.Body.JustAttributes()
			m.diags = append(m.diags, parseErrors(diags)...)
			for name, a := range attrs {
				m.locals[name] = a
			}
		case "resource", "data":
			mode := "managed"
			if b.Type == "data" {
				mode = "data"
			}
			meta, _, _ := b.Body.PartialContent(metaSchema)
			r := &resourceDecl{mode: mode, typ: b.Labels[0], name: b.Labels[1], decl: headerRange(b),
				body: b.Body, file: sf}
			if sb, ok := b.Body.(*hclsyntax.Body); ok {
				r.attrs = make(map[string]*hcl.Attribute, len(sb.Attributes))
				for n, a := range sb.Attributes {
					r.attrs[n] = a.AsHCLAttribute()
				}
			}
			if meta != nil {
				r.count = meta.Attributes["count"]
				r.forEach = meta.Attributes["for_each"]
			}
			m.resources = append(m.resources, r)
			if mode == "managed" {
				m.byAddr[r.addr()] = r
			}
		case "module":
			m.addCall(b)
		case "output":
			c, _, _ := b.Body.PartialContent(outputSchema)
			if c != nil && c.Attributes["value"] != nil {
				m.outputs[b.Labels[0]] = c.Attributes["value"]
			}
		}
	}
}

func (m *moduleDef) addVariable(b *hcl.Block) {
	v := &variableDecl{name: b.Labels[0], decl: headerRange(b), typ: cty.DynamicPseudoType, nullable: true}
	c, _, diags := b.Body.PartialContent(variableSchema)
	m.diags = append(m.diags, parseErrors(diags)...)
	if c == nil {
		m.variables[v.name] = v
		return
	}
	if a := c.Attributes["type"]; a != nil {
		ty, defs, diags := typeexpr.TypeConstraintWithDefaults(a.Expr)
		if diags.HasErrors() {
			m.diags = append(m.diags, parseErrors(diags)...)
		} else {
			v.typ, v.defaults, v.hasType = ty, defs, true
		}
	}
	if a := c.Attributes["nullable"]; a != nil {
		if nv, diags := a.Expr.Value(nil); !diags.HasErrors() && nv.Type() == cty.Bool && nv.IsKnown() && !nv.IsNull() {
			v.nullable = nv.True()
		}
	}
	if a := c.Attributes["sensitive"]; a != nil {
		if sv, diags := a.Expr.Value(nil); !diags.HasErrors() && sv.Type() == cty.Bool && sv.IsKnown() && !sv.IsNull() {
			v.sensitive = sv.True()
		}
	}
	if a := c.Attributes["default"]; a != nil {
		v.dflt = a.Expr
		val, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			m.diags = append(m.diags, parseErrors(diags)...)
			val = invalidVal(model.T("the default of variable %q is not a constant value", "変数 %q の default が定数ではありません", v.name))
		} else {
			val = v.conform(val)
		}
		v.dfltVal = val
	}
	m.variables[v.name] = v
}

// conform applies the variable's type constraint and optional-attribute
// defaults to a value, marking it invalid when it does not convert.
func (v *variableDecl) conform(val cty.Value) cty.Value {
	if !v.hasType || val.IsNull() {
		return val
	}
	if v.defaults != nil {
		val = safeApplyDefaults(v.defaults, val)
	}
	out, err := convertSafe(val, v.typ)
	if err != nil {
		return invalidVal(model.T("the value of variable %q is not a %s: %s", "変数 %q の値が %s ではありません：%s",
			v.name, typeexpr.TypeString(v.typ), err.Error()))
	}
	return out
}

func (m *moduleDef) addCall(b *hcl.Block) {
	attrs, diags := b.Body.JustAttributes()
	m.diags = append(m.diags, parseErrors(diags)...)
	c := &moduleCall{name: b.Labels[0], decl: headerRange(b), args: map[string]*hcl.Attribute{}}
	for name, a := range attrs {
		switch name {
		case "source":
			c.sourceRange = a.Expr.Range()
			if v, d := a.Expr.Value(nil); !d.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
				c.source, c.hasSource = v.AsString(), true
			}
		case "count":
			c.count = a
		case "for_each":
			c.forEach = a
		default:
			if !moduleMeta[name] {
				c.args[name] = a
			}
		}
	}
	m.calls = append(m.calls, c)
	m.callByKey[c.name] = c
}

// headerRange is the range of a block's type and labels ("resource "x" "y"").
func headerRange(b *hcl.Block) hcl.Range {
	if len(b.LabelRanges) > 0 {
		return hcl.RangeBetween(b.TypeRange, b.LabelRanges[len(b.LabelRanges)-1])
	}
	return b.TypeRange
}

// isLocalSource reports whether a module source is a local path.
func isLocalSource(src string) bool {
	return strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") ||
		strings.HasPrefix(src, `.\`) || strings.HasPrefix(src, `..\`)
}

// attr returns a top-level argument of the resource block, or nil.
func (r *resourceDecl) attr(name string) *hcl.Attribute {
	if r.attrs != nil {
		return r.attrs[name]
	}
	return attrOf(r.body, name)
}

// variablesOf returns the traversals of an expression, cached: module
// definitions are shared by every instance, so each expression is walked once.
func (m *moduleDef) variablesOf(expr hcl.Expression) []hcl.Traversal {
	if v, ok := m.travCache.Load(expr); ok {
		return v.([]hcl.Traversal)
	}
	t := expr.Variables()
	m.travCache.Store(expr, t)
	return t
}
