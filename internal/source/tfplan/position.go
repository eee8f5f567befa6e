package tfplan

import (
	"github.com/kumoguard/kumoguard/internal/jsonpos"
	"github.com/kumoguard/kumoguard/internal/model"
)

// The plan JSON carries no HCL positions, so findings point into the JSON
// itself. positionIndex maps JSON paths (object keys and array indices from
// the document root) to locations, recording only the paths asked for
// beforehand (jsonpos.Paths), so a plan with thousands of resources costs a
// few entries per cluster rather than one per JSON value.
//
// build uses jsonpos's byte scanner, for documents encoding/json has
// already accepted (Load decodes the plan first); buildWithDecoder uses
// encoding/json.Decoder and works up to a syntax error. jsonpos holds the
// two to the same spans (FuzzScan); TestScannerMatchesDecoder checks it on
// the fixtures here.
type positionIndex struct {
	file  string
	data  []byte
	lines *jsonpos.Lines
	paths jsonpos.Paths
}

func newPositionIndex(file string, data []byte) *positionIndex {
	return &positionIndex{file: file, data: data, lines: jsonpos.NewLines(data)}
}

// want asks the next build to record the position of the value at path
// (string keys and int indices).
func (ix *positionIndex) want(path ...any) { ix.paths.Want(path...) }

func (ix *positionIndex) lookup(path []any) (jsonpos.Span, bool) { return ix.paths.Lookup(path...) }

// build walks the document once and records every wanted path. The
// document must be valid JSON (Load decodes it first).
func (ix *positionIndex) build() error { return ix.paths.Scan(ix.data) }

// buildWithDecoder is build done with encoding/json.Decoder: slower, but it
// also works up to a syntax error. Tests compare the two.
func (ix *positionIndex) buildWithDecoder() error { return ix.paths.ScanDecoder(ix.data) }

// loc returns the location of the value at path: from its key (for object
// members) to the end of its value. ok is false when the path is not in the
// document (or was not wanted before build).
func (ix *positionIndex) loc(path ...any) (model.Location, bool) {
	at, ok := ix.lookup(path)
	if !ok {
		return model.Location{}, false
	}
	return ix.rangeLoc(at.KeyStart, at.End), true
}

// valueLoc is like loc but starts at the value rather than its key.
func (ix *positionIndex) valueLoc(path ...any) (model.Location, bool) {
	at, ok := ix.lookup(path)
	if !ok {
		return model.Location{}, false
	}
	return ix.rangeLoc(at.Start, at.End), true
}

// docLoc is the location of the document's first value.
func (ix *positionIndex) docLoc() model.Location {
	return ix.offsetLoc(jsonpos.NextToken(ix.data, 0))
}

// offsetLoc is the location of one byte offset.
func (ix *positionIndex) offsetLoc(off int) model.Location {
	l, c := ix.lines.LineCol(off)
	return model.Location{File: ix.file, Line: l, Column: c}
}

// rangeLoc is the location from one byte offset to another (EndColumn is
// exclusive, as in SARIF and HCL).
func (ix *positionIndex) rangeLoc(start, end int) model.Location {
	l, c := ix.lines.LineCol(start)
	el, ec := ix.lines.LineCol(end)
	return model.Location{File: ix.file, Line: l, Column: c, EndLine: el, EndColumn: ec}
}

// kindName names a JSON kind for messages.
func kindName(k jsonpos.Kind) model.Text {
	switch k {
	case jsonpos.Object:
		return model.T("an object", "オブジェクト")
	case jsonpos.Array:
		return model.T("an array", "配列")
	case jsonpos.String:
		return model.T("a string", "文字列")
	case jsonpos.Number:
		return model.T("a number", "数値")
	case jsonpos.Bool:
		return model.T("a boolean", "真偽値")
	}
	return model.T("null", "null")
}
