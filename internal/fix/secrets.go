package fix

import (
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	yaml "go.yaml.in/yaml/v4"
)

// secretAttr matches an assignment of a secret-looking attribute in HCL,
// YAML or JSON (master_password, MasterUserPassword, pwd, admin_pass,
// secret, token, private keys, ...) and captures its value. It is used only
// on kumoguard's own message lines (refusals), never on diff lines: a diff
// line that holds a secret is left out instead (see Diff).
var secretAttr = regexp.MustCompile(`(?i)((?:^|[\s{,"'])"?[a-z0-9_]*(?:pass|pwd|secret|token|private_?key|credential)[a-z0-9_]*"?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,}#]+)`)

// MaskSecrets replaces the value of every secret-looking attribute on a line
// with ********.
func MaskSecrets(line string) string {
	return secretAttr.ReplaceAllString(line, `${1}"********"`)
}

// secretName is an attribute or key name whose literal value is a secret:
// master_password, master_password_wo, MasterUserPassword, pwd, admin_pass,
// client_secret, auth_token, private_key, ...
var secretName = regexp.MustCompile(`(?i)(pass|pwd|secret|token|private_?key|credential|api_?key)`)

// span is a byte range [start, end) of a file.
type span struct{ start, end int }

// secretSpans finds the literal secret values of a file: the literal value
// of every secret-named attribute or key, the default of a variable declared
// sensitive = true, a tfvars assignment of such a variable (sensitiveVars),
// and the Default of a CloudFormation parameter with NoEcho: true. A
// reference (var.master_password, !Ref, {{resolve:...}}) or a boolean
// (manage_master_user_password = true) holds no secret.
func secretSpans(kind string, s *source, sensitiveVars map[string]bool) []span {
	var out []span
	switch kind {
	case "hcl":
		body, err := s.hcl()
		if err != nil {
			return nil
		}
		tfvars := strings.HasSuffix(strings.ToLower(s.name), ".tfvars")
		hclSecrets(body, sensitiveVars, tfvars, &out)
	default:
		n, err := s.yaml()
		if err != nil || n == nil {
			return nil
		}
		tfvars := strings.HasSuffix(strings.ToLower(s.name), ".tfvars.json")
		yamlSecrets(s, n, sensitiveVars, tfvars, true, &out)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

func hclSecrets(body *hclsyntax.Body, sensitiveVars map[string]bool, tfvars bool, out *[]span) {
	for name, a := range body.Attributes {
		if secretName.MatchString(name) || (tfvars && sensitiveVars[name]) {
			if hclHasLiteral(a.Expr) {
				r := a.Expr.Range()
				*out = append(*out, span{r.Start.Byte, r.End.Byte})
				continue
			}
		}
		hclObjectSecrets(a.Expr, out)
	}
	for _, b := range body.Blocks {
		if b.Type == "variable" && hclSensitive(b.Body) {
			if d := b.Body.Attributes["default"]; d != nil && hclHasLiteral(d.Expr) {
				r := d.Expr.Range()
				*out = append(*out, span{r.Start.Byte, r.End.Byte})
			}
		}
		hclSecrets(b.Body, sensitiveVars, false, out)
	}
}

// hclObjectSecrets finds secret-named keys inside object expressions
// (settings = { password = "..." }).
func hclObjectSecrets(e hclsyntax.Expression, out *[]span) {
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		o, ok := n.(*hclsyntax.ObjectConsExpr)
		if !ok {
			return nil
		}
		for _, it := range o.Items {
			if k := hcl.ExprAsKeyword(it.KeyExpr); k != "" && secretName.MatchString(k) && hclHasLiteral(it.ValueExpr) {
				r := it.ValueExpr.Range()
				*out = append(*out, span{r.Start.Byte, r.End.Byte})
			} else if v, diags := it.KeyExpr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() && secretName.MatchString(v.AsString()) && hclHasLiteral(it.ValueExpr) {
				r := it.ValueExpr.Range()
				*out = append(*out, span{r.Start.Byte, r.End.Byte})
			}
		}
		return nil
	})
}

// hclHasLiteral reports whether an expression holds a literal string (not
// empty) or number: a value written in the file rather than referenced.
func hclHasLiteral(e hclsyntax.Expression) bool {
	found := false
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if l, ok := n.(*hclsyntax.LiteralValueExpr); ok && !l.Val.IsNull() && l.Val.IsKnown() {
			switch l.Val.Type() {
			case cty.String:
				if l.Val.AsString() != "" {
					found = true
				}
			case cty.Number:
				found = true
			}
		}
		return nil
	})
	return found
}

func hclSensitive(b *hclsyntax.Body) bool {
	a := b.Attributes["sensitive"]
	if a == nil {
		return false
	}
	v, diags := a.Expr.Value(nil)
	return !diags.HasErrors() && v.Type() == cty.Bool && v.IsKnown() && !v.IsNull() && v.True()
}

// yamlSecrets walks a YAML or JSON document (CloudFormation, .tf.json,
// .tfvars.json).
func yamlSecrets(s *source, n *yaml.Node, sensitiveVars map[string]bool, tfvars, top bool, out *[]span) {
	n = deref(n)
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			yamlSecrets(s, c, sensitiveVars, false, false, out)
		}
		return
	case yaml.MappingNode:
	default:
		return
	}
	pairs := mappingPairs(n)
	// A parameter with NoEcho: true, a .tf.json variable with sensitive: true.
	hidden := false
	for _, kv := range pairs {
		if (kv.key.Value == "NoEcho" || kv.key.Value == "sensitive") && isTrue(kv.value) {
			hidden = true
		}
	}
	for i, kv := range pairs {
		secret := secretName.MatchString(kv.key.Value) || (top && tfvars && sensitiveVars[kv.key.Value]) ||
			(hidden && (kv.key.Value == "Default" || kv.key.Value == "default"))
		v := deref(kv.value)
		if secret && v != nil && v.Kind == yaml.ScalarNode && yamlLiteral(v) {
			next := -1
			if i+1 < len(pairs) {
				next = pairs[i+1].key.Line
			}
			if sp, ok := yamlValueSpan(s, kv.key, v, next); ok {
				*out = append(*out, sp)
			}
			continue
		}
		if secret && v != nil && v.Kind != yaml.ScalarNode && hidden {
			// A NoEcho default written as a list: every line of it.
			yamlSecretsAll(s, v, out)
			continue
		}
		yamlSecrets(s, kv.value, sensitiveVars, false, false, out)
	}
}

func yamlSecretsAll(s *source, n *yaml.Node, out *[]span) {
	n = deref(n)
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		if sp, ok := yamlValueSpan(s, n, n, -1); ok {
			*out = append(*out, sp)
		}
		return
	}
	for _, c := range n.Content {
		yamlSecretsAll(s, c, out)
	}
}

func isTrue(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.ScalarNode && strings.EqualFold(n.Value, "true")
}

// yamlLiteral reports whether a scalar is a value written in the file: not
// a boolean or null, not an intrinsic (!Ref, !GetAtt; !Sub text is
// literal), not a dynamic reference ({{resolve:...}}).
func yamlLiteral(n *yaml.Node) bool {
	if n.Value == "" || strings.Contains(n.Value, "{{resolve:") {
		return false
	}
	switch n.Tag {
	case "!!bool", "!!null":
		return false
	case "", "!!str", "!!int", "!!float", "!Sub", "!!binary":
		return true
	}
	return !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!")
}

// yamlValueSpan is the extent of a scalar value: to the end of the scalar on
// its line, or, for a block or multi-line scalar, every following line
// indented deeper than its key (up to the next key's line when known).
func yamlValueSpan(s *source, key, v *yaml.Node, nextLine int) (span, bool) {
	start, ok := s.offsetOf(v.Line, v.Column)
	if !ok {
		return span{}, false
	}
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		if st, end, _ := scalarAt(s.src, start); end > st {
			return span{st, end}, true
		}
	}
	keyIndent := key.Column - 1
	end := lineEnd(s.src, start)
	for end < len(s.src) {
		l, _ := s.lineCol(end)
		if nextLine > 0 && l >= nextLine {
			break
		}
		le := lineEnd(s.src, end)
		line := strings.TrimRight(string(s.src[end:le]), "\r\n")
		if t := strings.TrimLeft(line, " \t"); t != "" && len(line)-len(t) <= keyIndent {
			break
		}
		end = le
	}
	for end > start && (s.src[end-1] == '\n' || s.src[end-1] == '\r') {
		end--
	}
	return span{start, end}, true
}

// sensitiveVariables returns the names of the variables declared sensitive
// = true in the .tf files of dir (for a tfvars file in that directory).
func sensitiveVariables(dir string) map[string]bool {
	out := map[string]bool{}
	for _, b := range dirBlocks(dir) {
		if b.block.Type == "variable" && len(b.block.Labels) == 1 && hclSensitive(b.block.Body) {
			out[b.block.Labels[0]] = true
		}
	}
	return out
}

// secretLines returns the 0-based numbers of the lines a secret value is on.
func secretLines(src []byte, spans []span) map[int]bool {
	out := map[int]bool{}
	for _, sp := range spans {
		if sp.end <= sp.start {
			continue
		}
		first, _ := lineCol(src, sp.start)
		last, _ := lineCol(src, sp.end-1)
		for l := first; l <= last; l++ {
			out[l-1] = true
		}
	}
	return out
}

// overlapsSecret reports whether an edit touches a secret value.
func overlapsSecret(e edit, spans []span) bool {
	for _, sp := range spans {
		if e.start < sp.end && sp.start < e.end || e.start == e.end && sp.start < e.start && e.start < sp.end {
			return true
		}
	}
	return false
}

// maskLine renders line k (0-based) of src with every secret value on it
// replaced by ********, for a hunk shown as a comment.
func maskLine(src []byte, k int, spans []span) string {
	ls, ok := offsetOf(src, k+1, 1)
	if !ok {
		return ""
	}
	le := lineEnd(src, ls)
	var b strings.Builder
	pos := ls
	for _, sp := range spans {
		s, e := max(sp.start, ls), min(sp.end, le)
		if s >= e || s < pos {
			continue
		}
		b.Write(src[pos:s])
		b.WriteString("********")
		pos = e
	}
	b.Write(src[pos:le])
	return strings.TrimRight(b.String(), "\r\n")
}
