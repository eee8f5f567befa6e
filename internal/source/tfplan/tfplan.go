// Package tfplan reads Terraform plan JSON (`terraform show -json PLANFILE`)
// into model clusters. It decodes with hashicorp/terraform-json, takes each
// aws_rds_cluster once (keyed by address) from resource_changes and from the
// planned values of the root and every child module, maps the after-values
// the policy needs, and records what the plan does to the cluster (create,
// update, replace, ...) with the window before the change.
//
// The plan JSON has no HCL positions, so every value points at the place in
// the plan JSON that decides it (file:line:column of the key inside
// change.after, after_unknown or configuration). Sensitive values
// (master_password and anything the plan marks sensitive) are never copied
// into the model.
//
// Like every source it never decides a verdict: what it cannot resolve is an
// Unknown value with the reason, what is malformed an Invalid value saying
// what was expected, and a file it cannot read at all a Diagnostic.
package tfplan

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/kumoguard/kumoguard/internal/jsonpos"
	"github.com/kumoguard/kumoguard/internal/model"
)

// Options control how plans are read.
type Options struct {
	// Root is the scan root: model.Location.File is the plan's path relative
	// to it, with forward slashes.
	Root string
}

// CoverageKey is the Inventory.Coverage counter of plans read successfully.
const CoverageKey = "terraform_plans"

// IsPlan reports whether data is `terraform show -json` plan output: a JSON
// object with format_version and at least one of planned_values,
// resource_changes or configuration at its top level. Data that clearly is
// not (not an object, or without those key names anywhere) is rejected
// without decoding. A plan that is truncated or otherwise broken after those
// keys still counts, so that Load reports where it breaks.
func IsPlan(data []byte) bool {
	if isUTF16(data) {
		// Recognised so that Load can say how to write it as UTF-8.
		data = utf16ToUTF8(data)
	}
	data = normalizeEncoding(data)
	i := jsonpos.NextToken(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	if !bytes.Contains(data, []byte(`"format_version"`)) {
		return false
	}
	if !bytes.Contains(data, []byte(`"planned_values"`)) &&
		!bytes.Contains(data, []byte(`"resource_changes"`)) &&
		!bytes.Contains(data, []byte(`"configuration"`)) {
		return false
	}
	var probe planProbe
	if err := json.Unmarshal(data, &probe); err == nil {
		return bool(probe.FormatVersion && (probe.PlannedValues || probe.ResourceChanges || probe.Configuration))
	}
	// Broken JSON: look at the top-level keys read before the break.
	var hasVersion, hasPlanKey bool
	_ = jsonpos.Walk(data, nil, func(p []jsonpos.Seg, _ int) {
		if len(p) != 1 {
			return
		}
		switch p[0].Key {
		case "format_version":
			hasVersion = true
		case "planned_values", "resource_changes", "configuration":
			hasPlanKey = true
		}
	})
	return hasVersion && hasPlanKey
}

// planProbe decodes only whether the top-level keys are there; the values
// are skipped, not copied.
type planProbe struct {
	FormatVersion   present `json:"format_version"`
	PlannedValues   present `json:"planned_values"`
	ResourceChanges present `json:"resource_changes"`
	Configuration   present `json:"configuration"`
}

type present bool

func (p *present) UnmarshalJSON(b []byte) error {
	*p = present(string(b) != "null")
	return nil
}

// Load reads one plan JSON file. path is the file's path as given (it is made
// relative to o.Root for locations); data is its content. Load never panics
// and never fails silently: a file it cannot use yields a Diagnostic with
// file:line:column and what was expected.
func Load(path string, data []byte, o Options) (inv model.Inventory) {
	file := relPath(path, o.Root)
	defer func() {
		if r := recover(); r != nil {
			// A bug in this package must not stop the scan of other files.
			inv = model.Inventory{Coverage: map[string]int{}, Diagnostics: []model.Diagnostic{{
				Status:   model.StatusError,
				Reason:   model.ReasonEvaluationError,
				Location: model.Location{File: file, Line: 1, Column: 1},
				Resource: fileResource(file),
				Message: model.T("kumoguard failed while reading this plan (internal error: %v); the file was not evaluated. Please report it.",
					"このプランの読み取り中に kumoguard が失敗しました（内部エラー：%v）。ファイルは評価されていません。報告してください。", r),
			}}}
		}
	}()
	return load(file, data)
}

// load is Load without the recover, so fuzzing finds panics.
func load(file string, data []byte) model.Inventory {
	inv := model.Inventory{Coverage: map[string]int{}}
	if isUTF16(data) {
		inv.Diagnostics = append(inv.Diagnostics, fileDiagnostic(file, model.Location{File: file, Line: 1, Column: 1}, model.ReasonParseError,
			model.T("The plan file is UTF-16 encoded; expected UTF-8 JSON as written by `terraform show -json`. It was probably written by a Windows PowerShell `>` redirection: use `terraform show -json plan.tfplan | Out-File -Encoding utf8 plan.json`.",
				"プランファイルが UTF-16 でエンコードされています。`terraform show -json` が出力する UTF-8 の JSON が必要です。Windows PowerShell の `>` リダイレクトで書き出された可能性があります：`terraform show -json plan.tfplan | Out-File -Encoding utf8 plan.json` を使用してください。")))
		return inv
	}
	data = normalizeEncoding(data)
	ix := newPositionIndex(file, data)
	if d, ok := fileLimits(file, ix, data); !ok {
		inv.Diagnostics = append(inv.Diagnostics, d)
		return inv
	}

	if i := jsonpos.NextToken(data, 0); i >= len(data) || data[i] != '{' {
		if i >= len(data) {
			inv.Diagnostics = append(inv.Diagnostics, fileDiagnostic(file, ix.offsetLoc(i), model.ReasonParseError,
				model.T("The plan file is empty; expected the JSON object written by `terraform show -json`.",
					"プランファイルが空です。`terraform show -json` が出力する JSON オブジェクトが必要です。")))
			return inv
		}
		if err := json.Unmarshal(data, new(any)); err != nil {
			inv.Diagnostics = append(inv.Diagnostics, syntaxDiagnostic(file, ix, err))
			return inv
		}
		inv.Diagnostics = append(inv.Diagnostics, fileDiagnostic(file, ix.offsetLoc(i), model.ReasonParseError,
			model.T("This JSON is not a Terraform plan: expected an object with format_version and planned_values/resource_changes/configuration (the output of `terraform show -json PLANFILE`).",
				"この JSON は Terraform プランではありません。format_version と planned_values/resource_changes/configuration を持つオブジェクト（`terraform show -json PLANFILE` の出力）が必要です。")))
		return inv
	}

	var plan tfjson.Plan
	plan.UseJSONNumber(true)
	if err := json.Unmarshal(data, &plan); err != nil {
		inv.Diagnostics = append(inv.Diagnostics, decodeDiagnostic(file, ix, data, &plan, err))
		return inv
	}
	if plan.PlannedValues == nil && plan.ResourceChanges == nil && plan.Config == nil {
		ix.want("format_version")
		_ = ix.build()
		loc, ok := ix.loc("format_version")
		if !ok {
			loc = ix.docLoc()
		}
		inv.Diagnostics = append(inv.Diagnostics, fileDiagnostic(file, loc, model.ReasonParseError,
			model.T("This JSON has format_version %q but no planned_values, resource_changes or configuration, so it is not a Terraform plan (a state file from `terraform show -json` without a plan file?). Expected the output of `terraform show -json PLANFILE`.",
				"この JSON は format_version %q を持ちますが planned_values、resource_changes、configuration がないため、Terraform プランではありません（プランファイルを指定しない `terraform show -json` の state 出力では？）。`terraform show -json PLANFILE` の出力が必要です。",
				truncate(plan.FormatVersion))))
		return inv
	}

	r := newReader(file, ix, &plan)
	r.collect()
	if err := ix.build(); err != nil {
		// Cannot happen after a successful json.Unmarshal; say so rather than guess.
		inv.Diagnostics = append(inv.Diagnostics, syntaxDiagnostic(file, ix, err))
		return inv
	}
	r.mapClusters()
	inv.Clusters = r.clusters
	inv.Diagnostics = append(inv.Diagnostics, r.limitDiags()...)
	inv.Diagnostics = append(inv.Diagnostics, r.diags...)
	inv.Coverage[CoverageKey] = 1
	return inv
}

// relPath makes path relative to root, with forward slashes.
func relPath(path, root string) string {
	if root != "" {
		if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
			path = rel
		}
	}
	return filepath.ToSlash(path)
}

func fileResource(file string) model.Resource {
	return model.Resource{Kind: model.SourceTerraformPlan, Type: "terraform_plan", Address: file}
}

func fileDiagnostic(file string, loc model.Location, reason model.Reason, msg model.Text) model.Diagnostic {
	if loc.File == "" {
		loc.File = file
	}
	return model.Diagnostic{
		Status:   model.StatusError,
		Reason:   reason,
		Location: loc,
		Resource: fileResource(file),
		Message:  msg,
		Remediation: model.T("Write the plan with `terraform plan -out=plan.tfplan && terraform show -json plan.tfplan > plan.json` and scan plan.json.",
			"`terraform plan -out=plan.tfplan && terraform show -json plan.tfplan > plan.json` でプランを書き出し、plan.json をスキャンしてください。"),
	}
}

// normalizeEncoding drops a UTF-8 byte order mark (encoding/json rejects it;
// editors do not count it as a column).
func normalizeEncoding(data []byte) []byte {
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
}

func isUTF16(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff})
}

// utf16ToUTF8 decodes UTF-16 with a byte order mark (Windows PowerShell 5
// writes `>` redirections that way).
func utf16ToUTF8(data []byte) []byte {
	be := data[0] == 0xfe
	data = data[2:]
	u := make([]uint16, 0, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		if be {
			u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
		} else {
			u = append(u, uint16(data[i+1])<<8|uint16(data[i]))
		}
	}
	return []byte(string(utf16.Decode(u)))
}

// truncate shortens a user-written string for a message.
func truncate(s string) string {
	const max = 40
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
