package jsonpos

// Depth measures how deep the arrays and objects of a JSON document nest,
// without decoding it: it returns the offset of the first bracket that
// opens a level deeper than max, or -1. Brackets inside strings do not
// count. It costs one pass over the bytes and no allocation, so that a
// reader can refuse a document nested too deep for it before decoding
// (encoding/json itself stops at 10,000 levels with a syntax error that
// does not say why).
func Depth(data []byte, max int) int {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			if depth++; depth > max {
				return i
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return -1
}
