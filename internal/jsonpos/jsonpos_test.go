package jsonpos

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLinesLineCol(t *testing.T) {
	long := strings.Repeat("日本", 3000) + `"k"`
	tests := []struct {
		name      string
		doc       string
		off       int
		line, col int
	}{
		{"start", "{}", 0, 1, 1},
		{"end", "{}", 2, 1, 3},
		{"past the end", "{}", 99, 1, 3},
		{"negative", "{}", -5, 1, 1},
		{"second line", "{\n  \"a\": 1}", 4, 2, 3},
		{"at a newline", "{\n}", 1, 1, 2},
		{"after a newline", "{\n}", 2, 2, 1},
		{"crlf", "{\r\n\"a\":1}", 3, 2, 1},
		{"characters, not bytes", `{"é": "x"}`, 7, 1, 7},
		{"long line, multibyte before", long, len(long) - 3, 1, 6001},
		{"long line, second block", strings.Repeat("a", 5000) + "é" + strings.Repeat("b", 5000), 5002 + 10, 1, 5012},
		{"long line, invalid UTF-8 counts each byte", strings.Repeat("a", 9000) + "\xe6\x97" + strings.Repeat("b", 9000), 18002, 1, 18003},
		{"invalid UTF-8 counts each byte", "\x80\x80\xff\"k\"", 3, 1, 4},
		{"invalid UTF-8 elsewhere, valid line", "\"\xff\"\n\"日\"x", 8, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, c := NewLines([]byte(tt.doc)).LineCol(tt.off)
			if l != tt.line || c != tt.col {
				t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
			}
		})
	}
}

func TestCountRunes(t *testing.T) {
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi", "日本語のテキストと ASCII mixed é ü 🎉🎉", strings.Repeat("é日a", 5000)} {
		if got, want := countRunes([]byte(s)), utf8.RuneCountInString(s); got != want {
			t.Errorf("countRunes(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestPointer(t *testing.T) {
	tests := []struct {
		path []Seg
		want string
	}{
		{nil, "/"},
		{[]Seg{{Key: "a"}, {Index: 3, IsIndex: true}}, "/a/3"},
		{[]Seg{{Key: "k/~"}}, "/k~1~0"},
		{[]Seg{{Key: ""}}, "/"},
	}
	for _, tt := range tests {
		if got := Pointer(tt.path); got != tt.want {
			t.Errorf("Pointer(%v) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		tok  json.Token
		kind Kind
		name string
	}{
		{"s", String, "string"},
		{json.Number("1"), Number, "number"},
		{1.5, Number, "number"},
		{true, Bool, "bool"},
		{nil, Null, "null"},
	}
	for _, tt := range tests {
		if k := KindOf(tt.tok); k != tt.kind || k.String() != tt.name {
			t.Errorf("KindOf(%v) = %c %q, want %c %q", tt.tok, k, k, tt.kind, tt.name)
		}
	}
	if Object.String() != "object" || Array.String() != "array" {
		t.Error("container names")
	}
}

func TestDecoderOffsets(t *testing.T) {
	doc := " {\"a\" : [1, \"é\", true],\n \"b\":null} "
	d := NewDecoder([]byte(doc))
	var got []string
	for {
		tok, start, end, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%v@%d-%d:%q", tok, start, end, doc[start:end]))
	}
	want := []string{`{@1-2:"{"`, `a@2-5:"\"a\""`, `[@8-9:"["`, `1@9-10:"1"`, `é@12-16:"\"é\""`, `true@18-22:"true"`,
		`]@22-23:"]"`, `b@26-29:"\"b\""`, `<nil>@30-34:"null"`, `}@34-35:"}"`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tokens\n got %v\nwant %v", got, want)
	}
}

func TestErrorOffset(t *testing.T) {
	syntax := func(doc string) error { return json.Unmarshal([]byte(doc), new(any)) }
	tests := []struct {
		name string
		doc  string
		err  error
		off  int
		ok   bool
	}{
		{"offending byte", `{"a": x}`, syntax(`{"a": x}`), 6, true},
		{"first byte", `x`, syntax(`x`), 0, true},
		{"unexpected end", `{"a": `, syntax(`{"a": `), 6, true},
		{"io.EOF", ``, io.EOF, 0, true},
		{"io.ErrUnexpectedEOF", `{"a"`, io.ErrUnexpectedEOF, 4, true},
		{"wrapped unexpected EOF text", `[1,`, errors.New("decoding: unexpected EOF"), 3, true},
		{"other", `{}`, errors.New("something else"), 0, false},
		{"nil", `{}`, nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off, ok := ErrorOffset([]byte(tt.doc), tt.err)
			if off != tt.off || ok != tt.ok {
				t.Errorf("ErrorOffset = %d %v, want %d %v", off, ok, tt.off, tt.ok)
			}
		})
	}
}

func TestWalkSyntaxError(t *testing.T) {
	var keys, values []string
	err := Walk([]byte(`{"format_version": "1.2", "planned_values": {"x": [1, }`),
		func(p []Seg, at Span) { values = append(values, fmt.Sprintf("%s=%s", Pointer(p), at.Kind)) },
		func(p []Seg, _ int) { keys = append(keys, Pointer(p)) })
	if err == nil {
		t.Fatal("want a syntax error")
	}
	if fmt.Sprint(keys) != "[/format_version /planned_values /planned_values/x]" {
		t.Errorf("keys before the error: %v", keys)
	}
	if fmt.Sprint(values) != "[/format_version=string /planned_values/x/0=number]" {
		t.Errorf("values before the error: %v", values)
	}
}

func TestPaths(t *testing.T) {
	doc := "{\n" +
		"  \"a\": {\"b\": [10, {\"c\": null}], \"é\": \"x\"},\n" +
		"  \"日本\": {\"k/~\": true},\n" +
		"\t\"arr\": [\n    [1,2],\n    \"s\\\"q\"\n  ],\r\n" +
		"  \"dup\": 1, \"dup\": 2,\n" +
		"  \"esc\\u0061\": -2.5e3\n" +
		"}"
	tests := []struct {
		path     []any
		key, val string // the text from the key (or value) and from the value to the end
		kind     Kind
	}{
		{[]any{}, doc, doc, Object},
		{[]any{"a"}, `"a": {"b": [10, {"c": null}], "é": "x"}`, `{"b": [10, {"c": null}], "é": "x"}`, Object},
		{[]any{"a", "b"}, `"b": [10, {"c": null}]`, `[10, {"c": null}]`, Array},
		{[]any{"a", "b", 0}, `10`, `10`, Number},
		{[]any{"a", "b", 1, "c"}, `"c": null`, `null`, Null},
		{[]any{"a", "é"}, `"é": "x"`, `"x"`, String},
		{[]any{"日本", "k/~"}, `"k/~": true`, `true`, Bool},
		{[]any{"arr", 0, 1}, `2`, `2`, Number},
		{[]any{"arr", 1}, `"s\"q"`, `"s\"q"`, String},
		{[]any{"dup"}, `"dup": 2`, `2`, Number}, // the last duplicate wins, as in encoding/json
		{[]any{"esca"}, `"esc\u0061": -2.5e3`, `-2.5e3`, Number},
	}
	for _, name := range []string{"Scan", "ScanDecoder"} {
		t.Run(name, func(t *testing.T) {
			var p Paths
			for _, tt := range tests {
				p.Want(tt.path...)
			}
			p.Want("missing")
			p.Want("a", "b", 7)
			p.Want("a", 0)
			scan := p.Scan
			if name == "ScanDecoder" {
				scan = p.ScanDecoder
			}
			if err := scan([]byte(doc)); err != nil {
				t.Fatal(err)
			}
			for _, tt := range tests {
				at, ok := p.Lookup(tt.path...)
				if !ok {
					t.Errorf("%v: not found", tt.path)
					continue
				}
				if key, val := doc[at.KeyStart:at.End], doc[at.Start:at.End]; key != tt.key || val != tt.val || at.Kind != tt.kind {
					t.Errorf("%v: key %q value %q kind %c, want %q %q %c", tt.path, key, val, at.Kind, tt.key, tt.val, tt.kind)
				}
			}
			for _, path := range [][]any{{"missing"}, {"a", "b", 7}, {"a", "x"}, {"a", 0}, {"arr", 0}} {
				if at, ok := p.Lookup(path...); ok {
					t.Errorf("%v: found %+v, want not found (not in the document or not wanted)", path, at)
				}
			}
		})
	}
}

func TestScanInvalid(t *testing.T) {
	for _, doc := range []string{``, `{`, `{"a"`, `{"a":}`, `{"a":1,}`, `[1 2]`, `"abc`, `{"a":1]`, `}`, `[`, `{1:2}`} {
		var p Paths
		p.Want("a")
		p.Want(0)
		if err := p.Scan([]byte(doc)); err == nil {
			t.Errorf("Scan(%q): no error", doc)
		}
	}
}

// compareScans records up to max paths of a valid document with the byte
// scanner and with encoding/json.Decoder and reports any difference.
func compareScans(t *testing.T, data []byte, max int) {
	t.Helper()
	var paths [][]any
	var all []Span
	if err := Walk(data, func(p []Seg, at Span) {
		if len(paths) >= max {
			return
		}
		path := []any{}
		for _, s := range p {
			if s.IsIndex {
				path = append(path, s.Index)
			} else {
				path = append(path, s.Key)
			}
		}
		paths = append(paths, path)
		all = append(all, at)
	}, nil); err != nil {
		t.Fatalf("walk: %v", err)
	}
	var fast, slow Paths
	for _, p := range paths {
		fast.Want(p...)
		slow.Want(p...)
	}
	if err := fast.Scan(data); err != nil {
		t.Fatalf("scanner: %v", err)
	}
	if err := slow.ScanDecoder(data); err != nil {
		t.Fatalf("decoder: %v", err)
	}
	for i, p := range paths {
		a, okA := fast.Lookup(p...)
		b, okB := slow.Lookup(p...)
		if !okA || !okB || a != b {
			t.Fatalf("path %v: scanner %+v %v, decoder %+v %v (walk saw %+v)", p, a, okA, b, okB, all[i])
		}
	}
}

func TestScanMatchesDecoder(t *testing.T) {
	for _, doc := range []string{
		`{"a\"b":[1,{"c\\/":"x\u00e9"}],"日本":[[],{}]}`,
		`  [ 1 , -2.5e3 , true , null , "s" ] `,
		`"top"`, `0`, `{}`, `[]`,
		"{\"bad\xffkey\": 1, \"k\": [\"\xfe\"]}",
		`{"dup": {"x": 1}, "dup": [2]}`,
	} {
		compareScans(t, []byte(doc), 1<<30)
	}
}

// FuzzScan holds the byte scanner to encoding/json.Decoder on every valid
// JSON document, and checks that neither panics nor loops on the rest.
func FuzzScan(f *testing.F) {
	for _, seed := range []string{
		`{"a\"b":[1,{"c\\/":"x\u00e9"}],"日本":[[],{}]}`,
		`{"format_version":"1.2","resource_changes":[{"address":"aws_rds_cluster.a","change":{"actions":["update"],"before":{"backtrack_window":0},"after":{"backtrack_window":86400},"after_unknown":{}}}]}`,
		` [ 1 , -2.5e3 , true , null , "s" ] `,
		`{"Resources": {"Db": {"Type": "AWS::RDS::DBCluster", "Properties": {"BacktrackWindow": 86400}}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := NewLines(data)
		for _, off := range []int{0, len(data) / 2, len(data)} {
			if l, c := lines.LineCol(off); l < 1 || c < 1 || c > off+1 {
				t.Fatalf("LineCol(%d) = %d:%d", off, l, c)
			}
		}
		if !json.Valid(data) {
			var p Paths
			p.Want("a", 0, "b")
			_ = p.Scan(data)
			_ = p.ScanDecoder(data)
			_ = Walk(data, func([]Seg, Span) {}, func([]Seg, int) {})
			return
		}
		compareScans(t, data, 2000)
	})
}

func TestDepth(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		max  int
		want int
	}{
		{`[[1]]`, 2, -1},
		{`[[1]]`, 1, 1},
		{`{"a": "[[[[", "b": [{}]}`, 3, -1},
		{`{"a": "[[[[", "b": [{}]}`, 2, 20},
		{`{"a": "x\"[[[", "b": [{}]}`, 3, -1},
		{`{"a": [[` + `"\\"` + `, [3]]]}`, 3, 14},
		{`"unterminated [[[`, 0, -1},
	} {
		if got := Depth([]byte(tt.doc), tt.max); got != tt.want {
			t.Errorf("Depth(%s, %d) = %d, want %d", tt.doc, tt.max, got, tt.want)
		}
	}
}
