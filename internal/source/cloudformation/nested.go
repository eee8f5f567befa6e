package cloudformation

import (
	"path/filepath"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// maxNesting bounds nested-stack depth (CloudFormation itself has no fixed
// limit, but real templates rarely go beyond a few levels). The number of
// stack instances is bounded too (limStacks in limits.go): nested stacks
// 10 wide and 8 deep would be 10^8 of them.
const maxNesting = 10

func isNestedStackType(t string) bool {
	return t == "AWS::CloudFormation::Stack" || t == "AWS::Serverless::Application"
}

// isRemote reports whether a template location is a URL rather than a path.
func isRemote(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "s3://")
}

// nestedLocation finds the local template a nested-stack resource uses: the
// TemplateURL (AWS::CloudFormation::Stack) or Location
// (AWS::Serverless::Application) when it is a relative path, or the CDK
// asset path in the resource's Metadata (aws:asset:path) when the URL is an
// S3 expression. It returns the absolute path, or a description of the
// remote location.
func (t *template) nestedLocation(r *resource) (abs string, remote string, at pos) {
	prop := "TemplateURL"
	if r.typ == "AWS::Serverless::Application" {
		prop = "Location"
	}
	at = r.keyPos
	var u *node
	if r.props != nil {
		u = r.props.get(prop)
	}
	if u != nil {
		at = u.pos
	}
	dir := filepath.Dir(t.abs)
	if u != nil && u.kind == kindString && !isRemote(u.str) && u.str != "" {
		return filepath.Join(dir, filepath.FromSlash(u.str)), "", at
	}
	if asset := r.metadata.get("aws:asset:path"); asset != nil && asset.kind == kindString && asset.str != "" {
		return filepath.Join(dir, filepath.FromSlash(asset.str)), "", asset.pos
	}
	switch {
	case u == nil:
		return "", prop + " is not set", at
	case u.kind == kindString:
		return "", u.str, at
	case u.kind == kindMap && r.typ == "AWS::Serverless::Application":
		if id := u.get("ApplicationId"); id != nil && id.kind == kindString {
			return "", "Serverless Application Repository " + id.str, at
		}
	}
	return "", prop + " is " + u.describe().EN, at
}

// child returns the nested stack a resource creates, building it on first
// use. It returns nil when the template is not local or cannot be loaded,
// after reporting why.
func (s *stack) child(r *resource) *stack {
	if c, ok := s.children[r.id]; ok {
		return c
	}
	s.children[r.id] = nil
	abs, remote, at := s.t.nestedLocation(r)
	address := s.address + r.id
	res := model.Resource{Kind: model.SourceCloudFormation, Type: r.typ, Address: address}
	if abs == "" {
		s.diags = append(s.diags, model.Diagnostic{Status: model.StatusUnknown, Reason: model.ReasonModuleNotInstalled, Location: s.t.loc(at), Resource: res,
			Message: model.T("Nested stack %s uses a template that is not a local file (%s): the clusters it may declare are not evaluated.",
				"ネストされたスタック %s のテンプレートはローカルファイルではありません（%s）。その中のクラスターは評価されません。", address, remote),
			Remediation: model.T("Scan the nested template too, with a relative TemplateURL (as `aws cloudformation package` takes) or from a local copy.",
				"ネストされたテンプレートもスキャンしてください（`aws cloudformation package` と同じ相対パスの TemplateURL、またはローカルのコピーを使用）。")})
		return nil
	}
	for p := s; p != nil; p = p.parent {
		if p.t.abs == abs {
			s.diags = append(s.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonReferenceError, Location: s.t.loc(at), Resource: res,
				Message: model.T("Nested stack %s includes its own ancestor template %s: the nesting never ends.",
					"ネストされたスタック %s が祖先のテンプレート %s を含んでおり、ネストが終わりません。", address, p.t.file)})
			return nil
		}
	}
	if s.depth+1 > maxNesting {
		s.diags = append(s.diags, limitDiag(s.t.loc(at), res, model.T("nested stack depth (%d levels); nested stack %s is not evaluated", "ネストされたスタックの深さ（%d 階層）。ネストされたスタック %s は評価していません", maxNesting, address)))
		return nil
	}
	if !s.b.charge(limStacks, 1) {
		s.over(limStacks, s.t.loc(at))
		return nil
	}
	t := s.sc.template(abs)
	if t == nil {
		if d := fileTooLarge(s.sc.rel(abs), "AWS::CloudFormation::Template", s.sc.loadErr(abs)); d != nil {
			s.diags = append(s.diags, *d)
			return nil
		}
		s.diags = append(s.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonReferenceError, Location: s.t.loc(at), Resource: res,
			Message: model.T("Nested stack %s refers to template %s, which cannot be read.", "ネストされたスタック %s はテンプレート %s を参照していますが、読み取れません。", address, s.sc.rel(abs))})
		return nil
	}
	if t.broken {
		return nil // the template's own parse error is reported once, for the file
	}
	c := &stack{t: t, sc: s.sc, address: address + "/", rootFile: s.rootFile, region: s.region, parent: s, parentRes: r,
		depth: s.depth + 1, children: map[string]*stack{}, notes: append([]model.Text{}, s.notes...), b: s.b}
	c.slots = make(map[string]*paramSlot, len(t.params))
	var passed *node
	if r.props != nil {
		passed = r.props.get("Parameters")
	}
	if passed != nil && passed.kind != kindMap {
		s.diags = append(s.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonInvalidValue, Location: s.t.loc(passed.pos), Resource: res,
			Message: model.T("Parameters of nested stack %s is %s (expected a mapping of parameter names to values).", "ネストされたスタック %s の Parameters が %s です（パラメータ名と値のマッピングが必要です）。", address, passed.describe())})
		passed = nil
	}
	if _, isIntrinsic := passed.intrinsicName(); isIntrinsic {
		passed = nil
	}
	for _, name := range t.paramOrder {
		d := t.params[name]
		p := &paramSlot{st: c, decl: d}
		if e := passed.get(name); e != nil {
			p.src, p.parentExpr = srcParent, e
		} else if v, ok := scalarString(d.def); ok {
			p.src, p.raw, p.rawLoc = srcDefault, v, t.loc(d.def.pos)
		}
		c.slots[name] = p
	}
	if passed != nil {
		for i, k := range passed.keys {
			if _, ok := t.params[k]; !ok {
				s.diags = append(s.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonReferenceError, Location: s.t.loc(passed.keyPos[i]), Resource: res,
					Message: model.T("Nested stack %s passes parameter %q, which template %s does not declare: CloudFormation rejects the stack.",
						"ネストされたスタック %s はパラメータ %q を渡していますが、テンプレート %s に宣言されていないため、CloudFormation はスタックを拒否します。", address, k, t.file)})
			}
		}
	}
	c.expandStackLoops()
	s.children[r.id] = c
	return c
}

// intrinsicName returns the intrinsic function name of a one-key mapping.
func (n *node) intrinsicName() (string, bool) {
	name, _, ok := n.intrinsic()
	return name, ok
}

// nestedOutput is Fn::GetAtt Stack.Outputs.Name: the nested template's
// output, evaluated with the parameters this stack passes.
func (s *stack) nestedOutput(r *resource, name string, use model.Location, w *world, depth int) result {
	c := s.child(r)
	if c == nil {
		return unknown(use, model.T("output %s of nested stack %q is not known: its template is not available locally", "ネストされたスタック %[2]q の出力 %[1]s は不明です：テンプレートがローカルにありません", name, r.id))
	}
	out := c.t.outputs.get(name)
	if out == nil || out.get("Value") == nil {
		return invalid(use, model.T("nested stack %q (%s) has no output %q", "ネストされたスタック %q（%s）に出力 %q がありません", r.id, c.t.file, name))
	}
	v := c.eval(out.get("Value"), w, depth+1)
	if v.kind == resKnown || v.kind == resUnknown {
		v.prov = append([]model.Origin{{Kind: model.OriginReference, Name: r.id + ".Outputs." + name, Location: v.use}}, v.prov...)
		v.use = use
	}
	return v
}
