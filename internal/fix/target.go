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
	"fmt"
	"regexp"
	"strconv"

	"github.com/kumoguard/kumoguard/internal/model"
)

// MaxWindowSeconds is the largest window AWS accepts: 259,200 s = 72 h
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html).
const MaxWindowSeconds = 259200

// DefaultMinWindowSeconds is the policy's default minimum, 24 h.
const DefaultMinWindowSeconds = 86400

// likelyHoursMax is the largest window the policy reads as hours written as
// seconds ("backtrack_window = 72" is 72 seconds:
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster).
const likelyHoursMax = 72

// TargetWindow is the window a remediation writes for a finding whose current
// window is current (seconds) under the minimum min:
//   - WINDOW_LIKELY_HOURS: the author meant hours, so current×3600, capped at
//     259200, when that is larger than the minimum; otherwise the minimum;
//   - WINDOW_OUT_OF_RANGE above 72 h: 259200, the largest AWS accepts;
//   - everything else: the minimum.
//
// It also returns why, for diff headers and remediation texts.
func TargetWindow(reason model.Reason, current, min int64) (int64, model.Text) {
	if min <= 0 {
		min = DefaultMinWindowSeconds
	}
	if min > MaxWindowSeconds {
		min = MaxWindowSeconds
	}
	switch {
	case reason == model.ReasonWindowLikelyHours && current > 0 && current <= likelyHoursMax:
		h := current * 3600
		if h > MaxWindowSeconds {
			h = MaxWindowSeconds
		}
		if h > min {
			return h, model.T("%d looks like hours written as seconds: %d h = %d s (at most 259200 s = 72 h), which is above the minimum %d s.",
				"%d は時間のつもりで秒として書かれたようです：%d 時間 = %d 秒（最大 259200 秒 = 72 時間）で、最小値 %d 秒を上回ります。",
				current, current, h, min)
		}
		return min, model.T("%d looks like hours written as seconds, but %d h is below the minimum; using the minimum %d s (%s).",
			"%d は時間のつもりで秒として書かれたようですが、%d 時間は最小値を下回るため、最小値 %d 秒（%s）にします。",
			current, current, min, Duration(min))
	case reason == model.ReasonWindowOutOfRange && current > MaxWindowSeconds:
		return MaxWindowSeconds, model.T("%d is above the 259200 s (72 h) AWS accepts; using the maximum 259200.",
			"%d は AWS が受け付ける 259200 秒（72 時間）を超えています。最大値 259200 にします。", current)
	}
	return min, model.T("the configured minimum window is %d s (%s).", "設定された最小ウィンドウは %d 秒（%s）です。", min, Duration(min))
}

// Duration renders seconds as people say windows: "24h", "1h30m", "72s".
func Duration(sec int64) string {
	if sec <= 0 {
		return fmt.Sprintf("%ds", sec)
	}
	h, m, s := sec/3600, sec%3600/60, sec%60
	out := ""
	if h > 0 {
		out += strconv.FormatInt(h, 10) + "h"
	}
	if m > 0 {
		out += strconv.FormatInt(m, 10) + "m"
	}
	if s > 0 {
		out += strconv.FormatInt(s, 10) + "s"
	}
	return out
}

// Hours renders seconds as the hours the console asks for ("24", "1.5").
// The console takes the target window in hours:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
func Hours(sec int64) string {
	return strconv.FormatFloat(float64(sec)/3600, 'f', -1, 64)
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
