package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/kumoguard/kumoguard/internal/model"
)

// loc converts an HCL range into a model location. Range file names are
// already relative to the scan root (files are parsed under that name).
func loc(r hcl.Range) model.Location {
	if r.Filename == "" {
		return model.Location{}
	}
	return model.Location{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column,
		EndLine: r.End.Line, EndColumn: r.End.Column}
}

// diagText renders an HCL diagnostic's summary and detail on one line.
func diagText(d *hcl.Diagnostic) string {
	s := strings.TrimSpace(d.Summary)
	if det := strings.TrimSpace(d.Detail); det != "" {
		s += ": " + strings.Join(strings.Fields(det), " ")
	}
	return s
}

// maxErrorsPerFile bounds the ERROR findings one file produces: a binary or
// badly broken file yields hundreds of HCL diagnostics, and the first few say
// what is wrong; the rest are counted in one more finding.
const maxErrorsPerFile = 5

// parseErrors turns each HCL error into an ERROR diagnostic at its location,
// at most maxErrorsPerFile per file plus one that counts the rest.
func parseErrors(diags hcl.Diagnostics) []model.Diagnostic {
	var out []model.Diagnostic
	perFile := map[string]int{}
	var files []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		var l model.Location
		if d.Subject != nil {
			l = loc(*d.Subject)
		}
		if perFile[l.File] == 0 {
			files = append(files, l.File)
		}
		perFile[l.File]++
		if perFile[l.File] > maxErrorsPerFile {
			continue
		}
		out = append(out, model.Diagnostic{
			Status:   model.StatusError,
			Reason:   model.ReasonParseError,
			Location: l,
			Message: model.T("Terraform configuration error at %s: %s",
				"Terraform 構成のエラー（%s）：%s", l.String(), diagText(d)),
			Remediation: model.T("Fix the HCL at %s; kumoguard evaluated the other files of this module without it.",
				"%s の HCL を修正してください。kumoguard はこのファイルを除いてモジュールの他のファイルを評価しました。", l.String()),
		})
	}
	for _, f := range files {
		if n := perFile[f] - maxErrorsPerFile; n > 0 {
			out = append(out, model.Diagnostic{
				Status:   model.StatusError,
				Reason:   model.ReasonParseError,
				Location: model.Location{File: f},
				Message: model.T("%d more Terraform configuration errors in %s are not listed (the first %d are); is it a Terraform file?",
					"%[2]s には、ほかに %[1]d 件の Terraform 構成エラーがあります（最初の %[3]d 件のみ表示）。Terraform のファイルですか？", n, f, maxErrorsPerFile),
				Remediation: model.T("Fix the HCL in %s (terraform validate lists every error).",
					"%s の HCL を修正してください（terraform validate ですべてのエラーを確認できます）。", f),
			})
		}
	}
	return out
}

// readError reports a file or directory that could not be read.
func readError(rel string, err error) model.Diagnostic {
	msg := err.Error()
	// Keep only the operating-system part: the absolute path is noise.
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return model.Diagnostic{
		Status:   model.StatusError,
		Reason:   model.ReasonReadError,
		Location: model.Location{File: rel},
		Message:  model.T("Cannot read %s: %s", "%s を読み取れません：%s", rel, msg),
		Remediation: model.T("Check that %s exists and is readable, then scan again.",
			"%s が存在し読み取り可能であることを確認して、再度スキャンしてください。", rel),
	}
}
