package model

import "fmt"

// LimitDiagnostic is the ERROR finding for an input that exceeded one of
// kumoguard's bounds at l (reason LIMIT_EXCEEDED): what names the limit,
// advice says how a real input stays below it.
func LimitDiagnostic(l Location, res Resource, what, advice Text) Diagnostic {
	where := l.String()
	if where == "" {
		where = "?"
	}
	return Diagnostic{
		Status:   StatusError,
		Reason:   ReasonLimitExceeded,
		Location: l,
		Resource: res,
		Message: Text{
			EN: fmt.Sprintf("kumoguard stopped evaluating at %s: the input exceeds the limit on %s. What depends on it was not evaluated.", where, what.EN),
			JA: fmt.Sprintf("kumoguard は %s で評価を打ち切りました。入力が上限（%s）を超えています。これに依存するものは評価されていません。", where, what.JA),
		},
		Remediation: Text{EN: fmt.Sprintf(advice.EN, where), JA: fmt.Sprintf(advice.JA, where)},
	}
}
