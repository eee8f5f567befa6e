package terraform

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Bounds on the work one scan does, whatever its input (issue 11 point 3).
// Each bound, when hit, is an ERROR finding (LIMIT_EXCEEDED) at the file
// and line where it was hit, naming the limit; what lies beyond it is not
// evaluated, and the rest of the scan goes on.

// limitDiag is the ERROR finding for a limit hit at l.
func limitDiag(l model.Location, res model.Resource, what model.Text) model.Diagnostic {
	return model.LimitDiagnostic(l, res, what, limitAdvice)
}

// limitAdvice says how a real input stays below a limit (%s: where).
var limitAdvice = model.Text{EN: "Check %s: a real configuration stays far below this limit. If it is intended, split it into smaller modules or files.", JA: "%s を確認してください。実際の構成はこの上限より十分小さいはずです。意図したものであれば、小さなモジュールやファイルに分割してください。"}

// limitHit records, once per location and limit, that a limit was hit while
// evaluating this root module.
func (root *rootModule) limitHit(l model.Location, res model.Resource, what model.Text) {
	key := "limit|" + what.EN + "|" + l.String()
	if root.reported[key] {
		return
	}
	root.reported[key] = true
	root.diags = append(root.diags, limitDiag(l, res, what))
}

// maxFileBytes bounds the size of one configuration or variable definitions
// file. Parsing costs about 130 MB of memory per MB of HCL; the largest
// real files (generated .tf.json) stay well below this.
const maxFileBytes = 4 << 20

// errTooLarge is a file larger than maxFileBytes.
type errTooLarge struct{ size int64 }

func (e errTooLarge) Error() string { return fmt.Sprintf("%d bytes", e.size) }

// readBounded reads a file of at most maxFileBytes.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFileBytes {
		return nil, errTooLarge{size: st.Size()}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err == nil && len(b) > maxFileBytes {
		return nil, errTooLarge{size: int64(len(b))}
	}
	return b, err
}

// fileError reports a file that could not be read, or was too large to.
func fileError(rel string, err error) model.Diagnostic {
	var tl errTooLarge
	if errors.As(err, &tl) {
		return limitDiag(model.Location{File: rel, Line: 1, Column: 1}, model.Resource{},
			model.T("file size (%d bytes; this file has %d)", "ファイルサイズ（%d バイト。このファイルは %d バイト）", maxFileBytes, tl.size))
	}
	return readError(rel, err)
}

// tooDeep is the LIMIT_EXCEEDED finding for a file whose expressions nest
// deeper than maxNesting.
func tooDeep(src []byte, rel string, isJSON bool) (model.Diagnostic, bool) {
	var r hcl.Range
	var deep bool
	if isJSON {
		r, deep = tooDeepJSON(src, rel)
	} else {
		r, deep = tooDeepHCL(src, rel)
	}
	if !deep {
		return model.Diagnostic{}, false
	}
	d := limitDiag(loc(r), model.Resource{}, model.T("expression nesting depth (%d levels of brackets, strings, template directives and chained operators); the file was not parsed",
		"式の入れ子の深さ（括弧・文字列・テンプレート指示・連続した演算子で %d 段）。このファイルは解析していません", maxNesting))
	return d, true
}
