package policy

import (
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Features that exclude backtrack.
//
// Enhanced binlog (aurora_enhanced_binlog = 1 in the DB cluster parameter
// group) cannot be turned on if backtrack is enabled, was ever enabled and
// not disabled, or the cluster was restored from a backtrack-enabled one:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Enhanced.binlog.html
// A zero-ETL integration from Aurora MySQL requires aurora_enhanced_binlog=1
// (with binlog_format=ROW and the other binlog settings):
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html
// So a cluster with either is out of scope (NOT_APPLICABLE), and one whose
// parameter or integrations could not be read is UNKNOWN, never in scope.

// exclusions decides scope from enhanced binlog and zero-ETL; decided is
// false when neither takes the cluster out of scope.
func exclusions(c model.Cluster) (scopeVerdict, bool) {
	if n, ok := c.ZeroETL.Get(); ok && n > 0 {
		names := strings.Join(c.ZeroETLIntegrations, ", ")
		if names == "" {
			names = "?"
		}
		return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonZeroETLIntegration, where: c.ZeroETL.Where,
			message: model.Join(sentenceSep, model.T(
				"The cluster is the source of zero-ETL integration %s. Zero-ETL needs enhanced binlog (aurora_enhanced_binlog = 1), and enhanced binlog and backtrack exclude each other, so backtrack does not apply to this cluster.",
				"このクラスターはゼロ ETL 統合 %s のソースです。ゼロ ETL には拡張バイナリログ（aurora_enhanced_binlog = 1）が必要で、拡張バイナリログとバックトラックは併用できないため、このクラスターにはバックトラックが適用されません。",
				names), windowConflict(c))}, true
	}
	if on, ok := c.EnhancedBinlog.Get(); ok && on {
		group := ""
		for _, o := range c.EnhancedBinlog.Provenance {
			if o.Kind == model.OriginReference && o.Name != "" {
				group = o.Name
			}
		}
		msg := model.T(
			"Enhanced binlog is on (aurora_enhanced_binlog = 1 in the cluster parameter group). Enhanced binlog and backtrack exclude each other: AWS does not turn enhanced binlog on for a cluster that has or had backtrack, so backtrack does not apply to this cluster.",
			"拡張バイナリログが有効です（クラスターパラメータグループで aurora_enhanced_binlog = 1）。拡張バイナリログとバックトラックは併用できません。AWS はバックトラックが有効な（または有効だった）クラスターで拡張バイナリログを有効にしないため、このクラスターにはバックトラックが適用されません。")
		if group != "" {
			msg = model.T(
				"Enhanced binlog is on (aurora_enhanced_binlog = 1 in cluster parameter group %s). Enhanced binlog and backtrack exclude each other: AWS does not turn enhanced binlog on for a cluster that has or had backtrack, so backtrack does not apply to this cluster.",
				"拡張バイナリログが有効です（クラスターパラメータグループ %s で aurora_enhanced_binlog = 1）。拡張バイナリログとバックトラックは併用できません。AWS はバックトラックが有効な（または有効だった）クラスターで拡張バイナリログを有効にしないため、このクラスターにはバックトラックが適用されません。", group)
		}
		return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonEnhancedBinlog, where: c.EnhancedBinlog.Where,
			message: model.Join(sentenceSep, msg, windowConflict(c))}, true
	}
	if c.ZeroETL.State == model.Unknown {
		return unreadable(c, model.T("the zero-ETL integrations of the cluster", "クラスターのゼロ ETL 統合"), c.ZeroETL.Where, c.ZeroETL.Why), true
	}
	if c.ZeroETL.State == model.Invalid {
		return scopeVerdict{status: model.StatusError, reason: model.ReasonInvalidValue, where: c.ZeroETL.Where, message: c.ZeroETL.Why}, true
	}
	switch c.EnhancedBinlog.State {
	case model.Unknown:
		if !allFalse(c.EnhancedBinlog.Candidates) {
			return unreadable(c, model.T("aurora_enhanced_binlog of the cluster parameter group", "クラスターパラメータグループの aurora_enhanced_binlog"),
				c.EnhancedBinlog.Where, c.EnhancedBinlog.Why), true
		}
	case model.Invalid:
		return scopeVerdict{status: model.StatusError, reason: model.ReasonInvalidValue, where: c.EnhancedBinlog.Where,
			message: model.Join(sentenceSep, model.T("The aurora_enhanced_binlog value is invalid.", "aurora_enhanced_binlog の値が不正です。"), c.EnhancedBinlog.Why)}, true
	}
	return scopeVerdict{}, false
}

// windowConflict says what happens to a window set on an excluded cluster.
func windowConflict(c model.Cluster) model.Text {
	if w, ok := c.BacktrackWindow.Get(); ok && w > 0 {
		return model.T("The cluster also sets a backtrack window (%s = %d): AWS does not allow both, so one of the two settings is rejected or does not take effect.",
			"このクラスターにはバックトラックウィンドウ（%s = %d）も設定されています。AWS は両方を許可しないため、いずれかの設定が拒否されるか、効果がありません。",
			windowAttr(c), w)
	}
	return model.Text{}
}

// unreadable is the UNKNOWN verdict on a cluster whose exclusions could not
// be read: scope cannot be decided, and a live scan needs the permission.
func unreadable(c model.Cluster, what model.Text, where model.Location, why model.Text) scopeVerdict {
	v := scopeVerdict{status: model.StatusUnknown, reason: model.ReasonUnresolvedValue, where: where,
		message: model.Join(sentenceSep,
			model.Text{EN: "kumoguard could not check " + what.EN + ", so it cannot tell whether backtrack applies (enhanced binlog and zero-ETL exclude it).",
				JA: what.JA + "を確認できないため、バックトラックが適用対象か判断できません（拡張バイナリログとゼロ ETL はバックトラックと併用できません）。"},
			why)}
	if c.Source == model.SourceAWS {
		v.step = model.StepGrantScopeRead
	}
	return v
}

func allFalse(bs []bool) bool {
	if len(bs) == 0 {
		return false
	}
	for _, b := range bs {
		if b {
			return false
		}
	}
	return true
}
