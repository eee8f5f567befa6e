package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// Decoder is encoding/json.Decoder over a whole document in memory, with
// the offsets where each token starts and ends. Numbers are json.Number.
type Decoder struct {
	data []byte
	dec  *json.Decoder
}

// NewDecoder reads data.
func NewDecoder(data []byte) *Decoder {
	d := &Decoder{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	d.dec.UseNumber()
	return d
}

// Token returns the next token (as encoding/json.Decoder.Token does), the
// offset of its first byte and the offset one past its last byte.
func (d *Decoder) Token() (tok json.Token, start, end int, err error) {
	start = NextToken(d.data, int(d.dec.InputOffset()))
	tok, err = d.dec.Token()
	return tok, start, int(d.dec.InputOffset()), err
}

// More reports whether the current array or object has another element.
func (d *Decoder) More() bool { return d.dec.More() }

// Skip consumes the next value whole, without building anything.
func (d *Decoder) Skip() error { return d.dec.Decode(&skipValue{}) }

// Offset is the decoder's input offset: the end of the last token read.
func (d *Decoder) Offset() int { return int(d.dec.InputOffset()) }

// skipValue consumes one JSON value through json.Decoder.Decode.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// ErrorOffset is the byte offset a JSON decoding error points at: the
// offending byte of a *json.SyntaxError (whose Offset counts that byte
// itself), or the end of the document when the input ends too early
// (io.EOF, io.ErrUnexpectedEOF, "unexpected end of JSON input", or an error
// that says "unexpected EOF"). ok is false for other errors, whose offset
// the caller knows better.
func ErrorOffset(data []byte, err error) (off int, ok bool) {
	var se *json.SyntaxError
	switch {
	case err == nil:
		return 0, false
	case errors.As(err, &se):
		if strings.Contains(se.Error(), "unexpected end of JSON input") {
			return len(data), true
		}
		return max(int(se.Offset)-1, 0), true
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected EOF"):
		return len(data), true
	}
	return 0, false
}
