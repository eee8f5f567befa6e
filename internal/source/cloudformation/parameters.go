package cloudformation

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// givenValue is a parameter value from the command line or a parameter file.
type givenValue struct {
	value string
	// loc is the value's position in its parameter file (zero for a flag).
	loc        model.Location
	src        paramSource
	unknownWhy model.Text
}

func (d *paramDecl) isList() bool {
	return d.typ == "CommaDelimitedList" || strings.HasPrefix(d.typ, "List<")
}

func (d *paramDecl) isSSM() bool { return strings.HasPrefix(d.typ, "AWS::SSM::Parameter::Value<") }

// allowedText renders AllowedValues for messages.
func (d *paramDecl) allowedText() string {
	if d.noEcho {
		return "(NoEcho values hidden)"
	}
	parts := make([]string, 0, len(d.allowed))
	for _, a := range d.allowed {
		parts = append(parts, a.str)
	}
	return strings.Join(parts, ", ")
}

// shown is a parameter value as messages may print it: NoEcho values are
// never printed.
func (d *paramDecl) shown(v string) string {
	if d.noEcho {
		return "(NoEcho value hidden)"
	}
	return strconv.Quote(v)
}

// missingWhy explains a parameter that has no value at all.
func (p *paramSlot) missingWhy() model.Text {
	d := p.decl
	why := model.T(`parameter "%[1]s" has no Default and no value was given: pass --parameter %[1]s=<value> or --parameter-file`,
		`パラメータ "%[1]s" に Default がなく、値も指定されていません：--parameter %[1]s=<値> または --parameter-file で指定してください`, d.name)
	if len(d.allowed) > 0 {
		why.EN += fmt.Sprintf(" (AllowedValues: %s)", d.allowedText())
		why.JA += fmt.Sprintf("（AllowedValues：%s）", d.allowedText())
	}
	return why
}

// origin is the provenance step of a fixed parameter value.
func (p *paramSlot) origin() model.Origin {
	switch p.src {
	case srcFlag:
		return model.Origin{Kind: model.OriginParameterFlag, Name: p.decl.name, Location: p.rawLoc}
	case srcFile:
		return model.Origin{Kind: model.OriginParameterFile, Name: p.decl.name, Location: p.rawLoc}
	}
	return model.Origin{Kind: model.OriginParameterDefault, Name: p.decl.name, Location: p.rawLoc}
}

// sourceText names where a value came from, for messages.
func (p *paramSlot) sourceText() model.Text {
	switch p.src {
	case srcFlag:
		return model.T("--parameter", "--parameter")
	case srcFile:
		return model.T("the parameter file %s", "パラメータファイル %s", p.rawLoc.String())
	case srcParent:
		return model.T("the parent stack", "親スタック")
	}
	return model.T("its Default at %s", "Default（%s）", p.rawLoc.String())
}

var numberPattern = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)

// checkValue validates a parameter value against the declaration, the way
// CloudFormation does before it creates the stack: type Number, AllowedValues,
// MinValue/MaxValue and AllowedPattern. It returns what is wrong, or nil.
func (d *paramDecl) checkValue(v string) *model.Text {
	items := []string{v}
	if d.isList() {
		items = strings.Split(v, ",")
		for i := range items {
			items[i] = strings.TrimSpace(items[i])
		}
	}
	for _, it := range items {
		if d.typ == "Number" || d.typ == "List<Number>" {
			if !numberPattern.MatchString(it) {
				t := model.T("parameter %q has type %s but its value %s is not a number", "パラメータ %q の型は %s ですが、値 %s は数値ではありません", d.name, d.typ, d.shown(it))
				return &t
			}
			f, _ := strconv.ParseFloat(it, 64)
			if d.minValue != nil {
				if m, err := strconv.ParseFloat(d.minValue.str, 64); err == nil && f < m {
					t := model.T("parameter %q value %s is below its MinValue %s", "パラメータ %q の値 %s は MinValue %s を下回っています", d.name, d.shown(it), d.minValue.str)
					return &t
				}
			}
			if d.maxValue != nil {
				if m, err := strconv.ParseFloat(d.maxValue.str, 64); err == nil && f > m {
					t := model.T("parameter %q value %s is above its MaxValue %s", "パラメータ %q の値 %s は MaxValue %s を上回っています", d.name, d.shown(it), d.maxValue.str)
					return &t
				}
			}
		}
		if len(d.allowed) > 0 {
			ok := false
			for _, a := range d.allowed {
				if a.isScalar() && a.str == it {
					ok = true
					break
				}
			}
			if !ok {
				t := model.T("parameter %q value %s is not one of its AllowedValues (%s)", "パラメータ %q の値 %s は AllowedValues（%s）のいずれでもありません", d.name, d.shown(it), d.allowedText())
				return &t
			}
		}
		if d.allowedRegexp != nil && d.allowedRegexp.kind == kindString {
			// CloudFormation matches the whole value against a Java regular
			// expression; RE2 accepts the patterns templates use in practice.
			if re, err := regexp.Compile(`^(?:` + d.allowedRegexp.str + `)$`); err == nil && !re.MatchString(it) {
				t := model.T("parameter %q value %s does not match its AllowedPattern %s", "パラメータ %q の値 %s は AllowedPattern %s に一致しません", d.name, d.shown(it), d.allowedRegexp.str)
				return &t
			}
		}
	}
	return nil
}

// scalarString renders a scalar node the way CloudFormation passes it on: as
// text. A list of scalars becomes comma-separated text.
func scalarString(n *node) (string, bool) {
	switch {
	case n == nil:
		return "", false
	case n.isScalar() && n.kind != kindNull:
		return n.str, true
	case n.kind == kindSeq:
		parts := make([]string, 0, len(n.vals))
		for _, e := range n.vals {
			if !e.isScalar() || e.kind == kindNull {
				return "", false
			}
			parts = append(parts, e.str)
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}

// newSlots builds the parameter slots of a top-level stack from the
// command-line values, and reports invalid values.
func (s *stack) newTopSlots(given map[string]givenValue) {
	s.slots = make(map[string]*paramSlot, len(s.t.params))
	for _, name := range s.t.paramOrder {
		d := s.t.params[name]
		p := &paramSlot{st: s, decl: d}
		if g, ok := given[name]; ok {
			p.src, p.raw, p.rawLoc, p.unknownWhy = g.src, g.value, g.loc, g.unknownWhy
		} else if d.def != nil {
			if v, ok := scalarString(d.def); ok {
				p.src, p.raw, p.rawLoc = srcDefault, v, s.t.loc(d.def.pos)
			}
		}
		s.slots[name] = p
		if p.src == srcFlag || p.src == srcFile {
			if why := d.checkValue(p.raw); why != nil {
				loc := p.rawLoc
				if p.src == srcFlag {
					loc = s.t.loc(d.keyPos)
				}
				s.diags = append(s.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonInvalidValue, Location: loc,
					Resource: model.Resource{Kind: model.SourceCloudFormation, Type: "AWS::CloudFormation::Parameter", Address: s.address + "Parameters/" + name},
					Message:  bi("%s (value from %s; CloudFormation rejects the stack).", "%s（値の指定元：%s。CloudFormation はこのスタックを拒否します）。", *why, p.sourceText())})
			}
		}
	}
}

// fixedValue is the value of a parameter given on the command line, in a
// file or by its Default.
func (p *paramSlot) fixedValue() result {
	if p.fixed != nil {
		return *p.fixed
	}
	d := p.decl
	var r result
	switch {
	case p.src == srcUnknown:
		r = unknown(model.Location{}, p.unknownWhy)
	case d.isSSM():
		r = unknown(model.Location{}, model.T("parameter %q has type %s: its value is read from SSM Parameter Store (%s) when the stack is deployed",
			"パラメータ %q の型は %s で、値はデプロイ時に SSM パラメータストア（%s）から読み込まれます", d.name, d.typ, p.raw))
	default:
		if why := d.checkValue(p.raw); why != nil {
			r = invalid(model.Location{}, bi("%s (from %s)", "%s（指定元：%s）", *why, p.sourceText()))
		} else if d.isList() {
			r = result{kind: resKnown, sk: kindSeq}
			for _, it := range strings.Split(p.raw, ",") {
				r.list = append(r.list, knownString(strings.TrimSpace(it), p.rawLoc))
			}
		} else {
			r = knownString(p.raw, p.rawLoc)
		}
		r.prov = []model.Origin{p.origin()}
	}
	p.fixed = &r
	return r
}
