package policy

import (
	"fmt"
	"math"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// KGBT003 checks, on live clusters with backtracking enabled, that the window
// actually achieved meets the target and that no BacktrackWindowAlert
// occurred in the look-back period.
//
// The actual window can be smaller than the target under heavy writes
// (RDS-EVENT-0131):
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
// It is measured as now − EarliestBacktrackTime (API_DBCluster), preferred
// over the BacktrackWindowActual metric, whose meaning AWS's pages disagree
// on. BacktrackWindowAlert counts the times the actual window was smaller
// than the target:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
// The cost is the stored change records × the regional price per 1M
// record-hours: https://aws.amazon.com/rds/aurora/pricing/
var KGBT003 = register(&Rule{
	ID:       "KG-BT-003",
	Title:    model.T("Achieved backtrack window meets the target", "実際のバックトラックウィンドウがターゲットを満たしている"),
	Severity: model.SeverityMedium,
	Rationale: model.T(
		"Under heavy writes Aurora keeps fewer change records than the target window needs, so the cluster cannot really be rewound as far as configured (RDS-EVENT-0131). A window that only exists on paper fails when it is needed.",
		"書き込みが多いと Aurora はターゲットウィンドウに必要な変更レコードを保持しきれず、設定どおりには巻き戻せなくなります（RDS-EVENT-0131）。設定上だけのウィンドウは、必要なときに役に立ちません。"),
	Help: model.T(
		"Compare the earliest backtrack time with the target window. If the achieved window is short, reduce the write volume or lower the target to what the workload sustains, and watch BacktrackWindowAlert and BacktrackChangeRecordsStored (the billed quantity).",
		"最も古いバックトラック可能時刻とターゲットウィンドウを比較します。実際のウィンドウが短い場合は、書き込み量を減らすか、ワークロードが維持できる値までターゲットを下げ、BacktrackWindowAlert と BacktrackChangeRecordsStored（課金対象）を監視してください。"),
	HelpURI:          "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Monitoring.html",
	SecuritySeverity: "5.0",
	Live:             true,
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Monitoring.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html",
		"https://aws.amazon.com/rds/aurora/pricing/",
	},
	Check: checkActualWindow,
})

// actualWindowTolerance absorbs the granularity of EarliestBacktrackTime
// (Aurora purges change records in batches, so now − EarliestBacktrackTime
// moves in steps around the target; Derived, not documented): the achieved
// window counts as meeting the target when it is at most 1% (and at least
// 60 s) short.
func actualWindowTolerance(target int64) int64 {
	return max(60, target/100)
}

func checkActualWindow(c model.Cluster, o Options) *model.Finding {
	if c.Source != model.SourceAWS {
		return nil // needs a running cluster
	}
	s := scope(c)
	if !s.inScope {
		return outcome{status: s.status, reason: s.reason, message: s.message, where: s.where, resolution: s.liveResolution()}.finding()
	}
	target, ok := c.BacktrackWindow.Get()
	if c.BacktrackWindow.State == model.Absent {
		target, ok = 0, true
	}
	if !ok {
		return outcome{status: model.StatusUnknown, reason: model.ReasonUnresolvedValue, notes: s.notes,
			message: model.Join(sentenceSep, model.T("The target backtrack window is not known.", "ターゲットバックトラックウィンドウが不明です。"), c.BacktrackWindow.Why)}.finding()
	}
	if target <= 0 {
		return outcome{status: model.StatusNotApplicable, reason: model.ReasonBacktrackDisabled, notes: s.notes,
			message: model.T("Backtracking is disabled, so there is no achieved window to measure (see KG-BT-001).",
				"バックトラックが無効のため、測定する実際のウィンドウがありません（KG-BT-001 を参照）。")}.finding()
	}
	live := c.Live
	if live == nil {
		live = &model.LiveState{}
	}
	details := map[string]any{
		"target_window_seconds": target,
		"lookback_seconds":      live.LookbackSeconds,
	}
	var notes []model.Text
	notes = append(notes, s.notes...)

	actual, actualOK := live.ActualWindowSeconds.Get()
	if actualOK {
		details["actual_window_seconds"] = actual
	} else {
		details["actual_window_seconds"] = nil
	}
	if live.EarliestBacktrackTime != nil {
		details["earliest_backtrack_time"] = live.EarliestBacktrackTime.UTC().Format("2006-01-02T15:04:05Z")
	}
	alerts, alertsOK := live.WindowAlerts.Get()
	details["window_alerts"] = valueOrNil(alerts, alertsOK)
	stored, storedOK := live.ChangeRecordsStoredAvg.Get()
	details["change_records_stored"] = valueOrNil(stored, storedOK)
	if rate, ok := live.ChangeRecordsCreationRate.Get(); ok {
		details["change_records_creation_rate_per_5min"] = rate
	}
	cost, costOK := live.MonthlyCostUSD.Get()
	if costOK {
		details["monthly_cost_usd"] = math.Round(cost*100) / 100
		details["price_usd_per_million_record_hours"] = live.PricePerMillionRecordHours
		if live.PriceSource != "" {
			details["price_source"] = live.PriceSource
		}
		notes = append(notes, model.T(
			"Estimated cost of the stored change records: USD %.2f per month (average %.0f records × USD %g per 1M record-hours × 730 h).",
			"保存されている変更レコードの推定費用：月額 USD %.2f（平均 %.0f レコード × 100 万レコード時間あたり USD %g × 730 時間）。",
			cost, stored, live.PricePerMillionRecordHours))
	} else {
		details["monthly_cost_usd"] = nil
		why := live.MonthlyCostUSD.Why
		if why.IsZero() {
			why = model.T("no data", "データなし")
		}
		details["monthly_cost_unknown_reason"] = why.EN
		notes = append(notes, model.Join(sentenceSep,
			model.T("The monthly cost could not be estimated:", "月額費用を見積もれませんでした："), why))
	}
	// Whether the alerts could be read is said in the message when that is
	// what leaves the rule undecided, and as a note otherwise.
	if !alertsOK && !live.WindowAlerts.Why.IsZero() && !(actualOK && actual+actualWindowTolerance(target) >= target) {
		notes = append(notes, model.Join(sentenceSep,
			model.T("BacktrackWindowAlert could not be read:", "BacktrackWindowAlert を取得できませんでした："), live.WindowAlerts.Why))
	}

	lookback := model.Duration(live.LookbackSeconds)
	// A cluster younger than its target window cannot have filled it: the
	// most it can hold is its age. Records lost even so are still a FAIL;
	// otherwise the window is filling, and the rule is judged once the
	// cluster is older than its target.
	age, young := int64(0), false
	if ct := live.ClusterCreateTime; ct != nil && !live.ObservedAt.IsZero() {
		age = int64(live.ObservedAt.Sub(*ct) / time.Second)
		young = age >= 0 && age < target
	}
	if young && actualOK {
		details["cluster_age_seconds"] = age
	}
	if young && actualOK && actual+actualWindowTolerance(age) >= age && !(alertsOK && alerts > 0) {
		full := live.ClusterCreateTime.Add(time.Duration(target) * time.Second).UTC().Format("2006-01-02 15:04 UTC")
		return outcome{status: model.StatusNotApplicable, reason: model.ReasonWindowStillFilling, details: details, notes: notes,
			message: model.T("The window is still filling: the cluster was created %s ago, less than its target of %s, and keeps its whole history so far (achieved %s). It is judged from %s, once the cluster is older than its target.",
				"ウィンドウはまだ蓄積中です：クラスターは %s 前に作成され、ターゲット %s より新しく、これまでの履歴をすべて保持しています（実績 %s）。クラスターがターゲットより古くなる %s から判定します。",
				model.Duration(age), model.Duration(target), model.Duration(actual), full)}.finding()
	}
	switch {
	case actualOK && young && actual+actualWindowTolerance(age) < age:
		return outcome{status: model.StatusFail, reason: model.ReasonActualWindowBelowTarget, details: details, notes: notes,
			message: model.T("The achieved backtrack window is %s (now − EarliestBacktrackTime), shorter than the cluster's age of %s: change records are already being dropped before the target of %s is reached.",
				"実際のバックトラックウィンドウは %s（現在時刻 − EarliestBacktrackTime）で、クラスターの経過時間 %s より短くなっています。ターゲット %s に達する前から変更レコードが失われています。",
				model.Duration(actual), model.Duration(age), model.Duration(target)),
			resolution: model.Resolution{Path: model.PathManual, Step: model.StepReduceWrites, Attribute: windowAttr(c),
				Window: target, WindowKnown: true, Minimum: o.MinWindowSeconds, Actual: actual}}.finding()
	case actualOK && !young && actual+actualWindowTolerance(target) < target:
		return outcome{status: model.StatusFail, reason: model.ReasonActualWindowBelowTarget, details: details, notes: notes,
			message: model.T("The achieved backtrack window is %s (now − EarliestBacktrackTime), below the target of %s: the cluster cannot be rewound as far as configured.",
				"実際のバックトラックウィンドウは %s（現在時刻 − EarliestBacktrackTime）で、ターゲット %s を下回っています。設定どおりには巻き戻せません。",
				model.Duration(actual), model.Duration(target)),
			resolution: model.Resolution{Path: model.PathManual, Step: model.StepReduceWrites, Attribute: windowAttr(c),
				Window: target, WindowKnown: true, Minimum: o.MinWindowSeconds, Actual: actual}}.finding()
	case alertsOK && alerts > 0:
		return outcome{status: model.StatusFail, reason: model.ReasonBacktrackWindowAlerts, details: details, notes: notes,
			message: model.T("BacktrackWindowAlert fired %s times in the last %s: the achieved window fell below the target of %s.",
				"過去 %[2]s に BacktrackWindowAlert が %[1]s 回発生しました。実際のウィンドウがターゲット %[3]s を下回りました。",
				formatCount(alerts), lookback, model.Duration(target)),
			resolution: model.Resolution{Path: model.PathManual, Step: model.StepReduceWrites, Attribute: windowAttr(c),
				Window: target, WindowKnown: true, Minimum: o.MinWindowSeconds, Actual: -1}}.finding()
	case !actualOK:
		why := live.ActualWindowSeconds.Why
		return outcome{status: model.StatusUnknown, reason: model.ReasonMetricsUnavailable, details: details, notes: notes,
			message: model.Join(sentenceSep,
				model.T("The achieved backtrack window could not be measured.", "実際のバックトラックウィンドウを測定できませんでした。"), why),
			resolution: model.Resolution{Path: model.PathFixInput, Step: model.StepGrantDescribe}}.finding()
	case !alertsOK:
		// The window meets the target now, but whether it held over the
		// look-back period is what BacktrackWindowAlert says; unread, the rule
		// is not fully evaluated, and a scan never says PASS for that.
		why := live.WindowAlerts.Why
		if why.IsZero() {
			why = model.T("no data", "データなし")
		}
		return outcome{status: model.StatusUnknown, reason: model.ReasonMetricsUnavailable, details: details, notes: notes,
			message: model.Join(sentenceSep,
				model.T("The achieved backtrack window is %s now (meeting the target of %s), but BacktrackWindowAlert over the last %s could not be read, so kumoguard cannot tell whether the window held:",
					"実際のバックトラックウィンドウは現在 %s（ターゲット %s を満たす）ですが、過去 %s の BacktrackWindowAlert を取得できなかったため、ウィンドウが維持されていたか判断できません：",
					model.Duration(actual), model.Duration(target), lookback), why),
			resolution: model.Resolution{Path: model.PathFixInput, Step: model.StepGrantMetrics}}.finding()
	}
	return outcome{status: model.StatusPass, reason: model.ReasonActualWindowMeetsTarget, details: details, notes: notes,
		message: model.T("The achieved backtrack window is %s (now − EarliestBacktrackTime), meeting the target of %s.",
			"実際のバックトラックウィンドウは %s（現在時刻 − EarliestBacktrackTime）で、ターゲット %s を満たしています。",
			model.Duration(actual), model.Duration(target))}.finding()
}

func valueOrNil(v float64, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

func formatCount(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.1f", v)
}
