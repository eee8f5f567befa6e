package cloudformation

import (
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// readParameterFile reads --parameter-file in either format:
//
//	[{"ParameterKey": "Env", "ParameterValue": "prod"}, ...]   (aws cloudformation create-stack --parameters file://...)
//	{"Parameters": {"Env": "prod", ...}}                          (CodePipeline template configuration)
//
// Values keep their position in the file, so that `kumoguard fix` can edit
// them. Problems are returned as diagnostics naming file:line:column.
func (sc *scanner) readParameterFile(path string) (map[string]givenValue, []model.Diagnostic) {
	file := sc.rel(path)
	res := model.Resource{Kind: model.SourceCloudFormation, Type: "ParameterFile", Address: file}
	fail := func(reason model.Reason, p pos, msg model.Text) []model.Diagnostic {
		return []model.Diagnostic{{Status: model.StatusError, Reason: reason, Resource: res,
			Location: model.Location{File: file, Line: int(p.line), Column: int(p.col)}, Message: msg,
			Remediation: model.T(`Write the file as [{"ParameterKey": "Env", "ParameterValue": "prod"}] or {"Parameters": {"Env": "prod"}}.`,
				`ファイルは [{"ParameterKey": "Env", "ParameterValue": "prod"}] または {"Parameters": {"Env": "prod"}} の形式で記述してください。`)}}
	}
	data, err := readBounded(path)
	if d := fileTooLarge(file, "ParameterFile", err); d != nil {
		return nil, []model.Diagnostic{*d}
	}
	if err != nil {
		return nil, []model.Diagnostic{{Status: model.StatusError, Reason: model.ReasonReadError, Resource: res, Location: model.Location{File: file},
			Message: model.T("cannot read parameter file: %v", "パラメータファイルを読み取れません：%v", err)}}
	}
	d := parseDocumentSafe(data)
	root := d.n
	if len(d.hits) > 0 || d.limit {
		p, what := d.p, d.msg
		if len(d.hits) > 0 {
			p, what = d.hits[0].p, d.hits[0].what
		}
		return nil, []model.Diagnostic{limitDiag(model.Location{File: file, Line: int(p.line), Column: int(p.col)}, res, bi("%s; the file was not used", "%s。このファイルは使用していません", what))}
	}
	if !d.ok {
		return nil, fail(model.ReasonParseError, d.p, bi("parameter file: %s", "パラメータファイル：%s", d.msg))
	}
	loc := func(p pos) model.Location { return model.Location{File: file, Line: int(p.line), Column: int(p.col)} }
	out := map[string]givenValue{}
	var diags []model.Diagnostic
	add := func(key string, v *node, usePrevious bool) {
		switch {
		case usePrevious:
			out[key] = givenValue{src: srcUnknown, loc: loc(v.pos), unknownWhy: model.T("parameter %q uses the previous value of the deployed stack (UsePreviousValue), which kumoguard does not see",
				"パラメータ %q はデプロイ済みスタックの以前の値（UsePreviousValue）を使いますが、kumoguard からは見えません", key)}
		default:
			s, ok := scalarString(v)
			if !ok {
				diags = append(diags, fail(model.ReasonInvalidValue, v.pos, model.T("parameter file: the value of %q is %s (expected a string)", "パラメータファイル：%q の値が %s です（文字列が必要です）", key, v.describe()))...)
				return
			}
			out[key] = givenValue{value: s, loc: loc(v.pos), src: srcFile}
		}
	}
	switch root.kind {
	case kindSeq:
		for _, e := range root.vals {
			k, v := e.get("ParameterKey"), e.get("ParameterValue")
			if e.kind != kindMap || k == nil || k.kind != kindString {
				diags = append(diags, fail(model.ReasonParseError, e.pos, model.T(`parameter file: entry is %s (expected {"ParameterKey": ..., "ParameterValue": ...})`, `パラメータファイル：エントリーが %s です（{"ParameterKey": ..., "ParameterValue": ...} が必要です）`, e.describe()))...)
				continue
			}
			up := e.get("UsePreviousValue")
			usePrev := up != nil && strings.EqualFold(up.str, "true")
			if v == nil && !usePrev {
				diags = append(diags, fail(model.ReasonParseError, e.pos, model.T("parameter file: %q has no ParameterValue", "パラメータファイル：%q に ParameterValue がありません", k.str))...)
				continue
			}
			if v == nil {
				v = up
			}
			add(k.str, v, usePrev)
		}
	case kindMap:
		ps := root.get("Parameters")
		if ps == nil || ps.kind != kindMap {
			return nil, fail(model.ReasonParseError, root.pos, model.T(`parameter file: expected a list of {"ParameterKey", "ParameterValue"} or an object with "Parameters"`,
				`パラメータファイル：{"ParameterKey", "ParameterValue"} のリスト、または "Parameters" を持つオブジェクトが必要です`))
		}
		for i, k := range ps.keys {
			add(k, ps.vals[i], false)
		}
	default:
		return nil, fail(model.ReasonParseError, root.pos, model.T(`parameter file: expected a list of {"ParameterKey", "ParameterValue"} or an object with "Parameters", got %s`,
			`パラメータファイル：{"ParameterKey", "ParameterValue"} のリスト、または "Parameters" を持つオブジェクトが必要ですが、%s です`, root.describe()))
	}
	return out, diags
}

// parseDocumentSafe is parseDocument that turns a parser panic into an error.
func parseDocumentSafe(data []byte) (d parsed) {
	defer func() {
		if r := recover(); r != nil {
			d = parsed{p: pos{1, 1}, msg: model.T("the file could not be parsed (parser failure: %v)", "ファイルを解析できませんでした（パーサーの失敗：%v）", r)}
		}
	}()
	return parseDocumentFull(data)
}

// parseFlag reads --parameter Key=Value.
func parseFlag(s string) (string, string, bool) {
	k, v, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	return k, v, ok && k != ""
}
