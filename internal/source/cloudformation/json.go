package cloudformation

import (
	"encoding/json"
	"errors"
	"io"

	"github.com/kumoguard/kumoguard/internal/jsonpos"
	"github.com/kumoguard/kumoguard/internal/model"
)

// jsonReader builds a node tree from a JSON document with jsonpos's token
// stream (encoding/json's, with offsets), keeping each value's line and
// column. It is the fast path for JSON templates (CDK synth output is JSON
// and often large); go.yaml.in/yaml/v4 reads YAML (yaml.go).
type jsonReader struct {
	dec   *jsonpos.Decoder
	lines *jsonpos.Lines
	// deepAt is the offset of the value nested deeper than maxDepth.
	deepAt int
}

// parseJSON parses a JSON template. On a syntax error it returns the
// position and what was wrong.
func parseJSON(data []byte) (*node, pos, model.Text, bool) {
	r := &jsonReader{dec: jsonpos.NewDecoder(data), lines: jsonpos.NewLines(data)}
	n, err := r.value(0)
	if err == nil {
		if _, _, _, e := r.dec.Token(); e != io.EOF {
			err = errors.New("unexpected data after the top-level value")
			if e != nil {
				err = e
			}
		}
	}
	if errors.Is(err, errTooDeep) {
		return nil, r.pos(r.deepAt), depthText(), false
	}
	if err != nil {
		var de *duplicateKeyError
		off, ok := jsonpos.ErrorOffset(data, err)
		switch {
		case errors.As(err, &de):
			off = de.at
		case !ok:
			off = r.dec.Offset()
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			err = errors.New("unexpected end of JSON input")
		}
		return nil, r.pos(off), model.T("invalid JSON: %s", "JSON が不正です：%s", err.Error()), false
	}
	return n, pos{}, model.Text{}, true
}

// pos converts a byte offset to line and column (columns count characters).
func (r *jsonReader) pos(off int) pos {
	l, c := r.lines.LineCol(off)
	return pos{int32(l), int32(c)}
}

func (r *jsonReader) value(depth int) (*node, error) {
	tok, off, _, err := r.dec.Token()
	if err != nil {
		return nil, err
	}
	return r.fromToken(tok, off, depth)
}

var errTooDeep = errors.New("nesting too deep")

func (r *jsonReader) fromToken(tok json.Token, off int, depth int) (*node, error) {
	p := r.pos(off)
	if depth > maxDepth {
		r.deepAt = off
		return nil, errTooDeep
	}
	switch v := tok.(type) {
	case nil:
		return &node{kind: kindNull, pos: p, str: "null"}, nil
	case bool:
		s := "false"
		if v {
			s = "true"
		}
		return &node{kind: kindBool, pos: p, str: s}, nil
	case json.Number:
		k := kindInt
		for _, c := range []byte(v) {
			if c == '.' || c == 'e' || c == 'E' {
				k = kindFloat
			}
		}
		return &node{kind: k, pos: p, str: string(v)}, nil
	case string:
		return &node{kind: kindString, pos: p, str: v}, nil
	case json.Delim:
		switch v {
		case '[':
			n := &node{kind: kindSeq, pos: p}
			for r.dec.More() {
				e, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.vals = append(n.vals, e)
			}
			_, _, _, err := r.dec.Token() // ]
			return n, err
		case '{':
			n := &node{kind: kindMap, pos: p}
			var seen map[string]bool
			for r.dec.More() {
				kt, koff, _, err := r.dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				kp := r.pos(koff)
				if len(n.keys) == 0 {
					n.pos = kp // like YAML mappings: the first key's position
				}
				if seen == nil {
					seen = make(map[string]bool, 8)
				}
				if seen[key] {
					return nil, &duplicateKeyError{key: key, at: koff}
				}
				seen[key] = true
				val, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key)
				n.keyPos = append(n.keyPos, kp)
				n.vals = append(n.vals, val)
			}
			_, _, _, err := r.dec.Token() // }
			return n, err
		}
	}
	return nil, errors.New("unexpected token")
}

type duplicateKeyError struct {
	key string
	at  int
}

func (e *duplicateKeyError) Error() string { return "mapping key \"" + e.key + "\" already defined" }
