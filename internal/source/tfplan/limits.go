package tfplan

import (
	"fmt"

	"github.com/kumoguard/kumoguard/internal/jsonpos"
	"github.com/kumoguard/kumoguard/internal/model"
)

// Bounds on the work reading one plan does, whatever its content (issue 11
// point 3). Each bound, when hit, is an ERROR finding (LIMIT_EXCEEDED) at
// the file, line and column where it was hit, naming the limit; what lies
// beyond it is not read, and the rest of the scan goes on.

// maxPlanBytes bounds a plan file (the scan's walk refuses larger JSON
// files before reading them, internal/scan.MaxInputBytes). A plan of 5,000
// clusters is about 77 MB. A variable so that tests can lower it.
var maxPlanBytes = 256 << 20

// maxJSONDepth bounds how deep the plan's arrays and objects nest. A plan
// nests a few levels per module level (at most maxModuleDepth of them) and
// a few dozen inside attribute values; encoding/json stops at 10,000 with
// an error that does not say why.
const maxJSONDepth = 1000

// maxEntries bounds the aws_rds_cluster, aws_rds_cluster_instance and
// aws_rds_global_cluster instances read from one plan (a variable so that
// tests can lower it).
var maxEntries = 50_000

// maxLinks bounds the links made between clusters and the instances or
// global clusters that point at them (a configuration block whose
// references name every instance of a counted cluster links each instance
// to all of them).
const maxLinks = 200_000

// limitDiag is the ERROR finding for a limit hit at l.
func limitDiag(file string, l model.Location, what model.Text) model.Diagnostic {
	if l.File == "" {
		l = model.Location{File: file, Line: 1, Column: 1}
	}
	where := l.String()
	return model.Diagnostic{
		Status:   model.StatusError,
		Reason:   model.ReasonLimitExceeded,
		Location: l,
		Resource: fileResource(file),
		Message: model.Text{
			EN: fmt.Sprintf("kumoguard stopped reading at %s: the plan exceeds the limit on %s. What lies beyond it was not evaluated.", where, what.EN),
			JA: fmt.Sprintf("kumoguard は %s で読み取りを打ち切りました。プランが上限（%s）を超えています。その先は評価されていません。", where, what.JA),
		},
		Remediation: model.T("Check %s: a plan written by `terraform show -json` stays far below this limit. If it is intended, split the configuration into smaller root modules and scan each plan.",
			"%s を確認してください。`terraform show -json` が出力するプランはこの上限より十分小さいはずです。意図したものであれば、構成を小さなルートモジュールに分割し、それぞれのプランをスキャンしてください。", where),
	}
}

// fileLimits checks the limits on the whole file before it is decoded: its
// size and its nesting. ok is false when the file must not be decoded.
func fileLimits(file string, ix *positionIndex, data []byte) (model.Diagnostic, bool) {
	if len(data) > maxPlanBytes {
		return limitDiag(file, model.Location{}, model.T("file size (%d bytes; this file has %d); the file was not read",
			"ファイルサイズ（%d バイト。このファイルは %d バイト）。このファイルは読み込んでいません", maxPlanBytes, len(data))), false
	}
	if off := jsonpos.Depth(data, maxJSONDepth); off >= 0 {
		return limitDiag(file, ix.offsetLoc(off), model.T("JSON nesting depth (%d levels of arrays and objects); the file was not read",
			"JSON の入れ子の深さ（配列とオブジェクトで %d 段）。このファイルは読み込んでいません", maxJSONDepth)), false
	}
	return model.Diagnostic{}, true
}

// limitHit is a limit hit while collecting, reported once the position
// index is built.
type limitHit struct {
	path []any
	what model.Text
}

// hitLimit records a limit hit at path (once per limit), and asks the
// position index for it.
func (r *reader) hitLimit(path []any, what model.Text) {
	for _, h := range r.hits {
		if h.what.EN == what.EN {
			return
		}
	}
	r.hits = append(r.hits, limitHit{path: clone(path), what: what})
	r.ix.want(path...)
}

// limitDiags are the findings of the limits hit, once the index is built.
func (r *reader) limitDiags() []model.Diagnostic {
	var out []model.Diagnostic
	for _, h := range r.hits {
		l, ok := r.ix.loc(h.path...)
		if !ok {
			l = r.ix.docLoc()
		}
		out = append(out, limitDiag(r.file, l, h.what))
	}
	return out
}

func entriesText() model.Text {
	return model.T("aws_rds_cluster, aws_rds_cluster_instance and aws_rds_global_cluster instances (%d)",
		"aws_rds_cluster、aws_rds_cluster_instance、aws_rds_global_cluster のインスタンス数（%d）", maxEntries)
}

func moduleDepthText() model.Text {
	return model.T("module nesting in planned_values (%d levels)", "planned_values のモジュールの入れ子（%d 段）", maxModuleDepth)
}

func linksText() model.Text {
	return model.T("links between clusters and the instances or global clusters that refer to them (%d)",
		"クラスターと、それを参照するインスタンスやグローバルクラスターとの関連付けの数（%d）", maxLinks)
}

// parsedRef is a memoized parseAddress result: configuration references
// are shared by every instance of a resource block, and parsing one costs
// microseconds.
type parsedRef struct {
	ref resourceRef
	ok  bool
}

func (r *reader) parseRef(s string) (resourceRef, bool) {
	if p, ok := r.refs[s]; ok {
		return p.ref, p.ok
	}
	ref, ok := parseAddress(s)
	if r.refs == nil {
		r.refs = map[string]parsedRef{}
	}
	r.refs[s] = parsedRef{ref, ok}
	return ref, ok
}

// clustersNamed is the clusters of clustersIn in module with the name, in
// order (indexed on first use, so that linking n instances to m clusters
// does not cost n × m).
func (r *reader) clustersNamed(module, name string) []*entry {
	if r.byName == nil {
		r.byName = map[string][]*entry{}
		for _, c := range r.clustersIn {
			k := c.ref.module + "\x00" + c.ref.name
			r.byName[k] = append(r.byName[k], c)
		}
	}
	return r.byName[module+"\x00"+name]
}

// clustersWithValue is the clusters of clustersIn whose key is v, in order;
// attr names the key function (the attribute of the resource that points
// at clusters: each caller passes one key function per attribute).
func (r *reader) clustersWithValue(attr string, key func(*entry) string, v string) []*entry {
	idx, ok := r.byValue[attr]
	if !ok {
		idx = map[string][]*entry{}
		for _, c := range r.clustersIn {
			k := key(c)
			idx[k] = append(idx[k], c)
		}
		if r.byValue == nil {
			r.byValue = map[string]map[string][]*entry{}
		}
		r.byValue[attr] = idx
	}
	return idx[v]
}

// chargeLinks counts n links made for from, and reports whether the limit
// allows them.
func (r *reader) chargeLinks(from *entry, n int) bool {
	r.links += n
	if r.links <= maxLinks {
		return true
	}
	r.hitLimit(from.path, linksText())
	return false
}
