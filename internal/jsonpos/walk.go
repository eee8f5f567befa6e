package jsonpos

import (
	"encoding/json"
	"errors"
	"io"
)

// Walk tokenizes data with encoding/json.Decoder and calls visit (when not
// nil) at the end of every value with its path and Span, and visitKey (when
// not nil) after each object key is read, before its value, with the path
// to that member and the offset of the key. The path slice is reused between calls. A
// syntax error stops the walk and is returned; everything before it has
// been visited, so a key read before a broken value is still seen by
// visitKey.
func Walk(data []byte, visit func(path []Seg, at Span), visitKey func(path []Seg, keyStart int)) error {
	return walk(data, nil, nil, visit, visitKey)
}

type walkFrame struct {
	node      *node // node of this container
	child     *node // node of the member whose key was just read
	obj       bool
	expectKey bool
	next      int // next array index
	keyStart  int // where this container's own key (or the container) starts
	start     int // where the container starts
	memberKey int // where the key of the member being read starts
}

// walk is Walk with a trie: when root is not nil, values no wanted path
// goes through are skipped without being visited, and visitNode (when not
// nil) gets the trie node of each value visited (nil when root is nil).
// visit (when not nil) gets its path.
func walk(data []byte, root *node, visitNode func(*node, Span), visit func([]Seg, Span), visitKey func([]Seg, int)) error {
	dec := NewDecoder(data)
	var stack []walkFrame
	var path []Seg
	started := false
	for {
		// Skip, without tokenizing, array elements that no wanted path
		// goes through (when a trie is given).
		if n := len(stack); root != nil && n > 0 && !stack[n-1].obj && stack[n-1].node.childIndex(stack[n-1].next) == nil && dec.More() {
			if err := dec.Skip(); err != nil {
				return err
			}
			stack[n-1].next++
			continue
		}
		tok, start, end, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) && len(stack) == 0 && started {
				return nil
			}
			return err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			kind := Object
			if d == ']' {
				kind = Array
			}
			at := Span{KeyStart: f.keyStart, Start: f.start, End: end, Kind: kind}
			if visitNode != nil {
				visitNode(f.node, at)
			}
			if visit != nil {
				visit(path, at)
			}
			endMember(&stack, &path)
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].expectKey {
			top := &stack[n-1]
			k, _ := tok.(string)
			top.expectKey = false
			top.child = top.node.childKey(k)
			top.memberKey = start
			path = append(path, Seg{Key: k})
			if visitKey != nil {
				visitKey(path, start)
			}
			if root != nil && top.child == nil {
				// Nothing wanted below this key: skip its value whole.
				if err := dec.Skip(); err != nil {
					return err
				}
				endMember(&stack, &path)
			}
			continue
		}
		started = true
		n, keyStart := root, start
		if depth := len(stack); depth > 0 {
			top := &stack[depth-1]
			if top.obj {
				n, keyStart = top.child, top.memberKey
			} else {
				n = top.node.childIndex(top.next)
				path = append(path, Seg{Index: top.next, IsIndex: true})
				top.next++
			}
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, walkFrame{node: n, obj: d == '{', expectKey: d == '{', keyStart: keyStart, start: start})
			continue
		}
		at := Span{KeyStart: keyStart, Start: start, End: end, Kind: KindOf(tok)}
		if visitNode != nil {
			visitNode(n, at)
		}
		if visit != nil {
			visit(path, at)
		}
		endMember(&stack, &path)
	}
}

// endMember finishes a value inside its container: the path loses its last
// step and an object expects its next key.
func endMember(stack *[]walkFrame, path *[]Seg) {
	if len(*stack) == 0 {
		return
	}
	*path = (*path)[:len(*path)-1]
	if top := &(*stack)[len(*stack)-1]; top.obj {
		top.expectKey = true
	}
}
