package cloudformation

import (
	"bytes"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// template is one loaded template file, independent of parameter values.
type template struct {
	file string // path relative to the scan root, forward slashes
	abs  string // path on disk, to resolve nested templates
	root *node

	params     map[string]*paramDecl
	paramOrder []string
	conditions map[string]*node
	condPos    map[string]pos
	mappings   *node
	resources  map[string]*resource
	resOrder   []string
	outputs    *node
	transforms []string
	// dups are the keys written twice in one mapping (the last one wins).
	dups []dupKey
	// pendingLoops is true when some Fn::ForEach has a collection that
	// needs parameter values (expanded per stack); loopWhy says, per loop
	// left as written, why it was not expanded.
	pendingLoops bool
	loopWhy      map[string]model.Text
	// loopOrigin says which loop generated a resource, by logical ID.
	loopOrigin map[string]*loopOrigin

	// diags are problems found while loading and checking the template
	// itself; they do not depend on parameter values.
	diags []model.Diagnostic
	// broken is true when the file could not be parsed at all.
	broken bool
}

// resource is one entry of Resources.
type resource struct {
	id       string
	keyPos   pos
	n        *node
	typ      string
	props    *node
	cond     string
	condPos  pos
	metadata *node
	// loop is set when an Fn::ForEach generated the resource.
	loop *loopOrigin
}

// paramDecl is one entry of Parameters.
type paramDecl struct {
	name          string
	keyPos        pos
	typ           string
	def           *node
	allowed       []*node
	noEcho        bool
	allowedPos    pos
	minValue      *node
	maxValue      *node
	allowedRegexp *node
}

func (t *template) loc(p pos) model.Location {
	return model.Location{File: t.file, Line: int(p.line), Column: int(p.col)}
}

func (t *template) res() model.Resource {
	return model.Resource{Kind: model.SourceCloudFormation, Type: "AWS::CloudFormation::Template", Address: t.file}
}

func (t *template) diag(reason model.Reason, p pos, msg model.Text) {
	t.diags = append(t.diags, model.Diagnostic{Status: model.StatusError, Reason: reason, Location: t.loc(p),
		Resource: model.Resource{Kind: model.SourceCloudFormation, Type: "AWS::CloudFormation::Template", Address: t.file},
		Message:  msg})
}

// looksLikeJSON reports whether the document starts with '{' or '['.
func looksLikeJSON(data []byte) bool {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	d = bytes.TrimPrefix(d, []byte("\xef\xbb\xbf"))
	return len(d) > 0 && (d[0] == '{' || d[0] == '[')
}

// parseDocument parses YAML or JSON into a node tree. A document that starts
// with '{' or '[' is read as strict JSON (encoding/json), because YAML
// accepts some text that JSON does not (a missing value, a trailing comma);
// everything else is YAML (see parseYAML). The duplicate keys of a YAML
// document come back with the tree (parseDocumentDups).
func parseDocument(data []byte) (*node, pos, model.Text, bool) {
	n, _, p, msg, ok := parseDocumentDups(data)
	return n, p, msg, ok
}

func parseDocumentDups(data []byte) (*node, []dupKey, pos, model.Text, bool) {
	d := parseDocumentFull(data)
	return d.n, d.dups, d.p, d.msg, d.ok
}

// parsed is a parsed document: the tree and the duplicate keys, or where
// and why parsing failed (limit: because a limit of kumoguard was hit);
// hits are the limits hit inside a tree that was still built.
type parsed struct {
	n     *node
	dups  []dupKey
	p     pos
	msg   model.Text
	ok    bool
	limit bool
	hits  []limitHit
}

// limitHit is a per-file limit hit while building a tree: the part beyond
// it is a bad node.
type limitHit struct {
	p    pos
	what model.Text
}

func parseDocumentFull(data []byte) parsed {
	if looksLikeJSON(data) {
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		n, p, msg, ok := parseJSON(data)
		if !ok {
			return parsed{p: p, msg: msg, limit: msg.EN == depthText().EN}
		}
		splitGetAttStrings(n, 1, 0)
		return parsed{n: n, ok: true}
	}
	return parseYAML(data)
}

// loadTemplate parses one template and reads its sections. It never panics
// and always returns a template; a file that does not parse is broken, with a
// PARSE_ERROR diagnostic naming the line and column.
func loadTemplate(data []byte, file, abs string) (t *template) {
	return loadTemplateBudget(data, file, abs, limits[limLoopNodes].perRoot)
}

// loadTemplateBudget is loadTemplate with a bound on the nodes Fn::ForEach
// expansion may create while loading.
func loadTemplateBudget(data []byte, file, abs string, loopNodes int64) (t *template) {
	t = &template{file: file, abs: abs, params: map[string]*paramDecl{}, conditions: map[string]*node{},
		condPos: map[string]pos{}, resources: map[string]*resource{}, loopWhy: map[string]model.Text{}}
	// The YAML library is trusted, not proven: a panic inside the parser
	// becomes a parse error for this file, and the scan goes on.
	d := parseDocumentSafe(data)
	root := d.n
	t.dups = d.dups
	for _, h := range d.hits {
		t.diags = append(t.diags, limitDiag(t.loc(h.p), t.res(), h.what))
	}
	if !d.ok {
		t.broken = true
		if d.limit {
			t.diags = append(t.diags, limitDiag(t.loc(d.p), t.res(), bi("%s; the file was not parsed", "%s。このファイルは解析していません", d.msg)))
			return t
		}
		t.diag(model.ReasonParseError, d.p, d.msg)
		return t
	}
	t.root = root
	if root.kind != kindMap {
		t.broken = true
		t.diag(model.ReasonParseError, root.pos, model.T("the template is a %s (expected a mapping with Resources)", "テンプレートが %s です（Resources を持つマッピングが必要です）", root.kind))
		return t
	}
	t.expandLoops(loopNodes)
	t.readSections(true)
	return t
}

// readSections reads the sections of t.root; Parameters too when params.
func (t *template) readSections(params bool) {
	root := t.root
	for i, k := range root.keys {
		v := root.vals[i]
		switch k {
		case "Parameters":
			if params {
				t.readParameters(v)
			}
		case "Conditions":
			if !t.expectMap("Conditions", v) {
				continue
			}
			for j, name := range v.keys {
				t.conditions[name] = v.vals[j]
				t.condPos[name] = v.keyPos[j]
			}
		case "Mappings":
			if t.expectMap("Mappings", v) {
				t.mappings = v
			}
		case "Resources":
			t.readResources(v)
		case "Outputs":
			if t.expectMap("Outputs", v) {
				t.outputs = v
			}
		case "Transform":
			switch v.kind {
			case kindString:
				t.transforms = append(t.transforms, v.str)
			case kindSeq:
				for _, e := range v.vals {
					if e.kind == kindString {
						t.transforms = append(t.transforms, e.str)
					}
				}
			}
		}
	}
	if _, ok := root.keyPosOf("Resources"); !ok {
		t.diag(model.ReasonParseError, root.pos, model.T("the template has no Resources section (CloudFormation requires one)", "テンプレートに Resources セクションがありません（CloudFormation では必須です）"))
	}
}

func (t *template) expectMap(section string, v *node) bool {
	if v.kind == kindMap {
		return true
	}
	if v.kind == kindNull || v.kind == kindBad && v.limit {
		return false // a limit hit there is reported once, for the file
	}
	t.diag(model.ReasonParseError, v.pos, model.T("%s is %s (expected a mapping)", "%s が %s です（マッピングが必要です）", section, v.describe()))
	return false
}

func (t *template) readParameters(v *node) {
	if !t.expectMap("Parameters", v) {
		return
	}
	for i, name := range v.keys {
		d := v.vals[i]
		pd := &paramDecl{name: name, keyPos: v.keyPos[i], typ: "String"}
		if d.kind != kindMap {
			t.diag(model.ReasonParseError, d.pos, model.T("parameter %q is %s (expected a mapping with Type)", "パラメータ %q が %s です（Type を持つマッピングが必要です）", name, d.describe()))
			continue
		}
		if ty := d.get("Type"); ty != nil && ty.kind == kindString {
			pd.typ = ty.str
		} else {
			p := d.pos
			if ty != nil {
				p = ty.pos
			}
			t.diag(model.ReasonParseError, p, model.T("parameter %q has no Type (expected String, Number, CommaDelimitedList, List<Number> or an AWS type)",
				"パラメータ %q に Type がありません（String、Number、CommaDelimitedList、List<Number> または AWS 固有の型が必要です）", name))
		}
		pd.def = d.get("Default")
		if av := d.get("AllowedValues"); av != nil {
			pd.allowedPos = av.pos
			if av.kind == kindSeq {
				pd.allowed = av.vals
			} else {
				t.diag(model.ReasonParseError, av.pos, model.T("AllowedValues of parameter %q is %s (expected a list)", "パラメータ %q の AllowedValues が %s です（リストが必要です）", name, av.describe()))
			}
		}
		if ne := d.get("NoEcho"); ne != nil && (ne.str == "true" || ne.str == "True" || ne.str == "TRUE") {
			pd.noEcho = true
		}
		pd.minValue, pd.maxValue, pd.allowedRegexp = d.get("MinValue"), d.get("MaxValue"), d.get("AllowedPattern")
		t.params[name] = pd
		t.paramOrder = append(t.paramOrder, name)
	}
}

func (t *template) readResources(v *node) {
	if !t.expectMap("Resources", v) {
		return
	}
	for i, id := range v.keys {
		r := &resource{id: id, keyPos: v.keyPos[i], n: v.vals[i], loop: t.loopOrigin[id]}
		if id == "" {
			t.diag(model.ReasonParseError, r.keyPos, model.T("a resource has an empty logical ID (CloudFormation rejects the template)", "論理 ID が空のリソースがあります（CloudFormation はテンプレートを拒否します）"))
			continue
		}
		if strings.HasPrefix(id, forEachPrefix) {
			// A loop left as written (see foreach.go).
			r.typ = "Fn::ForEach"
			t.resources[id] = r
			t.resOrder = append(t.resOrder, id)
			continue
		}
		if r.n.kind != kindMap {
			t.diag(model.ReasonParseError, r.n.pos, model.T("resource %q is %s (expected a mapping with Type)", "リソース %q が %s です（Type を持つマッピングが必要です）", id, r.n.describe()))
			continue
		}
		if ty := r.n.get("Type"); ty != nil && ty.kind == kindString {
			r.typ = ty.str
		} else {
			t.diag(model.ReasonParseError, r.keyPos, model.T("resource %q has no Type string (expected e.g. AWS::RDS::DBCluster)", "リソース %q に Type の文字列がありません（例：AWS::RDS::DBCluster）", id))
		}
		r.props = r.n.get("Properties")
		if r.props != nil && r.props.kind != kindMap && r.props.kind != kindNull {
			t.diag(model.ReasonParseError, r.props.pos, model.T("Properties of resource %q is %s (expected a mapping)", "リソース %q の Properties が %s です（マッピングが必要です）", id, r.props.describe()))
			r.props = nil
		}
		if c := r.n.get("Condition"); c != nil {
			if c.kind == kindString {
				r.cond, r.condPos = c.str, c.pos
			} else {
				t.diag(model.ReasonParseError, c.pos, model.T("Condition of resource %q is %s (expected a condition name)", "リソース %q の Condition が %s です（条件名が必要です）", id, c.describe()))
			}
		}
		r.metadata = r.n.get("Metadata")
		t.resources[id] = r
		t.resOrder = append(t.resOrder, id)
	}
}
