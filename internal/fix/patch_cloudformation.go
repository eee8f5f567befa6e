package fix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/kumoguard/kumoguard/internal/model"
)

// CloudFormation (YAML and JSON) and JSON-syntax Terraform patches are
// position-based splices: the scalar at the provenance's position is
// replaced, keeping its quoting; a missing BacktrackWindow is inserted as the
// first key of the resource's Properties with the indentation of the key it
// precedes. Comments, key order and indentation stay exactly as written.

// scalarAt returns the extent of the scalar that starts at off: a quoted
// string (with its quotes) or a plain scalar up to a comment, a flow
// delimiter or the end of the line.
func scalarAt(src []byte, off int) (int, int, byte) {
	if off >= len(src) {
		return off, off, 0
	}
	switch q := src[off]; q {
	case '"', '\'':
		for i := off + 1; i < len(src) && src[i] != '\n'; i++ {
			if q == '"' && src[i] == '\\' {
				i++
				continue
			}
			if src[i] == q {
				if q == '\'' && i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return off, i + 1, q
			}
		}
		return off, off, 0
	}
	end := off
	for end < len(src) {
		c := src[end]
		if c == '\n' || c == '\r' || c == ',' || c == '}' || c == ']' || (c == '#' && end > off && (src[end-1] == ' ' || src[end-1] == '\t')) {
			break
		}
		end++
	}
	for end > off && (src[end-1] == ' ' || src[end-1] == '\t') {
		end--
	}
	return off, end, 0
}

// setScalar returns the edit that sets the number scalar at loc to value,
// and the scalar's current text.
func setScalar(s *source, loc model.Location, value int64) (edit, string, error) {
	src, file := s.src, s.name
	off, ok := s.offsetOf(loc.Line, loc.Column)
	if !ok {
		return edit{}, "", fmt.Errorf("%s:%d:%d: position not in the file (the file changed since the scan?)", file, loc.Line, loc.Column)
	}
	start, end, quote := scalarAt(src, off)
	old := string(src[start:end])
	inner := old
	if quote != 0 {
		inner = old[1 : len(old)-1]
	}
	if _, err := strconv.ParseInt(strings.TrimSpace(inner), 10, 64); err != nil {
		return edit{}, old, fmt.Errorf("%s:%d:%d: %q is not a number literal; change it by hand", file, loc.Line, loc.Column, old)
	}
	text := strconv.FormatInt(value, 10)
	if quote != 0 {
		text = string(quote) + text + string(quote)
	}
	return edit{start: start, end: end, text: text}, old, nil
}

func isJSON(src []byte) bool {
	t := bytes.TrimLeft(src, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// pair is one key and value of a YAML mapping.
type pair struct{ key, value *yaml.Node }

// deref follows an alias to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// mappingPairs returns the key/value pairs of a mapping node.
func mappingPairs(n *yaml.Node) []pair {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, pair{deref(n.Content[i]), n.Content[i+1]})
	}
	return out
}

// lookup returns the pair of key in a mapping; when the key is written more
// than once, the last (CloudFormation keeps the last value).
func lookup(n *yaml.Node, key string) *pair {
	var found *pair
	for _, kv := range mappingPairs(n) {
		if kv.key.Value == key {
			found = &kv
		}
	}
	return found
}

// cfnInsertWindow returns the edit that adds BacktrackWindow to the
// Properties of the resource whose logical ID is at loc (or named id).
func cfnInsertWindow(s *source, id string, loc model.Location, value int64) (edit, error) {
	src, file := s.src, s.name
	body, err := s.yaml()
	if err != nil {
		return edit{}, fmt.Errorf("%s: %v", file, err)
	}
	if body == nil {
		return edit{}, fmt.Errorf("%s: empty template", file)
	}
	res := lookup(body, "Resources")
	if res == nil {
		return edit{}, fmt.Errorf("%s: no Resources section", file)
	}
	var rmv *pair
	pairs := mappingPairs(res.value)
	for i, kv := range pairs {
		if kv.key.Line == loc.Line && kv.key.Value != "" {
			rmv = &pairs[i]
			break
		}
	}
	if rmv == nil {
		rmv = lookup(res.value, id)
	}
	if rmv == nil {
		return edit{}, fmt.Errorf("%s:%d: resource %s not found (the file changed since the scan?)", file, loc.Line, id)
	}
	props := lookup(rmv.value, "Properties")
	if props == nil {
		return edit{}, fmt.Errorf("%s:%d: resource %s has no Properties; add BacktrackWindow by hand", file, loc.Line, id)
	}
	if lookup(props.value, "BacktrackWindow") != nil {
		return edit{}, fmt.Errorf("%s:%d: resource %s already sets BacktrackWindow", file, loc.Line, id)
	}
	kv := mappingPairs(props.value)
	if len(kv) == 0 {
		return edit{}, fmt.Errorf("%s:%d: the Properties of %s are empty or not a mapping; add BacktrackWindow by hand", file, loc.Line, id)
	}
	first := kv[0].key
	koff, ok := s.offsetOf(first.Line, first.Column)
	if !ok || first.Anchor != "" || first.Style&yaml.TaggedStyle != 0 {
		return edit{}, fmt.Errorf("%s: cannot locate the Properties of %s", file, id)
	}
	num := strconv.FormatInt(value, 10)
	jsonStyle := isJSON(src)
	entry := "BacktrackWindow: " + num
	if jsonStyle {
		entry = `"BacktrackWindow": ` + num
	}
	propLine := props.key.Line
	if first.Line == propLine || strings.TrimSpace(string(src[lineStart(src, koff):koff])) != "" {
		// Flow style or several keys on one line: insert before the first key.
		if !jsonStyle && !isFlow(props.value) {
			return edit{}, fmt.Errorf("%s:%d: unusual Properties layout; add BacktrackWindow by hand", file, first.Line)
		}
		return edit{start: koff, end: koff, text: entry + ", "}, nil
	}
	at := lineStart(src, koff)
	indent := indentOf(src, koff)
	if jsonStyle || isFlow(props.value) {
		return edit{start: at, end: at, text: indent + entry + ",\n"}, nil
	}
	return edit{start: at, end: at, text: indent + entry + "\n"}, nil
}

func isFlow(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle != 0
}

// parseYAML parses one YAML document into its body node, as the
// CloudFormation loader does (go.yaml.in/yaml/v4, duplicate keys allowed).
func parseYAML(src []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Load(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")), &doc, yaml.WithUniqueKeys(false)); err != nil {
		return nil, err
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, nil
		}
		return doc.Content[0], nil
	}
	return &doc, nil
}

// checkCloudFormation re-parses a patched template.
func checkCloudFormation(src []byte, file string) error {
	if isJSON(src) {
		if !json.Valid(src) {
			return fmt.Errorf("%s: the patched JSON does not parse", file)
		}
	}
	if _, err := parseYAML(src); err != nil {
		return fmt.Errorf("%s: the patched template does not parse: %v", file, err)
	}
	return nil
}

// checkJSON re-parses a patched JSON file (.tf.json, .tfvars.json).
func checkJSON(src []byte, file string) error {
	if !json.Valid(src) {
		return fmt.Errorf("%s: the patched JSON does not parse", file)
	}
	return nil
}
