// Package fix turns findings into their way out: structured remediation
// (console steps, AWS CLI commands, infrastructure-as-code changes, in English
// and Japanese), patches to Terraform and CloudFormation, migration runbooks
// and the non-destructive part of a migration. Which way out applies follows
// AWS's rules for enabling and changing backtrack (docs/backtrack-rules.md,
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html);
// every command and flag follows the AWS CLI reference
// (https://docs.aws.amazon.com/cli/latest/reference/rds/).
package fix

import (
	"regexp"

	"github.com/kumoguard/kumoguard/internal/model"
)

// targetWhy says why a remediation's target window has its value, for
// remediation notes and diff headers.
func targetWhy(r model.Resolution) model.Text {
	cur, min, h := r.Window, r.Minimum, r.Target
	if r.Sensitive {
		switch r.Basis {
		case model.BasisHours, model.BasisHoursBelowMinimum, model.BasisMaximum:
			return model.T("the window is a sensitive value; %d s (%s) is the target.", "ウィンドウは sensitive な値です。ターゲットは %d 秒（%s）です。", h, model.Duration(h))
		}
	}
	switch r.Basis {
	case model.BasisHours:
		return model.T("%d looks like hours written as seconds: %d h = %d s (at most 259200 s = 72 h), which is above the minimum %d s.",
			"%d は時間のつもりで秒として書かれたようです：%d 時間 = %d 秒（最大 259200 秒 = 72 時間）で、最小値 %d 秒を上回ります。",
			cur, cur, h, min)
	case model.BasisHoursBelowMinimum:
		return model.T("%d looks like hours written as seconds, but %d h is below the minimum; using the minimum %d s (%s).",
			"%d は時間のつもりで秒として書かれたようですが、%d 時間は最小値を下回るため、最小値 %d 秒（%s）にします。",
			cur, cur, min, model.Duration(min))
	case model.BasisMaximum:
		return model.T("%d is above the 259200 s (72 h) AWS accepts; using the maximum 259200.",
			"%d は AWS が受け付ける 259200 秒（72 時間）を超えています。最大値 259200 にします。", cur)
	case model.BasisPrior:
		return model.T("the cluster's current window is %d s (%s).", "クラスターの現在のウィンドウは %d 秒（%s）です。", h, model.Duration(h))
	}
	return model.T("the configured minimum window is %d s (%s).", "設定された最小ウィンドウは %d 秒（%s）です。", min, model.Duration(min))
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:=@,+-]+$`)

// shellQuote quotes a word for POSIX shells when it needs it.
func shellQuote(s string) string {
	if s != "" && shellSafe.MatchString(s) {
		return s
	}
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += `'\''`
			continue
		}
		out += string(r)
	}
	return out + "'"
}
