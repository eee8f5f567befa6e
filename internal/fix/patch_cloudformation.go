package fix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

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

// mappingPairs returns the key/value pairs of a mapping node (goccy/go-yaml
// represents a one-pair block mapping as a bare MappingValueNode).
func mappingPairs(n ast.Node) ([]*ast.MappingValueNode, *ast.MappingNode) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, m
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, nil
	case *ast.TagNode:
		return mappingPairs(m.Value)
	case *ast.AnchorNode:
		return mappingPairs(m.Value)
	}
	return nil, nil
}

func keyName(mv *ast.MappingValueNode) string {
	if mv.Key == nil {
		return ""
	}
	s := mv.Key.String()
	return strings.Trim(s, `"'`)
}

func lookup(n ast.Node, key string) *ast.MappingValueNode {
	pairs, _ := mappingPairs(n)
	for _, mv := range pairs {
		if keyName(mv) == key {
			return mv
		}
	}
	return nil
}

// cfnInsertWindow returns the edit that adds BacktrackWindow to the
// Properties of the resource whose logical ID is at loc (or named id).
func cfnInsertWindow(s *source, id string, loc model.Location, value int64) (edit, error) {
	src, file := s.src, s.name
	f, err := s.yaml()
	if err != nil {
		return edit{}, fmt.Errorf("%s: %v", file, err)
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return edit{}, fmt.Errorf("%s: empty template", file)
	}
	res := lookup(f.Docs[0].Body, "Resources")
	if res == nil {
		return edit{}, fmt.Errorf("%s: no Resources section", file)
	}
	var rmv *ast.MappingValueNode
	pairs, _ := mappingPairs(res.Value)
	for _, mv := range pairs {
		if p := mv.Key.GetToken().Position; p.Line == loc.Line && keyName(mv) != "" {
			rmv = mv
			break
		}
	}
	if rmv == nil {
		for _, mv := range pairs {
			if keyName(mv) == id {
				rmv = mv
			}
		}
	}
	if rmv == nil {
		return edit{}, fmt.Errorf("%s:%d: resource %s not found (the file changed since the scan?)", file, loc.Line, id)
	}
	props := lookup(rmv.Value, "Properties")
	if props == nil {
		return edit{}, fmt.Errorf("%s:%d: resource %s has no Properties; add BacktrackWindow by hand", file, loc.Line, id)
	}
	if lookup(props.Value, "BacktrackWindow") != nil {
		return edit{}, fmt.Errorf("%s:%d: resource %s already sets BacktrackWindow", file, loc.Line, id)
	}
	kv, _ := mappingPairs(props.Value)
	if len(kv) == 0 {
		return edit{}, fmt.Errorf("%s:%d: the Properties of %s are empty or not a mapping; add BacktrackWindow by hand", file, loc.Line, id)
	}
	first := kv[0].Key.GetToken()
	koff, ok := s.offsetOf(first.Position.Line, first.Position.Column)
	if !ok {
		return edit{}, fmt.Errorf("%s: cannot locate the Properties of %s", file, id)
	}
	// goccy positions of quoted keys point inside or at the quote; step back to it.
	if koff > 0 && (src[koff-1] == '"' || src[koff-1] == '\'') && src[koff] != '"' && src[koff] != '\'' {
		koff--
	}
	num := strconv.FormatInt(value, 10)
	jsonStyle := isJSON(src)
	entry := "BacktrackWindow: " + num
	if jsonStyle {
		entry = `"BacktrackWindow": ` + num
	}
	propLine := props.Key.GetToken().Position.Line
	if first.Position.Line == propLine || strings.TrimSpace(string(src[lineStart(src, koff):koff])) != "" {
		// Flow style or several keys on one line: insert before the first key.
		if !jsonStyle && !isFlow(props.Value) {
			return edit{}, fmt.Errorf("%s:%d: unusual Properties layout; add BacktrackWindow by hand", file, first.Position.Line)
		}
		return edit{start: koff, end: koff, text: entry + ", "}, nil
	}
	at := lineStart(src, koff)
	indent := indentOf(src, koff)
	if jsonStyle || isFlow(props.Value) {
		return edit{start: at, end: at, text: indent + entry + ",\n"}, nil
	}
	return edit{start: at, end: at, text: indent + entry + "\n"}, nil
}

func isFlow(n ast.Node) bool {
	m, ok := n.(*ast.MappingNode)
	return ok && m.IsFlowStyle
}

// checkCloudFormation re-parses a patched template.
func checkCloudFormation(src []byte, file string) error {
	if isJSON(src) {
		if !json.Valid(src) {
			return fmt.Errorf("%s: the patched JSON does not parse", file)
		}
	}
	if _, err := parser.ParseBytes(src, parser.ParseComments); err != nil {
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
