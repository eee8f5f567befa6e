package jsonpos

// Paths is a set of JSON paths asked for beforehand (a trie) and, after a
// scan, the Span of each one found. Recording only the wanted paths keeps a
// plan with thousands of resources at a few entries per cluster rather
// than one per JSON value. Paths are given as string keys and int indices
// from the document root; other elements are ignored.
type Paths struct {
	root node
}

type node struct {
	keys  map[string]*node
	idx   map[int]*node
	want  bool
	found bool
	at    Span
}

func (n *node) childKey(k string) *node {
	if n == nil || n.keys == nil {
		return nil
	}
	return n.keys[k]
}

func (n *node) childIndex(i int) *node {
	if n == nil || n.idx == nil {
		return nil
	}
	return n.idx[i]
}

// Want asks the next scan to record the Span of the value at path.
func (p *Paths) Want(path ...any) {
	n := &p.root
	for _, s := range path {
		switch s := s.(type) {
		case int:
			if n.idx == nil {
				n.idx = map[int]*node{}
			}
			c := n.idx[s]
			if c == nil {
				c = &node{}
				n.idx[s] = c
			}
			n = c
		case string:
			if n.keys == nil {
				n.keys = map[string]*node{}
			}
			c := n.keys[s]
			if c == nil {
				c = &node{}
				n.keys[s] = c
			}
			n = c
		}
	}
	n.want = true
}

// Lookup returns the Span of the value at path; ok is false when the path
// is not in the document, or was not wanted before the scan.
func (p *Paths) Lookup(path ...any) (at Span, ok bool) {
	n := &p.root
	for _, s := range path {
		switch s := s.(type) {
		case int:
			n = n.childIndex(s)
		case string:
			n = n.childKey(s)
		}
		if n == nil {
			return Span{}, false
		}
	}
	return n.at, n.found
}

// Scan walks a document that encoding/json has already accepted and
// records every wanted path. See scan.go.
func (p *Paths) Scan(data []byte) error {
	return scan(data, &p.root)
}

// ScanDecoder is Scan done with encoding/json.Decoder: slower, but it also
// works up to a syntax error (paths before it are recorded). It gives the
// same Spans as Scan on valid JSON.
func (p *Paths) ScanDecoder(data []byte) error {
	return walk(data, &p.root, func(n *node, at Span) {
		if n != nil && n.want {
			n.found, n.at = true, at
		}
	}, nil, nil)
}
