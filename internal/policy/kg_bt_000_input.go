package policy

import "github.com/kumoguard/kumoguard/internal/model"

// KGBT000 reports input kumoguard could not evaluate: a file that does not
// parse, a module that is not downloaded, an account that cannot be assumed.
// It exists so that such problems are findings with a rule, never silence:
// a scan never reports PASS for what it could not read.
var KGBT000 = register(&Rule{
	ID:       "KG-BT-000",
	Title:    model.T("Scan input can be evaluated", "スキャン対象を評価できる"),
	Severity: model.SeverityMedium,
	Rationale: model.T(
		"Clusters in input that cannot be read or followed are not evaluated at all; kumoguard reports the input instead of passing it.",
		"読み取れない、または追跡できない入力内のクラスターは評価されません。kumoguard は合格とせず、その入力を報告します。"),
	Help: model.T(
		"Fix the input at the reported location (syntax, types, missing modules or parameters, permissions) and scan again.",
		"報告された位置の入力（構文、型、モジュールやパラメータの不足、権限）を修正し、再度スキャンしてください。"),
	HelpURI:          "https://github.com/kumoguard/kumoguard#rules",
	SecuritySeverity: "4.0",
})

func diagnosticFinding(d model.Diagnostic) model.Finding {
	status := d.Status
	if status == "" {
		status = model.StatusError
	}
	f := model.Finding{
		RuleID:     KGBT000.ID,
		Status:     status,
		Reason:     d.Reason,
		Severity:   KGBT000.Severity,
		Resource:   d.Resource,
		Location:   d.Location,
		Message:    d.Message,
		Resolution: &model.Resolution{Path: model.DefaultPath(status), Step: model.StepFixInput, Advice: d.Remediation, Actual: -1},
	}
	if f.Resolution.Advice.IsZero() {
		f.Resolution.Advice = KGBT000.Help
	}
	if f.Resource.Address == "" {
		f.Resource.Address = d.Location.String()
	}
	f.Fingerprint = model.Fingerprint(KGBT000.ID, f.Resource, d.Location.File+"|"+string(d.Reason))
	return f
}
