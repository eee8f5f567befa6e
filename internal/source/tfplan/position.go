package tfplan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// The plan JSON carries no HCL positions, so findings point into the JSON
// itself. positionIndex maps JSON paths (object keys and array indices from
// the document root) to byte offsets, and offsets to line:column. It records
// only the paths asked for beforehand (a trie of wanted paths), so a plan
// with thousands of resources costs a few entries per cluster rather than
// one per JSON value.
//
// Two walkers fill it and agree on every span (TestScannerMatchesDecoder,
// FuzzPositionIndex): walkJSON uses encoding/json.Decoder.Token with
// InputOffset and works up to a syntax error (IsPlan on a broken plan,
// locating type errors); scanIndex is a byte scanner for documents
// encoding/json has already accepted, about ten times cheaper in
// allocations, used by Load.

// pathSeg is one step of a JSON path: an object key or an array index.
type pathSeg struct {
	key     string
	index   int
	isIndex bool
}

// span is where one JSON value was found: keyStart is the start of its
// object key (or of the value itself for array elements and the root), start
// the first byte of the value, end one past its last byte.
type span struct {
	keyStart, start, end int
	kind                 byte // '{', '[', '"', '0' (number), 't' (bool), 'n' (null)
}

type posNode struct {
	keys  map[string]*posNode
	idx   map[int]*posNode
	want  bool
	found bool
	at    span
}

func (n *posNode) childKey(k string) *posNode {
	if n == nil || n.keys == nil {
		return nil
	}
	return n.keys[k]
}

func (n *posNode) childIndex(i int) *posNode {
	if n == nil || n.idx == nil {
		return nil
	}
	return n.idx[i]
}

// positionIndex resolves JSON paths of one document to file locations.
type positionIndex struct {
	file  string
	data  []byte
	lines []int // byte offset of the start of each line
	root  posNode
	// runeMarks[i] is the number of characters in data[:i*runeMarkStep],
	// so columns on a long line (terraform show -json writes one line) cost
	// O(runeMarkStep) instead of O(line length). Built on first use.
	runeMarks []int
}

const runeMarkStep = 4096

func newPositionIndex(file string, data []byte) *positionIndex {
	ix := &positionIndex{file: file, data: data, lines: []int{0}}
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		ix.lines = append(ix.lines, i)
	}
	return ix
}

// segs converts path elements (string keys, int indices) to segments.
func segs(path []any) []pathSeg {
	out := make([]pathSeg, 0, len(path))
	for _, p := range path {
		switch v := p.(type) {
		case string:
			out = append(out, pathSeg{key: v})
		case int:
			out = append(out, pathSeg{index: v, isIndex: true})
		}
	}
	return out
}

// want asks the next build to record the position of the value at path.
func (ix *positionIndex) want(path ...any) {
	n := &ix.root
	for _, s := range segs(path) {
		if s.isIndex {
			if n.idx == nil {
				n.idx = map[int]*posNode{}
			}
			c := n.idx[s.index]
			if c == nil {
				c = &posNode{}
				n.idx[s.index] = c
			}
			n = c
			continue
		}
		if n.keys == nil {
			n.keys = map[string]*posNode{}
		}
		c := n.keys[s.key]
		if c == nil {
			c = &posNode{}
			n.keys[s.key] = c
		}
		n = c
	}
	n.want = true
}

func (ix *positionIndex) lookup(path []any) (span, bool) {
	n := &ix.root
	for _, s := range segs(path) {
		if s.isIndex {
			n = n.childIndex(s.index)
		} else {
			n = n.childKey(s.key)
		}
		if n == nil {
			return span{}, false
		}
	}
	return n.at, n.found
}

// build walks the document once and records every wanted path. The
// document must be valid JSON (Load decodes it first).
func (ix *positionIndex) build() error {
	return scanIndex(ix.data, &ix.root)
}

// buildWithDecoder is build done with encoding/json.Decoder.Token: slower,
// but it also works up to a syntax error. Tests compare the two.
func (ix *positionIndex) buildWithDecoder() error {
	return walkJSON(ix.data, &ix.root, func(n *posNode, _ []pathSeg, at span) {
		if n != nil && n.want {
			n.found, n.at = true, at
		}
	})
}

// loc returns the location of the value at path: from its key (for object
// members) to the end of its value. ok is false when the path is not in the
// document (or was not wanted before build).
func (ix *positionIndex) loc(path ...any) (model.Location, bool) {
	at, ok := ix.lookup(path)
	if !ok {
		return model.Location{}, false
	}
	return ix.rangeLoc(at.keyStart, at.end), true
}

// valueLoc is like loc but starts at the value rather than its key.
func (ix *positionIndex) valueLoc(path ...any) (model.Location, bool) {
	at, ok := ix.lookup(path)
	if !ok {
		return model.Location{}, false
	}
	return ix.rangeLoc(at.start, at.end), true
}

// docLoc is the location of the document's first value.
func (ix *positionIndex) docLoc() model.Location {
	return ix.offsetLoc(skipSeparators(ix.data, 0))
}

// offsetLoc is the location of one byte offset.
func (ix *positionIndex) offsetLoc(off int) model.Location {
	l, c := ix.lineCol(off)
	return model.Location{File: ix.file, Line: l, Column: c}
}

func (ix *positionIndex) rangeLoc(start, end int) model.Location {
	l, c := ix.lineCol(start)
	el, ec := ix.lineCol(end)
	return model.Location{File: ix.file, Line: l, Column: c, EndLine: el, EndColumn: ec}
}

// lineCol converts a byte offset to a 1-based line and a 1-based column
// counted in characters (runes), the way editors show them. EndColumn values
// are exclusive (the column after the last character), as in SARIF and HCL.
func (ix *positionIndex) lineCol(off int) (int, int) {
	if off < 0 {
		off = 0
	}
	if off > len(ix.data) {
		off = len(ix.data)
	}
	i := sort.Search(len(ix.lines), func(i int) bool { return ix.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, ix.runesBefore(off) - ix.runesBefore(ix.lines[i]) + 1
}

// runesBefore counts the characters in data[:off]: the bytes that start a
// UTF-8 sequence (not continuation bytes), so counts at any two offsets
// subtract to the characters between them.
func (ix *positionIndex) runesBefore(off int) int {
	if ix.runeMarks == nil {
		ix.runeMarks = make([]int, len(ix.data)/runeMarkStep+1)
		n := 0
		for k := range ix.runeMarks {
			ix.runeMarks[k] = n
			end := min((k+1)*runeMarkStep, len(ix.data))
			if k*runeMarkStep < end {
				n += countRunes(ix.data[k*runeMarkStep : end])
			}
		}
	}
	k := off / runeMarkStep
	return ix.runeMarks[k] + countRunes(ix.data[k*runeMarkStep:off])
}

// countRunes counts the bytes that are not UTF-8 continuation bytes
// (10xxxxxx), eight at a time.
func countRunes(b []byte) int {
	const hi = 0x8080808080808080
	n := 0
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b)
		cont := x & hi &^ ((x << 1) & hi) // bit 7 set, bit 6 clear
		n += 8 - bits.OnesCount64(cont)
		b = b[8:]
	}
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// pointer renders a path as an RFC 6901 JSON pointer, for messages.
func pointer(path []pathSeg) string {
	var b strings.Builder
	for _, s := range path {
		b.WriteByte('/')
		if s.isIndex {
			b.WriteString(strconv.Itoa(s.index))
			continue
		}
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s.key))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// walkJSON tokenizes data with encoding/json.Decoder and calls visit at the
// end of every value with the trie node for its path (nil when the path is
// not in the trie rooted at root; root may be nil to visit everything with
// nil nodes), the path itself and its span. With a trie, values no wanted
// path goes through are skipped without being visited. The path slice is reused between
// calls. A syntax error stops the walk and is returned (everything before it
// has been visited, so a key read before a broken value is still known to
// callers that want it through visitKey).
func walkJSON(data []byte, root *posNode, visit func(n *posNode, path []pathSeg, at span)) error {
	return walkJSONKeys(data, root, visit, nil)
}

type walkFrame struct {
	node      *posNode // node of this container
	child     *posNode // node of the member whose key was just read
	obj       bool
	expectKey bool
	next      int // next array index
	keyStart  int // where this container's own key (or the container) starts
	start     int // where the container starts
	memberKey int // where the key of the member being read starts
}

// walkJSONKeys is walkJSON that also calls visitKey (when not nil) after
// each object key is read, before its value.
func walkJSONKeys(data []byte, root *posNode, visit func(*posNode, []pathSeg, span), visitKey func([]pathSeg, int)) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []walkFrame
	var path []pathSeg
	started := false
	for {
		// Skip, without tokenizing, array elements that no wanted path
		// goes through (when a trie is given).
		if n := len(stack); root != nil && n > 0 && !stack[n-1].obj && stack[n-1].node.childIndex(stack[n-1].next) == nil && dec.More() {
			if err := dec.Decode(&skipValue{}); err != nil {
				return err
			}
			stack[n-1].next++
			continue
		}
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) && len(stack) == 0 && started {
				return nil
			}
			return err
		}
		start := skipSeparators(data, off)
		end := int(dec.InputOffset())
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			kind := byte('{')
			if d == ']' {
				kind = '['
			}
			visit(f.node, path, span{keyStart: f.keyStart, start: f.start, end: end, kind: kind})
			endMember(&stack, &path)
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].expectKey {
			top := &stack[n-1]
			k, _ := tok.(string)
			top.expectKey = false
			top.child = top.node.childKey(k)
			top.memberKey = start
			path = append(path, pathSeg{key: k})
			if visitKey != nil {
				visitKey(path, start)
			}
			if root != nil && top.child == nil {
				// Nothing wanted below this key: skip its value whole.
				if err := dec.Decode(&skipValue{}); err != nil {
					return err
				}
				endMember(&stack, &path)
			}
			continue
		}
		started = true
		node, keyStart := root, start
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if top.obj {
				node, keyStart = top.child, top.memberKey
			} else {
				node = top.node.childIndex(top.next)
				path = append(path, pathSeg{index: top.next, isIndex: true})
				top.next++
			}
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, walkFrame{node: node, obj: d == '{', expectKey: d == '{', keyStart: keyStart, start: start})
			continue
		}
		visit(node, path, span{keyStart: keyStart, start: start, end: end, kind: scalarKind(tok)})
		endMember(&stack, &path)
	}
}

// skipValue consumes one JSON value through json.Decoder.Decode without
// building anything.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// endMember finishes a value inside its container: the path loses its last
// step and an object expects its next key.
func endMember(stack *[]walkFrame, path *[]pathSeg) {
	if len(*stack) == 0 {
		return
	}
	*path = (*path)[:len(*path)-1]
	if top := &(*stack)[len(*stack)-1]; top.obj {
		top.expectKey = true
	}
}

// skipSeparators moves from a decoder offset to the first byte of the next
// token: past whitespace and the ',' or ':' the decoder has not yet consumed.
func skipSeparators(data []byte, off int) int {
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

func scalarKind(tok json.Token) byte {
	switch tok.(type) {
	case string:
		return '"'
	case json.Number, float64:
		return '0'
	case bool:
		return 't'
	}
	return 'n'
}

// kindName names a JSON kind for messages.
func kindName(k byte) model.Text {
	switch k {
	case '{':
		return model.T("an object", "オブジェクト")
	case '[':
		return model.T("an array", "配列")
	case '"':
		return model.T("a string", "文字列")
	case '0':
		return model.T("a number", "数値")
	case 't':
		return model.T("a boolean", "真偽値")
	}
	return model.T("null", "null")
}
