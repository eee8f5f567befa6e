package tfplan

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/kumoguard/kumoguard/internal/jsonpos"
	"github.com/kumoguard/kumoguard/internal/model"
)

// syntaxDiagnostic turns a JSON syntax error into an ERROR at the line and
// column of the offending byte. The decoder's own message quotes the
// offending character; it is not repeated, since it may sit inside a secret.
func syntaxDiagnostic(file string, ix *positionIndex, err error) model.Diagnostic {
	var se *json.SyntaxError
	off, _ := jsonpos.ErrorOffset(ix.data, err) // 0 when the error has no offset
	what := model.T("unexpected input", "予期しない入力")
	if errors.As(err, &se) {
		what = describeSyntax(se.Error())
	} else if err != nil && strings.Contains(err.Error(), "unexpected EOF") {
		what = model.T("unexpected end of input", "入力が途中で終わっています")
	}
	loc := ix.offsetLoc(off)
	return fileDiagnostic(file, loc, model.ReasonParseError, text(
		"Invalid JSON at %s: %s. Expected the complete JSON document written by `terraform show -json` (was the file truncated or edited by hand?).",
		"%s で JSON が不正です：%s。`terraform show -json` が出力する完全な JSON ドキュメントが必要です（ファイルが途中で切れているか、手で編集されていませんか？）。",
		loc.String(), what))
}

// describeSyntax rewrites encoding/json's syntax messages without the
// offending character, in both languages.
func describeSyntax(msg string) model.Text {
	if strings.Contains(msg, "unexpected end of JSON input") {
		return model.T("the input ends before the JSON document is complete", "JSON ドキュメントが完結する前に入力が終わっています")
	}
	contexts := []struct{ en, ja string }{
		{"looking for beginning of object key string", "オブジェクトのキー（文字列）が必要な位置です"},
		{"looking for beginning of value", "値が必要な位置です"},
		{"after object key:value pair", "キーと値の組の後には , または } が必要です"},
		{"after object key", "オブジェクトのキーの後には : が必要です"},
		{"after array element", "配列の要素の後には , または ] が必要です"},
		{"after top-level value", "最上位の値の後に余分なデータがあります"},
		{"in string literal", "文字列リテラル内に使用できない文字があります"},
		{"in string escape code", "文字列のエスケープが不正です"},
		{"in \\u hexadecimal character escape", "\\u エスケープの 16 進数が不正です"},
		{"in numeric literal", "数値リテラルが不正です"},
		{"in literal", "true / false / null のつづりが不正です"},
	}
	for _, c := range contexts {
		if strings.Contains(msg, c.en) {
			return model.Text{EN: "unexpected character " + c.en, JA: c.ja}
		}
	}
	return model.T("unexpected character", "予期しない文字があります")
}

// decodeDiagnostic explains why terraform-json could not decode the plan:
// a JSON syntax error, a value of the wrong type, an unsupported format
// version, or something else.
func decodeDiagnostic(file string, ix *positionIndex, data []byte, plan *tfjson.Plan, err error) model.Diagnostic {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return syntaxDiagnostic(file, ix, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return typeDiagnostic(file, ix, data, te)
	}
	// terraform-json validates format_version after decoding; the plan
	// fields are filled in by then.
	if plan.FormatVersion == "" && strings.Contains(err.Error(), "format version is missing") {
		return fileDiagnostic(file, ix.docLoc(), model.ReasonParseError,
			model.T("This JSON has no format_version, so it is not a Terraform plan: expected the output of `terraform show -json PLANFILE`.",
				"この JSON には format_version がないため、Terraform プランではありません。`terraform show -json PLANFILE` の出力が必要です。"))
	}
	if plan.FormatVersion != "" {
		ix.want("format_version")
		_ = ix.build()
		loc, ok := ix.loc("format_version")
		if !ok {
			loc = ix.docLoc()
		}
		v, verr := version.NewVersion(plan.FormatVersion)
		if verr != nil {
			return fileDiagnostic(file, loc, model.ReasonInvalidValue,
				model.T("format_version %q is not a version number; expected a plan format version such as \"1.2\".",
					"format_version %q はバージョン番号ではありません。\"1.2\" のようなプラン形式のバージョンが必要です。", truncate(plan.FormatVersion)))
		}
		if c, cerr := version.NewConstraint(tfjson.PlanFormatVersionConstraints); cerr == nil && !c.Check(v) {
			return fileDiagnostic(file, loc, model.ReasonParseError,
				model.T("Plan format_version %q is not supported: kumoguard reads plan JSON format %s (major version 0 or 1, Terraform 0.12 and later). A new major version may change the meaning of fields, so the plan was not read.",
					"プランの format_version %q には対応していません。kumoguard が読めるのはプラン JSON 形式 %s（メジャーバージョン 0 または 1、Terraform 0.12 以降）です。メジャーバージョンが変わるとフィールドの意味が変わる可能性があるため、プランは読み込んでいません。",
					truncate(plan.FormatVersion), tfjson.PlanFormatVersionConstraints))
		}
	}
	return fileDiagnostic(file, ix.docLoc(), model.ReasonParseError,
		model.T("The plan could not be decoded (%s); expected the output of `terraform show -json PLANFILE`.",
			"プランをデコードできませんでした（%s）。`terraform show -json PLANFILE` の出力が必要です。", truncate(err.Error())))
}

// typeDiagnostic locates a value of the wrong type. encoding/json gives the
// struct field path (without array indices or map keys) and an offset that
// is exact at the top level but relative inside nested decoders, so the
// value is found by walking the document: the value of that JSON kind whose
// path contains the field path in order, preferring the one ending at the
// reported offset.
func typeDiagnostic(file string, ix *positionIndex, data []byte, te *json.UnmarshalTypeError) model.Diagnostic {
	var field []string
	if te.Field != "" {
		field = strings.Split(te.Field, ".")
	}
	lead := jsonpos.NextToken(data, 0)
	wantEnd := lead + int(te.Offset)
	var best, first *jsonpos.Span
	var bestPath, firstPath string
	_ = jsonpos.Walk(data, func(p []jsonpos.Seg, at jsonpos.Span) {
		if at.Kind.String() != te.Value || !fieldMatches(p, field) {
			return
		}
		a := at
		if first == nil {
			first, firstPath = &a, jsonpos.Pointer(p)
		}
		if best == nil && at.End == wantEnd {
			best, bestPath = &a, jsonpos.Pointer(p)
		}
	}, nil)
	if best == nil {
		best, bestPath = first, firstPath
	}
	loc := ix.offsetLoc(lead)
	where := "/"
	if best != nil {
		loc = ix.rangeLoc(best.KeyStart, best.End)
		where = bestPath
	}
	return fileDiagnostic(file, loc, model.ReasonParseError, text(
		"The plan has a value of the wrong type at %s (JSON pointer %s): expected %s, found %s. This is not what `terraform show -json` writes, so the file was not read.",
		"%s（JSON ポインター %s）の値の型が不正です：%s が必要ですが、%s です。`terraform show -json` の出力とは異なるため、ファイルは読み込んでいません。",
		loc.String(), where, expectedKind(te.Type), kindText(te.Value)))
}

// fieldMatches reports whether the struct field path is a subsequence of the
// JSON path's keys that ends with its last key.
func fieldMatches(p []jsonpos.Seg, field []string) bool {
	if len(field) == 0 {
		return len(p) == 0
	}
	last := -1
	for i := len(p) - 1; i >= 0; i-- {
		if !p[i].IsIndex {
			last = i
			break
		}
	}
	if last < 0 || p[last].Key != field[len(field)-1] {
		return false
	}
	j := 0
	for _, s := range p[:last+1] {
		if !s.IsIndex && j < len(field) && s.Key == field[j] {
			j++
		}
	}
	return j == len(field)
}

// expectedKind says what JSON a Go type decodes from.
func expectedKind(t reflect.Type) model.Text {
	if t == nil {
		return model.T("a different type", "別の型")
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return kindName(jsonpos.Object)
	case reflect.Slice, reflect.Array:
		return kindName(jsonpos.Array)
	case reflect.String:
		return kindName(jsonpos.String)
	case reflect.Bool:
		return kindName(jsonpos.Bool)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return kindName(jsonpos.Number)
	}
	return model.T("a different type", "別の型")
}

// kindText names a json.UnmarshalTypeError.Value in both languages.
func kindText(v string) model.Text {
	for _, k := range []jsonpos.Kind{jsonpos.Object, jsonpos.Array, jsonpos.String, jsonpos.Number, jsonpos.Bool, jsonpos.Null} {
		if k.String() == v {
			return kindName(k)
		}
	}
	return model.T("a %s", "%s", v)
}

// text formats like model.T, except that model.Text arguments are put in
// each language's own wording.
func text(en, ja string, args ...any) model.Text {
	enArgs := make([]any, len(args))
	jaArgs := make([]any, len(args))
	for i, a := range args {
		if t, ok := a.(model.Text); ok {
			enArgs[i], jaArgs[i] = t.EN, t.JA
			continue
		}
		enArgs[i], jaArgs[i] = a, a
	}
	return model.Text{EN: fmt.Sprintf(en, enArgs...), JA: fmt.Sprintf(ja, jaArgs...)}
}
