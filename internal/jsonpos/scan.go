package jsonpos

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// scan records the wanted paths of a document that encoding/json has
// already accepted as valid (the plan source decodes the plan first). It only has to
// find where values start and end, not validate them, so it is a byte
// scanner: values no wanted path goes through are skipped in one pass
// without tokenizing, and object keys are compared without allocating.
// On input that is not valid JSON it stops with an error; it never panics
// or loops. walk (encoding/json.Decoder.Token) gives the same spans; a
// differential fuzz test holds the two together.
func scan(data []byte, root *node) error {
	s := &byteScanner{data: data}
	s.ws()
	if err := s.value(root, s.i); err != nil {
		return err
	}
	return nil
}

type byteScanner struct {
	data []byte
	i    int
}

var errScan = errors.New("position index: unexpected byte in JSON")

func (s *byteScanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value reads the value at s.i (after whitespace) for trie node n and
// records it when wanted.
func (s *byteScanner) value(n *node, keyStart int) error {
	if n == nil {
		return s.skip()
	}
	start := s.i
	if start >= len(s.data) {
		return errScan
	}
	kind := Number
	switch c := s.data[start]; c {
	case '{':
		kind = Object
		s.i++
		s.ws()
		if s.i < len(s.data) && s.data[s.i] == '}' {
			s.i++
			break
		}
		for {
			s.ws()
			ks := s.i
			k, err := s.key()
			if err != nil {
				return err
			}
			s.ws()
			if s.i >= len(s.data) || s.data[s.i] != ':' {
				return errScan
			}
			s.i++
			s.ws()
			var child *node
			if n.keys != nil {
				if k.esc {
					child = n.keys[k.unescaped]
				} else {
					child = n.keys[string(k.raw)] // no allocation for a map lookup
				}
			}
			if err := s.value(child, ks); err != nil {
				return err
			}
			s.ws()
			if s.i >= len(s.data) {
				return errScan
			}
			if s.data[s.i] == ',' {
				s.i++
				continue
			}
			if s.data[s.i] == '}' {
				s.i++
				break
			}
			return errScan
		}
	case '[':
		kind = Array
		s.i++
		s.ws()
		if s.i < len(s.data) && s.data[s.i] == ']' {
			s.i++
			break
		}
		for idx := 0; ; idx++ {
			s.ws()
			if err := s.value(n.childIndex(idx), s.i); err != nil {
				return err
			}
			s.ws()
			if s.i >= len(s.data) {
				return errScan
			}
			if s.data[s.i] == ',' {
				s.i++
				continue
			}
			if s.data[s.i] == ']' {
				s.i++
				break
			}
			return errScan
		}
	case '"':
		kind = String
		if err := s.skipString(); err != nil {
			return err
		}
	default:
		switch c {
		case 't', 'f':
			kind = Bool
		case 'n':
			kind = Null
		}
		if err := s.literal(); err != nil {
			return err
		}
	}
	if n.want {
		n.found, n.at = true, Span{KeyStart: keyStart, Start: start, End: s.i, Kind: kind}
	}
	return nil
}

type scannedKey struct {
	raw       []byte
	esc       bool
	unescaped string
}

// key reads an object key; only keys with escapes or invalid UTF-8 are
// decoded.
func (s *byteScanner) key() (scannedKey, error) {
	start := s.i
	if start >= len(s.data) || s.data[start] != '"' {
		return scannedKey{}, errScan
	}
	esc := false
	for i := start + 1; i < len(s.data); i++ {
		switch s.data[i] {
		case '\\':
			esc = true
			i++
		case '"':
			s.i = i + 1
			k := scannedKey{raw: s.data[start+1 : i], esc: esc}
			// encoding/json replaces invalid UTF-8 with U+FFFD; do the same.
			if !esc && !utf8.Valid(k.raw) {
				k.esc = true
			}
			if k.esc {
				if err := json.Unmarshal(s.data[start:i+1], &k.unescaped); err != nil {
					return scannedKey{}, err
				}
			}
			return k, nil
		}
	}
	return scannedKey{}, errScan
}

func (s *byteScanner) skipString() error {
	for i := s.i + 1; i < len(s.data); i++ {
		switch s.data[i] {
		case '\\':
			i++
		case '"':
			s.i = i + 1
			return nil
		}
	}
	return errScan
}

// literal skips a number, true, false or null.
func (s *byteScanner) literal() error {
	start := s.i
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r', ':', '"', '{', '[':
			if s.i == start {
				return errScan
			}
			return nil
		}
		s.i++
	}
	if s.i == start {
		return errScan
	}
	return nil
}

// skip passes over one value of any size without recursion.
func (s *byteScanner) skip() error {
	if s.i >= len(s.data) {
		return errScan
	}
	switch s.data[s.i] {
	case '"':
		return s.skipString()
	case '{', '[':
	default:
		return s.literal()
	}
	depth := 0
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '"':
			if err := s.skipString(); err != nil {
				return err
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				return nil
			}
		}
		s.i++
	}
	return errScan
}
