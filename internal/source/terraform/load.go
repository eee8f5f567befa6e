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
	// localOverrides are local values set by override files, by name.
	localOverrides map[string]*hcl.Attribute
	travCache      sync.Map // hcl.Expression -> []hcl.Traversal
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

// isConfigFile reports whether a file name is Terraform (or OpenTofu)
// configuration: .tf, .tf.json, .tofu, .tofu.json.
func isConfigFile(name string) bool {
	_, _, ok := configStem(name)
	return ok
}

// configFiles lists the configuration files of a directory, sorted, and its
// override files apart, sorted: Terraform applies those last. A .tofu
// (.tofu.json) file takes the place of the .tf (.tf.json) file of the same
// name, as OpenTofu loads them.
func configFiles(dir string) (files, overrides []string, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	shadowed := map[string]bool{}
	for _, e := range ents {
		if t := tofuTwin(e.Name()); t != "" && !e.IsDir() {
			shadowed[t] = true
		}
	}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !isConfigFile(n) || shadowed[n] {
			continue
		}
		if isOverrideFile(n) {
			overrides = append(overrides, filepath.Join(dir, n))
		} else {
			files = append(files, filepath.Join(dir, n))
		}
	}
	sort.Strings(files)
	sort.Strings(overrides)
	return files, overrides, nil
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

// topBlock is a top-level block of a module, with any override merged into its body.
type topBlock struct {
	b  *hcl.Block
	sf *sourceFile
}

func (s *scanner) parseModule(dir string) *moduleDef {
	m := &moduleDef{dir: dir, rel: s.rel(dir), variables: map[string]*variableDecl{},
		locals: map[string]*hcl.Attribute{}, byAddr: map[string]*resourceDecl{},
		callByKey: map[string]*moduleCall{}, outputs: map[string]*hcl.Attribute{}}
	files, overrides, err := configFiles(dir)
	if err != nil {
		m.diags = append(m.diags, readError(s.rel(dir), err))
		return m
	}
	var blocks []*topBlock
	for _, f := range files {
		blocks = append(blocks, s.loadFile(m, f)...)
	}
	if len(overrides) > 0 {
		byHeader := map[string]*topBlock{}
		for _, tb := range blocks {
			if tb.b.Type != "locals" {
				if _, dup := byHeader[blockHeader(tb.b)]; !dup {
					byHeader[blockHeader(tb.b)] = tb
				}
			}
		}
		for _, f := range overrides {
			for _, ob := range s.loadFile(m, f) {
				m.applyOverride(ob, byHeader, blocks)
			}
		}
	}
	for _, tb := range blocks {
		m.addBlock(tb, s)
	}
	return m
}

// blockHeader is a block's type and labels, which an override block matches.
func blockHeader(b *hcl.Block) string {
	return strings.Join(append([]string{b.Type}, b.Labels...), "\x00")
}

// applyOverride merges one block of an override file into the block it
// overrides (locals: into the local values of the same names).
func (m *moduleDef) applyOverride(ob *topBlock, byHeader map[string]*topBlock, blocks []*topBlock) {
	missing := func(what string, r hcl.Range) {
		l := loc(r)
		m.diags = append(m.diags, model.Diagnostic{
			Status: model.StatusError, Reason: model.ReasonParseError, Location: l,
			Message: model.T("Terraform configuration error at %s: the override file declares %s, which no other file of the module declares (Terraform rejects an override with nothing to override)",
				"Terraform 構成のエラー（%s）：オーバーライドファイルが %s を宣言していますが、モジュールの他のファイルに宣言がありません（Terraform では上書き対象がないエラーです）",
				l.String(), what),
			Remediation: model.T("Declare %s in a file that is not an override file, or remove it from %s.",
				"%s をオーバーライドファイル以外で宣言するか、%s から削除してください。", what, l.File),
		})
	}
	if ob.b.Type == "locals" {
		attrs, diags := ob.b.Body.JustAttributes()
		m.diags = append(m.diags, parseErrors(diags)...)
		names := make([]string, 0, len(attrs))
		for n := range attrs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if !m.hasLocal(n, blocks) {
				missing("local."+n, attrs[n].NameRange)
				continue
			}
			if m.localOverrides == nil {
				m.localOverrides = map[string]*hcl.Attribute{}
			}
			m.localOverrides[n] = attrs[n]
		}
		return
	}
	base := byHeader[blockHeader(ob.b)]
	if base == nil {
		missing(ob.b.Type+" "+strings.Join(ob.b.Labels, "."), headerRange(ob.b))
		return
	}
	nb := *base.b
	nb.Body = mergedBody{base: base.b.Body, over: ob.b.Body}
	base.b = &nb
}

// hasLocal reports whether a non-override file declares the local value name.
func (m *moduleDef) hasLocal(name string, blocks []*topBlock) bool {
	for _, tb := range blocks {
		if tb.b.Type != "locals" {
			continue
		}
		if attrs, _ := tb.b.Body.JustAttributes(); attrs[name] != nil {
			return true
		}
	}
	return false
}

// loadFile parses one configuration file and returns its top-level blocks.
func (s *scanner) loadFile(m *moduleDef, path string) []*topBlock {
	rel := s.rel(path)
	src, err := readBounded(path)
	if err != nil {
		m.diags = append(m.diags, fileError(rel, err))
		return nil
	}
	s.files.Add(1)
	s.bytesRead.Add(int64(len(src)))
	isJSON := strings.HasSuffix(path, ".json")
	if d, deep := tooDeep(src, rel, isJSON); deep {
		m.diags = append(m.diags, d)
		return nil
	}
	var file *hcl.File
	var diags hcl.Diagnostics
	if isJSON {
		file, diags = hcljson.Parse(src, rel)
	} else {
		file, diags = hclsyntax.ParseConfig(src, rel, hcl.InitialPos)
	}
	if diags.HasErrors() || file == nil {
		m.diags = append(m.diags, parseErrors(diags)...)
		return nil
	}
	if sb, ok := file.Body.(*hclsyntax.Body); ok {
		meter(sb)
	}
	sf := &sourceFile{rel: rel}
	if !isJSON && (bytes.Contains(src, []byte(model.IgnoreDirective)) || model.HasCheckovSkip(src)) {
		sf.comments = indexComments(src, rel)
	}
	m.files = append(m.files, sf)
	content, _, diags := file.Body.PartialContent(fileSchema)
	m.diags = append(m.diags, parseErrors(diags)...)
	out := make([]*topBlock, len(content.Blocks))
	for i, b := range content.Blocks {
		out[i] = &topBlock{b: b, sf: sf}
	}
	return out
}

// addBlock declares one top-level block (overrides already merged).
func (m *moduleDef) addBlock(tb *topBlock, s *scanner) {
	b := tb.b
	switch b.Type {
	case "variable":
		m.addVariable(b, s)
	case "locals":
		attrs, diags := b.Body.JustAttributes()
		m.diags = append(m.diags, parseErrors(diags)...)
		for name, a := range attrs {
			if o := m.localOverrides[name]; o != nil {
				a = o
			}
			m.locals[name] = a
		}
	case "resource", "data":
		mode := "managed"
		if b.Type == "data" {
			mode = "data"
		}
		meta, _, _ := b.Body.PartialContent(metaSchema)
		r := &resourceDecl{mode: mode, typ: b.Labels[0], name: b.Labels[1], decl: headerRange(b),
			body: b.Body, file: tb.sf, attrs: syntaxAttrs(b.Body)}
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

// syntaxAttrs returns every argument of a native-syntax body (with any
// native-syntax override merged in); nil when a JSON body is involved.
func syntaxAttrs(body hcl.Body) map[string]*hcl.Attribute {
	switch b := body.(type) {
	case *hclsyntax.Body:
		out := make(map[string]*hcl.Attribute, len(b.Attributes))
		for n, a := range b.Attributes {
			out[n] = a.AsHCLAttribute()
		}
		return out
	case mergedBody:
		base, over := syntaxAttrs(b.base), syntaxAttrs(b.over)
		if base == nil || over == nil {
			return nil
		}
		for n, a := range over {
			base[n] = a
		}
		return base
	}
	return nil
}

func (m *moduleDef) addVariable(b *hcl.Block, s *scanner) {
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
		val, diags := a.Expr.Value(s.constContext())
		if d := limitDiags(s, diags); d != nil {
			m.diags = append(m.diags, d...)
			val = limitVal(limElements, a.Expr.Range())
		} else if diags.HasErrors() {
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
