package policy

import "github.com/kumoguard/kumoguard/internal/model"

// KGBT001 checks that backtracking is enabled (window > 0) on every in-scope
// cluster. BacktrackWindow is in seconds, 0 (the default) disables
// backtracking (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html),
// and it can only be enabled when the cluster is created
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html).
var KGBT001 = register(&Rule{
	ID:       "KG-BT-001",
	Title:    model.T("Aurora MySQL cluster has backtracking enabled", "Aurora MySQL クラスターでバックトラックが有効になっている"),
	Severity: model.SeverityHigh,
	Rationale: model.T(
		"Backtrack rewinds an Aurora MySQL cluster in place in minutes after a bad DELETE or DROP; without it, recovery is a point-in-time restore to a new cluster that takes hours. Backtracking can only be enabled when a cluster is created.",
		"バックトラックは誤った DELETE や DROP の後、Aurora MySQL クラスターを数分でその場で巻き戻します。無効だと、復旧は新しいクラスターへのポイントインタイム復元となり数時間かかります。バックトラックはクラスター作成時にしか有効化できません。"),
	Help: model.T(
		"Set the target backtrack window (BacktrackWindow / backtrack_window, in seconds, 1 to 259200) when the cluster is created. For a cluster that exists without backtrack, restore a snapshot into a new cluster with --backtrack-window and cut over.",
		"クラスター作成時にターゲットバックトラックウィンドウ（BacktrackWindow / backtrack_window、秒単位、1～259200）を設定します。バックトラックなしで既に存在するクラスターは、--backtrack-window を指定してスナップショットを新しいクラスターに復元し、切り替えます。"),
	HelpURI:          "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html",
	SecuritySeverity: "7.0",
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html",
		"https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-14",
	},
	Check:            checkEnabled,
	windowProvenance: true,
})

func checkEnabled(c model.Cluster, o Options) *model.Finding {
	if s := scope(c); !s.inScope {
		return outcome{status: s.status, reason: s.reason, message: s.message, where: s.where, resolution: s.resolution()}.finding()
	} else {
		out := judgeWindow(c, o.MinWindowSeconds, versionAware(c, o.MinWindowSeconds, func(w int64) outcome {
			if pc := planChange(c, w, o.MinWindowSeconds); pc != nil {
				return *pc
			}
			attr := windowAttr(c)
			if w == 0 {
				msg := model.T("Backtracking is disabled: %s is 0.", "バックトラックが無効です：%s が 0 です。", attr)
				if c.BacktrackWindow.State == model.Absent {
					msg = model.T("Backtracking is disabled: %s is not set, and the default is 0.",
						"バックトラックが無効です：%s が設定されておらず、既定値は 0 です。", attr)
				}
				return outcome{status: model.StatusFail, reason: model.ReasonBacktrackDisabled, message: msg,
					resolution: wayOut(c, model.ReasonBacktrackDisabled, w, o.MinWindowSeconds)}
			}
			out := outcome{status: model.StatusPass, reason: model.ReasonBacktrackEnabled,
				message: withWindow(c, w, "Backtracking is enabled: %s = %s.", "バックトラックが有効です：%s = %s。", attr)}
			if c.Creation == model.CreateClone {
				out.notes = append(out.notes, model.T(
					"This cluster is a copy-on-write clone of %q: a clone gets backtrack only if its source has it enabled.",
					"このクラスターは %q のコピーオンライトクローンです。クローンはソースでバックトラックが有効な場合にのみ有効化できます。", c.CreationSource))
			}
			return out
		}))
		out.notes = append(s.notes, out.notes...)
		return out.finding()
	}
}
