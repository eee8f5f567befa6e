package tfplan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/jsonpos"
)

func TestPositionIndex(t *testing.T) {
	doc := "{\n" +
		"  \"a\": {\"b\": [10, {\"c\": null}], \"é\": \"x\"},\n" +
		"  \"日本\": {\"k/~\": true},\n" +
		"\t\"arr\": [\n    [1,2],\n    \"s\\\"q\"\n  ],\r\n" +
		"  \"dup\": 1, \"dup\": 2\n" +
		"}"
	tests := []struct {
		path     []any
		loc, val string // key-start and value-start positions, line:col-endline:endcol
	}{
		{[]any{}, "1:1-9:2", "1:1-9:2"},
		{[]any{"a"}, "2:3-2:42", "2:8-2:42"},
		{[]any{"a", "b"}, "2:9-2:31", "2:14-2:31"},
		{[]any{"a", "b", 0}, "2:15-2:17", "2:15-2:17"},
		{[]any{"a", "b", 1, "c"}, "2:20-2:29", "2:25-2:29"},
		{[]any{"a", "é"}, "2:33-2:41", "2:38-2:41"}, // columns count characters, not bytes
		{[]any{"日本", "k/~"}, "3:10-3:21", "3:17-3:21"},
		{[]any{"arr", 0, 1}, "5:8-5:9", "5:8-5:9"},
		{[]any{"arr", 1}, "6:5-6:11", "6:5-6:11"},
		{[]any{"dup"}, "8:13-8:21", "8:20-8:21"}, // the last duplicate wins, as in encoding/json
	}
	ix := newPositionIndex("f.json", []byte(doc))
	for _, tt := range tests {
		ix.want(tt.path...)
	}
	ix.want("missing")
	ix.want("a", "b", 7)
	if err := ix.build(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		l, ok := ix.loc(tt.path...)
		v, _ := ix.valueLoc(tt.path...)
		if !ok {
			t.Errorf("%v: not found", tt.path)
			continue
		}
		got := fmt.Sprintf("%d:%d-%d:%d", l.Line, l.Column, l.EndLine, l.EndColumn)
		gotV := fmt.Sprintf("%d:%d-%d:%d", v.Line, v.Column, v.EndLine, v.EndColumn)
		if got != tt.loc || gotV != tt.val || l.File != "f.json" {
			t.Errorf("%v: loc %s value %s (file %q), want %s value %s", tt.path, got, gotV, l.File, tt.loc, tt.val)
		}
	}
	for _, p := range [][]any{{"missing"}, {"a", "b", 7}, {"a", "x"}} {
		if _, ok := ix.loc(p...); ok {
			t.Errorf("%v: found, want not found", p)
		}
	}
	// Lines counted from \n, so a \r\n line ending keeps columns right.
	if l := ix.offsetLoc(len(doc)); l.Line != 9 || l.Column != 2 {
		t.Errorf("end of document at %d:%d, want 9:2", l.Line, l.Column)
	}
}

func TestFieldMatches(t *testing.T) {
	p := []jsonpos.Seg{{Key: "configuration"}, {Key: "root_module"}, {Key: "resources"}, {Index: 3, IsIndex: true},
		{Key: "expressions"}, {Key: "engine"}, {Key: "references"}}
	for _, tt := range []struct {
		field []string
		want  bool
	}{
		{[]string{"configuration", "root_module", "resources", "expressions", "references"}, true},
		{[]string{"references"}, true},
		{[]string{"configuration", "references"}, true},
		{[]string{"configuration", "engine"}, false},
		{[]string{"resources", "configuration", "references"}, false},
		{nil, false},
	} {
		if got := fieldMatches(p, tt.field); got != tt.want {
			t.Errorf("fieldMatches(%v) = %v, want %v", tt.field, got, tt.want)
		}
	}
}

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in               string
		ok               bool
		module, typ, key string
		name, full       string
		calls            int
	}{
		{"aws_rds_cluster.this", true, "", "aws_rds_cluster", "", "this", "aws_rds_cluster.this", 0},
		{"module.db.aws_rds_cluster.this[0]", true, "module.db", "aws_rds_cluster", "[0]", "this", "module.db.aws_rds_cluster.this[0]", 1},
		{`module.db["eu"].module.x[2].aws_rds_cluster.c["a b"]`, true, `module.db["eu"].module.x[2]`, "aws_rds_cluster", `["a b"]`, "c", `module.db["eu"].module.x[2].aws_rds_cluster.c["a b"]`, 2},
		{"aws_rds_global_cluster.g.id", true, "", "aws_rds_global_cluster", "", "g", "aws_rds_global_cluster.g", 0},
		{"aws_rds_cluster.this[0].arn", true, "", "aws_rds_cluster", "[0]", "this", "aws_rds_cluster.this[0]", 0},
		{"data.aws_rds_cluster.x", true, "", "aws_rds_cluster", "", "x", "data.aws_rds_cluster.x", 0},
		{"var.window", false, "", "", "", "", "", 0},
		{"local.x", false, "", "", "", "", "", 0},
		{"module.global_db.global_cluster_id", false, "", "", "", "", "", 0},
		{"module.global_db", false, "", "", "", "", "", 0},
		{"count.index", false, "", "", "", "", "", 0},
		{"aws_rds_cluster.this[count.index]", false, "", "", "", "", "", 0},
		{"", false, "", "", "", "", "", 0},
		{"aws_rds_cluster", false, "", "", "", "", "", 0},
	}
	for _, tt := range tests {
		r, ok := parseAddress(tt.in)
		if ok != tt.ok {
			t.Errorf("parseAddress(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if r.module != tt.module || r.typ != tt.typ || r.key != tt.key || r.name != tt.name || r.String() != tt.full || len(r.calls) != tt.calls {
			t.Errorf("parseAddress(%q) = %+v (%s)", tt.in, r, r.String())
		}
	}
}

// compareBuilders indexes up to max paths of a valid document with the byte
// scanner and with encoding/json.Decoder and reports any difference.
func compareBuilders(t *testing.T, data []byte, max int) {
	t.Helper()
	var paths [][]any
	var all []jsonpos.Span
	_ = jsonpos.Walk(data, func(p []jsonpos.Seg, at jsonpos.Span) {
		if len(paths) >= max {
			return
		}
		var path []any
		for _, s := range p {
			if s.IsIndex {
				path = append(path, s.Index)
			} else {
				path = append(path, s.Key)
			}
		}
		paths = append(paths, path)
		all = append(all, at)
	}, nil)
	fast := newPositionIndex("f", data)
	slow := newPositionIndex("f", data)
	for _, p := range paths {
		fast.want(p...)
		slow.want(p...)
	}
	if err := fast.build(); err != nil {
		t.Fatalf("scanner: %v", err)
	}
	if err := slow.buildWithDecoder(); err != nil {
		t.Fatalf("decoder: %v", err)
	}
	for i, p := range paths {
		a, okA := fast.lookup(p)
		b, okB := slow.lookup(p)
		if !okA || !okB || a != b {
			t.Fatalf("path %v: scanner %+v %v, decoder %+v %v (walk saw %+v)", p, a, okA, b, okB, all[i])
		}
	}
}

func TestScannerMatchesDecoder(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if !json.Valid(data) {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) { compareBuilders(t, data, 1<<30) })
	}
	for _, doc := range []string{`{"a\"b":[1,{"c\\/":"x\u00e9"}],"日本":[[],{}]}`, `  [ 1 , -2.5e3 , true , null , "s" ] `, `"top"`, `0`} {
		compareBuilders(t, []byte(doc), 1<<30)
	}
}

func TestLongLineColumns(t *testing.T) {
	// Columns on a long line with multibyte characters before the offset.
	line := strings.Repeat("日本", 3000) + `"k"`
	ix := newPositionIndex("f", []byte(line))
	if l := ix.offsetLoc(len(line) - 3); l.Line != 1 || l.Column != 6001 {
		t.Errorf("column %d, want 6001", l.Column)
	}
}
