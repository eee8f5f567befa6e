package policy

import "github.com/kumoguard/kumoguard/internal/model"

// KGBT002 checks that the target window is at least the configured minimum
// (default 24 h, at most 72 h). The unit is seconds
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html,
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster):
// a window of 72 is 72 seconds, a frequent mistake that other scanners pass.
var KGBT002 = register(&Rule{
	ID:       "KG-BT-002",
	Title:    model.T("Backtrack target window meets the minimum", "バックトラックのターゲットウィンドウが最小値を満たしている"),
	Severity: model.SeverityMedium,
	Rationale: model.T(
		"A window shorter than the time it takes to notice a bad change leaves nothing to rewind to. The window is in seconds: backtrack_window = 72 is 72 seconds, not 72 hours.",
		"問題のある変更に気付くまでの時間より短いウィンドウでは、巻き戻す先がありません。ウィンドウは秒単位です：backtrack_window = 72 は 72 時間ではなく 72 秒です。"),
	Help: model.T(
		"Raise the target backtrack window to at least the minimum (default 86400 seconds = 24 h; maximum 259200 = 72 h). On a cluster that already has backtrack this is an in-place change with no outage.",
		"ターゲットバックトラックウィンドウを最小値以上（既定 86400 秒 = 24 時間、最大 259200 = 72 時間）に引き上げます。既にバックトラックが有効なクラスターでは、停止を伴わないその場での変更です。"),
	HelpURI:          "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html",
	SecuritySeverity: "5.0",
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Modifying.html",
		"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster",
	},
	Check:            checkWindow,
	windowProvenance: true,
})

func checkWindow(c model.Cluster, o Options) *model.Finding {
	s := scope(c)
	if !s.inScope {
		return outcome{status: s.status, reason: s.reason, message: s.message, where: s.where, resolution: s.resolution()}.finding()
	}
	min := o.MinWindowSeconds
	out := judgeWindow(c, min, versionAware(c, min, func(w int64) outcome {
		if pc := planChange(c, w, min); pc != nil {
			return *pc
		}
		attr := windowAttr(c)
		d := map[string]any{"minimum_seconds": min}
		switch {
		case w >= min:
			return outcome{status: model.StatusPass, reason: model.ReasonWindowMeetsMinimum, details: d,
				message: withWindow(c, w, "The target backtrack window %s = %s meets the minimum of %d (%s).",
					"ターゲットバックトラックウィンドウ %s = %sは最小値 %d（%s）を満たしています。",
					attr, min, model.Duration(min))}
		case w == 0:
			return outcome{status: model.StatusFail, reason: model.ReasonWindowBelowMinimum, details: d,
				message: model.T("The target backtrack window is 0: backtracking is disabled (see KG-BT-001); the minimum is %d (%s).",
					"ターゲットバックトラックウィンドウが 0 で、バックトラックが無効です（KG-BT-001 を参照）。最小値は %d（%s）です。",
					min, model.Duration(min)),
				resolution: wayOut(c, model.ReasonWindowBelowMinimum, w, min)}
		case w <= 72 && c.BacktrackWindow.Sensitive:
			return outcome{status: model.StatusFail, reason: model.ReasonWindowLikelyHours, details: d,
				message: model.T("%s is a sensitive value of 72 seconds or less: if it was meant as hours, the unit is seconds; the minimum is %d (%s).",
					"%s は 72 秒以下の sensitive な値です。時間のつもりなら単位は秒です。最小値は %d（%s）です。",
					attr, min, model.Duration(min)),
				resolution: wayOut(c, model.ReasonWindowLikelyHours, w, min)}
		case w <= 72:
			// "backtrack_window = 72" meant as hours is 72 seconds.
			return outcome{status: model.StatusFail, reason: model.ReasonWindowLikelyHours, details: d,
				message: model.T("%[1]s = %[2]d means %[2]d seconds — did you mean %[3]d for %[2]d hours? The unit is seconds; the minimum is %[4]d (%[5]s).",
					"%[1]s = %[2]d は %[2]d 秒です。%[2]d 時間のつもりなら %[3]d ではありませんか？単位は秒で、最小値は %[4]d（%[5]s）です。",
					attr, w, w*3600, min, model.Duration(min)),
				resolution: wayOut(c, model.ReasonWindowLikelyHours, w, min)}
		default:
			return outcome{status: model.StatusFail, reason: model.ReasonWindowBelowMinimum, details: d,
				message: withWindow(c, w, "The target backtrack window %s = %s is below the minimum of %d (%s).",
					"ターゲットバックトラックウィンドウ %s = %sは最小値 %d（%s）を下回っています。",
					attr, min, model.Duration(min)),
				resolution: wayOut(c, model.ReasonWindowBelowMinimum, w, min)}
		}
	}))
	out.notes = append(s.notes, out.notes...)
	return out.finding()
}
