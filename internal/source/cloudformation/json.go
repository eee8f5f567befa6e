package cloudformation

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/kumoguard/kumoguard/internal/model"
)

// jsonReader builds a node tree from a JSON document with encoding/json's
// token stream, keeping each value's line and column. It is the fast path for
// JSON templates (CDK synth output is JSON and often large); goccy/go-yaml
// reads YAML.
type jsonReader struct {
	data       []byte
	dec        *json.Decoder
	lineStarts []int
}

// parseJSON parses a JSON template. On a syntax error it returns the
// position and what was wrong.
func parseJSON(data []byte) (*node, pos, model.Text, bool) {
	r := &jsonReader{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	r.dec.UseNumber()
	r.lineStarts = append(r.lineStarts, 0)
	for i, b := range data {
		if b == '\n' {
			r.lineStarts = append(r.lineStarts, i+1)
		}
	}
	n, err := r.value(0)
	if err == nil {
		if _, e := r.dec.Token(); e != io.EOF {
			err = errors.New("unexpected data after the top-level value")
			if e != nil {
				err = e
			}
		}
	}
	if err != nil {
		off := r.dec.InputOffset()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
			if off > 0 {
				off--
			}
		}
		var de *duplicateKeyError
		switch {
		case errors.As(err, &de):
			off = de.at
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			err = errors.New("unexpected end of JSON input")
			off = int64(len(data))
		}
		return nil, r.pos(off), model.T("invalid JSON: %s", "JSON が不正です：%s", err.Error()), false
	}
	return n, pos{}, model.Text{}, true
}

// pos converts a byte offset to line and column (columns count characters).
func (r *jsonReader) pos(off int64) pos {
	o := int(off)
	if o > len(r.data) {
		o = len(r.data)
	}
	line := sort.Search(len(r.lineStarts), func(i int) bool { return r.lineStarts[i] > o }) - 1
	start := r.lineStarts[line]
	col := o - start
	if seg := r.data[start:o]; !isASCII(seg) {
		col = utf8.RuneCount(seg)
	}
	return pos{int32(line + 1), int32(col + 1)}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// next returns the next token and the offset where it starts.
func (r *jsonReader) next() (json.Token, int64, error) {
	off := r.dec.InputOffset()
	for int(off) < len(r.data) {
		switch r.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	tok, err := r.dec.Token()
	return tok, off, err
}

func (r *jsonReader) value(depth int) (*node, error) {
	tok, off, err := r.next()
	if err != nil {
		return nil, err
	}
	return r.fromToken(tok, off, depth)
}

var errTooDeep = errors.New("nesting too deep")

func (r *jsonReader) fromToken(tok json.Token, off int64, depth int) (*node, error) {
	p := r.pos(off)
	if depth > maxDepth {
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
			_, err := r.dec.Token() // ]
			return n, err
		case '{':
			n := &node{kind: kindMap, pos: p}
			var seen map[string]bool
			for r.dec.More() {
				kt, koff, err := r.next()
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
			_, err := r.dec.Token() // }
			return n, err
		}
	}
	return nil, errors.New("unexpected token")
}

type duplicateKeyError struct {
	key string
	at  int64
}

func (e *duplicateKeyError) Error() string { return "mapping key \"" + e.key + "\" already defined" }
