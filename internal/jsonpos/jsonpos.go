// Package jsonpos reads JSON while keeping where every value is: byte
// offsets of keys and values, and their 1-based line and column. It is the
// one reader of JSON with positions that the sources share:
//
//   - Lines turns byte offsets into line:column (columns count characters,
//     as editors show them).
//   - Decoder is encoding/json's token stream with the offset where each
//     token starts and ends; ErrorOffset says where a decoding error points.
//     The CloudFormation source builds its template tree from it.
//   - Walk visits every value of a document with its path and Span, up to a
//     syntax error (the Terraform plan source locates type errors with it).
//   - Paths records the Spans of paths asked for beforehand: Scan is a byte
//     scanner for documents encoding/json has already accepted, ScanDecoder
//     the same done with Decoder (it also works up to a syntax error). A
//     differential fuzz test (FuzzScan) holds the two together.
//
// Nothing here decides what a value means; the callers do.
package jsonpos

import (
	"strconv"
	"strings"

	"encoding/json"
)

// Kind is the JSON kind of a value. Its byte is the first byte of the
// value's text ('0' for every number, 't' for both booleans).
type Kind byte

// The JSON kinds.
const (
	Object Kind = '{'
	Array  Kind = '['
	String Kind = '"'
	Number Kind = '0'
	Bool   Kind = 't'
	Null   Kind = 'n'
)

// String names the kind the way json.UnmarshalTypeError.Value does.
func (k Kind) String() string {
	switch k {
	case Object:
		return "object"
	case Array:
		return "array"
	case String:
		return "string"
	case Number:
		return "number"
	case Bool:
		return "bool"
	}
	return "null"
}

// KindOf is the kind of a scalar token of encoding/json.Decoder (json.Delim
// tokens are containers; it returns Null for them).
func KindOf(tok json.Token) Kind {
	switch tok.(type) {
	case string:
		return String
	case json.Number, float64:
		return Number
	case bool:
		return Bool
	}
	return Null
}

// Span is where one value was found: KeyStart is the start of its object
// key (or of the value itself for array elements and the root), Start the
// first byte of the value, End one past its last byte.
type Span struct {
	KeyStart, Start, End int
	Kind                 Kind
}

// Seg is one step of a JSON path: an object key or an array index.
type Seg struct {
	Key     string
	Index   int
	IsIndex bool
}

// Pointer renders a path as an RFC 6901 JSON pointer, for messages.
func Pointer(path []Seg) string {
	var b strings.Builder
	for _, s := range path {
		b.WriteByte('/')
		if s.IsIndex {
			b.WriteString(strconv.Itoa(s.Index))
			continue
		}
		b.WriteString(pointerEscaper.Replace(s.Key))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// NextToken moves from a decoder offset to the first byte of the next
// token: past whitespace and the ',' or ':' encoding/json.Decoder has not
// yet consumed. NextToken(data, 0) is where the document's first value
// starts.
func NextToken(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}
