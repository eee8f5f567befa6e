package cloudformation

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Bounds on the work one scan does, whatever its input (issue 11 point 3).
// Each bound, when hit, is an ERROR finding (LIMIT_EXCEEDED) at the file
// and line where it was hit, naming the limit; what lies beyond it is not
// evaluated, and the rest of the scan goes on.
//
// Per file: its size (maxFileBytes), nesting (maxDepth), nodes with YAML
// aliases expanded (maxNodes). Per evaluation of a top-level template and
// the stacks it nests: the budget below.

// maxFileBytes bounds a template or parameter file. CloudFormation itself
// takes templates of at most 1 MB (from S3), and parameter files far below
// that:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
const maxFileBytes = 4 << 20

// limitKind is one kind of evaluation work.
type limitKind int

const (
	limStacks    limitKind = iota // nested stack instances
	limSteps                      // expressions evaluated (and list items produced)
	limBytes                      // string bytes produced by Fn::Sub, Fn::Join, Fn::Base64
	limLoopNodes                  // template nodes created by Fn::ForEach expansion
	numLimits
)

// limitSpec is the size of one budget: for the whole scan base + perKiB for
// each KiB of templates given; for one top-level template (with the stacks
// it nests) its share of that, between floor and perRoot.
type limitSpec struct {
	perRoot, floor, base, perKiB int64
	en, ja                       string
}

var limits = [numLimits]limitSpec{
	limStacks:    {perRoot: 1_000, floor: 64, base: 2_000, perKiB: 2, en: "nested stack instances", ja: "ネストされたスタックのインスタンス数"},
	limSteps:     {perRoot: 2_000_000, floor: 200_000, base: 4_000_000, perKiB: 4_000, en: "expressions evaluated", ja: "評価する式の数"},
	limBytes:     {perRoot: 16 << 20, floor: 1 << 20, base: 32 << 20, perKiB: 16 << 10, en: "string bytes produced by evaluation", ja: "評価で生成する文字列のバイト数"},
	limLoopNodes: {perRoot: 200_000, floor: 50_000, base: 400_000, perKiB: 200, en: "template nodes created by Fn::ForEach", ja: "Fn::ForEach で生成するテンプレートのノード数"},
}

// budget is the work left to one top-level template's evaluation, shared
// by every stack it nests (they are evaluated one after the other, on one
// goroutine).
type budget struct {
	share [numLimits]int64
	spent [numLimits]int64
	// allow is the scan's budget, named in findings.
	allow [numLimits]int64
	// hit is true once a charge failed.
	hit      bool
	reported map[string]bool
}

// shares computes each top-level template's share of the scan's budget,
// from the sizes of the given templates, before anything is evaluated (so
// that the result does not depend on the order templates are evaluated in).
func shares(files []string) (share, allow [numLimits]int64) {
	var bytes int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			bytes += min(st.Size(), maxFileBytes)
		}
	}
	n := int64(max(len(files), 1))
	for k, l := range limits {
		allow[k] = l.base + l.perKiB*(bytes>>10)
		share[k] = min(l.perRoot, max(allow[k]/n, l.floor))
	}
	return share, allow
}

// charge spends n units of a kind of work and reports whether the budget
// allowed it. Once a budget is spent, every later charge of its kind fails.
// A nil budget allows everything (tests that build stacks by hand).
func (b *budget) charge(k limitKind, n int64) bool {
	if b == nil || n <= 0 {
		return true
	}
	b.spent[k] += n
	if b.spent[k] <= b.share[k] {
		return true
	}
	b.hit = true
	return false
}

// text names a limit in a finding.
func (b *budget) text(k limitKind) model.Text {
	l := limits[k]
	return model.Text{
		EN: fmt.Sprintf("%s (%d for this template and the stacks it nests: its share of %d for this scan, at most %d)", l.en, b.share[k], b.allow[k], l.perRoot),
		JA: fmt.Sprintf("%s（このテンプレートとネストされたスタックに %d。スキャン全体の %d の配分、最大 %d）", l.ja, b.share[k], b.allow[k], l.perRoot),
	}
}

// over records, once per limit, the LIMIT_EXCEEDED finding of a budget hit
// at l while evaluating stack s, and returns the invalid value of what it
// stopped.
func (s *stack) over(k limitKind, l model.Location) result {
	what := model.Text{EN: limits[k].en, JA: limits[k].ja}
	if s.b != nil {
		what = s.b.text(k)
	}
	return s.overText(fmt.Sprint(k), what, model.Text{EN: limits[k].en, JA: limits[k].ja}, l)
}

// overValue is over for the bound on the work spent on one value
// (maxSteps), reported once per location.
func (s *stack) overValue(l model.Location) result {
	what := model.T("expressions evaluated for one value (%d, every combination of parameter values included)",
		"1 つの値のために評価する式の数（%d。パラメータ値のすべての組み合わせを含む）", maxSteps)
	return s.overText("value|"+l.String(), what, model.T("expressions evaluated for one value", "1 つの値のために評価する式の数"), l)
}

func (s *stack) overText(key string, what, short model.Text, l model.Location) result {
	if s.b == nil {
		s.b = &budget{share: [numLimits]int64{1 << 62, 1 << 62, 1 << 62, 1 << 62}}
	}
	if s.b.reported == nil {
		s.b.reported = map[string]bool{}
	}
	if !s.b.reported[key] {
		s.b.reported[key] = true
		s.diags = append(s.diags, limitDiag(l, model.Resource{Kind: model.SourceCloudFormation, Type: "AWS::CloudFormation::Template", Address: s.t.file}, what))
	}
	return invalid(l, bi("evaluation stopped at %s: the limit on %s was exceeded", "%s で評価を打ち切りました：%sの上限を超えています", l.String(), short))
}

// limitDiag is the ERROR finding for a limit hit at l.
func limitDiag(l model.Location, res model.Resource, what model.Text) model.Diagnostic {
	return model.LimitDiagnostic(l, res, what, limitAdvice)
}

// limitAdvice says how a real input stays below a limit (%s: where).
var limitAdvice = model.Text{EN: "Check %s: a real template stays far below this limit. If it is intended, split it into smaller templates or stacks.", JA: "%s を確認してください。実際のテンプレートはこの上限より十分小さいはずです。意図したものであれば、小さなテンプレートやスタックに分割してください。"}

// errTooLarge is a file larger than maxFileBytes.
type errTooLarge struct{ size int64 }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("the file is %d bytes, above kumoguard's limit of %d", e.size, maxFileBytes)
}

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
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", st.Mode().Type())
	}
	if st.Size() > maxFileBytes {
		return nil, errTooLarge{size: st.Size()}
	}
	// Sized as the file is (as os.ReadFile does), one byte more to see a
	// file that grew since.
	b := make([]byte, 0, st.Size()+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > maxFileBytes {
			return nil, errTooLarge{size: int64(len(b))}
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// fileTooLarge is the LIMIT_EXCEEDED finding of a file that was not read,
// or nil when err is another error.
func fileTooLarge(file, typ string, err error) *model.Diagnostic {
	var tl errTooLarge
	if !errors.As(err, &tl) {
		return nil
	}
	d := limitDiag(model.Location{File: file, Line: 1, Column: 1}, model.Resource{Kind: model.SourceCloudFormation, Type: typ, Address: file},
		model.T("file size (%d bytes; this file has %d); the file was not read", "ファイルサイズ（%d バイト。このファイルは %d バイト）。このファイルは読み込んでいません", maxFileBytes, tl.size))
	return &d
}

// depthText and nodesText name the per-file limits.
func depthText() model.Text {
	return model.T("YAML/JSON nesting depth (%d levels)", "YAML/JSON の入れ子の深さ（%d 段）", maxDepth)
}

func nodesText() model.Text {
	return model.T("template nodes with YAML aliases expanded (%d)", "YAML エイリアス展開後のテンプレートのノード数（%d）", maxNodes)
}
