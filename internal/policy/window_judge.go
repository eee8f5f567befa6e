package policy

import (
	"fmt"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// outcome is a rule's verdict before the shared fields are filled in.
type outcome struct {
	status      model.Status
	reason      model.Reason
	message     model.Text
	remediation model.Text
	where       model.Location
	notes       []model.Text
	details     map[string]any
}

func (o outcome) finding() *model.Finding {
	return &model.Finding{Status: o.status, Reason: o.reason, Message: o.message,
		Remediation: o.remediation, Location: o.where, Notes: o.notes, Details: o.details}
}

// windowAttr is the name users write the window under in each source.
func windowAttr(c model.Cluster) string {
	switch c.Source {
	case model.SourceTerraform, model.SourceTerraformPlan:
		return "backtrack_window"
	}
	return "BacktrackWindow"
}

// judgeWindow applies judge to the cluster's target window, dealing once for
// every rule with absent, invalid, out-of-range and unknown values. When the
// value is unknown but its possible values are enumerable and all give the
// same verdict, that verdict stands, and the message says so.
func judgeWindow(c model.Cluster, judge func(w int64) outcome) outcome {
	v := c.BacktrackWindow
	attr := windowAttr(c)
	switch v.State {
	case model.Invalid:
		return outcome{status: model.StatusError, reason: model.ReasonInvalidValue, where: v.Where,
			message: model.Join(sentenceSep,
				model.T("%s is not a valid number of seconds.", "%s が有効な秒数ではありません。", attr), v.Why),
			remediation: model.T("Set %s to a whole number of seconds from 0 to 259200 (72 hours), e.g. 86400 for 24 hours.",
				"%s には 0～259200（72 時間）の整数の秒数を設定してください（例：24 時間なら 86400）。", attr)}
	case model.Unknown:
		if len(v.Candidates) == 0 {
			return outcome{status: model.StatusUnknown, reason: model.ReasonUnresolvedValue, where: v.Where,
				message: model.Join(sentenceSep,
					model.T("%s could not be resolved.", "%s を解決できませんでした。", attr), v.Why),
				remediation: model.T("Give the missing value (for Terraform --var/--var-file or TF_VAR_*, for CloudFormation --parameter/--parameter-file) so kumoguard can evaluate it.",
					"不足している値を指定してください（Terraform は --var/--var-file または TF_VAR_*、CloudFormation は --parameter/--parameter-file）。")}
		}
		var first outcome
		vals := make([]string, 0, len(v.Candidates))
		for i, w := range v.Candidates {
			vals = append(vals, fmt.Sprint(w))
			o := judgeKnown(c, w, v.Where, judge)
			if i == 0 {
				first = o
				continue
			}
			if o.status != first.status || o.reason != first.reason {
				return outcome{status: model.StatusUnknown, reason: model.ReasonUnresolvedValue, where: v.Where,
					message: model.Join(sentenceSep,
						model.T("%s depends on a value kumoguard could not resolve, and its possible values (%s) give different verdicts.",
							"%s は解決できない値に依存しており、取り得る値（%s）で判定が異なります。", attr, strings.Join(vals, ", ")), v.Why),
					remediation: model.T("Give the missing value so kumoguard can evaluate it.", "評価できるよう、不足している値を指定してください。")}
			}
		}
		for _, w := range v.Candidates[len(vals):] {
			vals = append(vals, fmt.Sprint(w))
		}
		list := strings.Join(vals, ", ")
		first.notes = append(first.notes, model.Text{
			EN: fmt.Sprintf("%s depends on a value kumoguard could not resolve (%s), but every possible value (%s) gives this verdict.", attr, v.Why.EN, list),
			JA: fmt.Sprintf("%s は解決できない値（%s）に依存しますが、取り得るすべての値（%s）でこの判定になります。", attr, v.Why.JA, list),
		})
		return first
	case model.Absent:
		// A null written explicitly (plan JSON) points at its key; a missing
		// attribute at the resource.
		where := c.Location
		if !v.Where.IsZero() {
			where = v.Where
		}
		return judgeKnown(c, 0, where, judge)
	}
	return judgeKnown(c, v.V, v.Where, judge)
}

func judgeKnown(c model.Cluster, w int64, where model.Location, judge func(int64) outcome) outcome {
	attr := windowAttr(c)
	if w < 0 || w > MaxWindowSeconds {
		return outcome{status: model.StatusError, reason: model.ReasonWindowOutOfRange, where: where,
			message: model.T("%s = %d is out of range: AWS accepts 0 to 259200 seconds (72 hours) and rejects this value.",
				"%s = %d は範囲外です。AWS が受け付けるのは 0～259200 秒（72 時間）で、この値は拒否されます。", attr, w),
			remediation: model.T("Set %s to a number of seconds from 1 to 259200, e.g. 86400 for 24 hours.",
				"%s には 1～259200 の秒数を設定してください（例：24 時間なら 86400）。", attr),
			details: map[string]any{"window_seconds": w}}
	}
	o := judge(w)
	if o.where.IsZero() {
		o.where = where
	}
	if o.details == nil {
		o.details = map[string]any{}
	}
	o.details["window_seconds"] = w
	return o
}

// planChange returns the FAIL outcome for plan changes AWS refuses or that
// cannot be undone, or nil. Backtrack cannot be enabled on a cluster created
// without it; setting the window to 0 disables it for good.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
func planChange(c model.Cluster, w int64, minWindow int64) *outcome {
	if c.Action != model.ActionUpdate && c.Action != model.ActionNoop {
		return nil
	}
	prior, ok := c.PriorBacktrackWindow.Get()
	if !ok && c.PriorBacktrackWindow.State == model.Absent && c.Action == model.ActionUpdate {
		prior, ok = 0, true
	}
	if !ok {
		return nil
	}
	attr := windowAttr(c)
	switch {
	case prior == 0 && w > 0 && c.Action == model.ActionUpdate:
		return &outcome{status: model.StatusFail, reason: model.ReasonEnableOnExistingCluster,
			message: model.T("The plan changes %s from 0 to %d on a cluster that already exists without backtrack. AWS rejects this: backtracking can only be enabled when a cluster is created, so the apply will fail.",
				"プランは、バックトラックなしで作成済みのクラスターの %s を 0 から %d に変更します。バックトラックはクラスター作成時にしか有効化できないため、AWS はこれを拒否し、apply は失敗します。", attr, w),
			remediation: migrationText(c, minWindow)}
	case prior > 0 && w == 0:
		return &outcome{status: model.StatusFail, reason: model.ReasonDisableIrreversible,
			message: model.T("The plan sets %s from %d to 0. Disabling backtrack is irreversible: this cluster (and its clones) can never enable it again.",
				"プランは %s を %d から 0 に変更します。バックトラックの無効化は元に戻せません。このクラスター（およびそのクローン）では二度と有効化できなくなります。", attr, prior),
			remediation: model.T("Keep %s at %d (or raise it); never set it to 0 on a cluster you may need to rewind.",
				"%s は %d のまま（または増やして）維持してください。巻き戻す可能性があるクラスターで 0 にしてはいけません。", attr, prior)}
	}
	return nil
}

// migrationText is the remediation for an existing cluster without backtrack
// (snapshot, restore with --backtrack-window, cut over:
// https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack).
func migrationText(c model.Cluster, minWindow int64) model.Text {
	id := c.Name
	if id == "" {
		id = "<cluster-id>"
	}
	return model.T("Backtrack cannot be turned on for a cluster created without it (modify and clone do not work). Migrate: "+
		"1) aws rds create-db-cluster-snapshot --db-cluster-identifier %[1]s --db-cluster-snapshot-identifier %[1]s-pre-backtrack; "+
		"2) aws rds restore-db-cluster-from-snapshot --db-cluster-identifier %[1]s-bt --snapshot-identifier %[1]s-pre-backtrack --engine aurora-mysql --backtrack-window %[2]d (same subnet group, security groups, parameter groups and KMS key); "+
		"3) create instances like the source's, validate the data, cut over and keep the old cluster until rollback is no longer needed. `kumoguard runbook` writes the full plan.",
		"バックトラックなしで作成されたクラスターでは有効化できません（modify やクローンでは不可）。移行手順："+
			"1) aws rds create-db-cluster-snapshot --db-cluster-identifier %[1]s --db-cluster-snapshot-identifier %[1]s-pre-backtrack、"+
			"2) aws rds restore-db-cluster-from-snapshot --db-cluster-identifier %[1]s-bt --snapshot-identifier %[1]s-pre-backtrack --engine aurora-mysql --backtrack-window %[2]d（同じサブネットグループ、セキュリティグループ、パラメータグループ、KMS キー）、"+
			"3) 元と同じ構成のインスタンスを作成し、データを検証してから切り替え、ロールバック不要になるまで旧クラスターを残します。`kumoguard runbook` で詳細な手順を出力できます。",
		id, minWindow)
}

// enableText is the remediation when backtrack is off: set the window if the
// cluster is not created yet, otherwise migrate.
func enableText(c model.Cluster, minWindow int64) model.Text {
	attr := windowAttr(c)
	switch c.Source {
	case model.SourceAWS:
		return migrationText(c, minWindow)
	case model.SourceTerraformPlan:
		if c.Action == model.ActionCreate || c.Action == model.ActionReplace {
			return model.T("Set %s = %d (seconds; %s) on the resource before applying: the cluster is created by this plan, so backtrack can be enabled now.",
				"apply の前にリソースに %s = %d（秒、%s）を設定してください。このプランでクラスターが作成されるため、今なら有効化できます。",
				attr, minWindow, FormatDuration(minWindow))
		}
		return migrationText(c, minWindow)
	}
	return model.Join(sentenceSep,
		model.T("If this cluster is not created yet, set %s = %d (the unit is seconds: %s; at most 259200 = 72 h).",
			"このクラスターが未作成なら、%s = %d を設定してください（単位は秒：%s、最大 259200 = 72 時間）。",
			attr, minWindow, FormatDuration(minWindow)),
		model.T("If it already exists without backtrack, AWS rejects enabling it in place:", "バックトラックなしで既に存在する場合、AWS はその場での有効化を拒否します："),
		migrationText(c, minWindow))
}
