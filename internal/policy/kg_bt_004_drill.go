package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// KGBT004 checks that backtrack has been proven to work: a drill
// (kumoguard drill run) backtracked a copy-on-write clone of the cluster and
// kept signed evidence, recently enough. Backtracking works on a clone as on
// the source, and a clone gets backtrack only when its source has it:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Clone.html
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_BacktrackDBCluster.html
//
// The rule reads c.Drills, which the live scan fills from an evidence
// directory (--evidence-dir) after verifying every document; nil means no
// directory was given and the rule is not evaluated.
//
// The verdict, for an in-scope cluster with backtrack enabled:
//   - ERROR when any of its documents does not verify (signature, key, chain,
//     schema or contents), naming the files, even when a newer document does
//     verify: the claim is the whole trail, and a broken link means evidence
//     was edited or deleted, which someone has to look at. The message still
//     says what the newest verified drill showed. It clears only when the
//     original documents are restored (or the trail is archived whole and a
//     new directory started).
//   - otherwise FAIL when there is no verified drill (missing evidence is a
//     failure, never a pass), when the newest verified drill failed (an older
//     success does not outweigh it), or when the newest verified drill is older
//     than Options.DrillMaxAge (default 90 days);
//   - otherwise PASS.
//
// Out of scope is NOT_APPLICABLE with the scope's reason; backtrack disabled
// is NOT_APPLICABLE too (KG-BT-001 fails it: there is nothing to drill).
var KGBT004 = register(&Rule{
	ID:       "KG-BT-004",
	Title:    model.T("Backtrack is proven by a recent, verified drill", "最近の検証済み訓練でバックトラックが実証されている"),
	Severity: model.SeverityMedium,
	Rationale: model.T(
		"A backtrack window that has never been exercised is a promise, not a recovery capability: permissions, binary logging, the achieved window and the runbook only show their gaps when the rewind is needed. A regular drill on a copy-on-write clone proves the rewind works without touching production, and its signed evidence is what an auditor accepts for tested recovery (SOC 2 A1.3, ISO/IEC 27001:2022 A.8.13 and A.5.30, NIST SP 800-53 CP-4 and CP-9(1)).",
		"一度も実行したことのないバックトラックウィンドウは約束にすぎず、復旧能力ではありません。権限、バイナリログ、実際のウィンドウ、手順書の不備は、巻き戻しが必要になったときに初めて表面化します。コピーオンライトクローンでの定期的な訓練は本番に触れずに巻き戻しが機能することを実証し、その署名付き証跡は監査人が復旧テストの証拠として受け入れるものです（SOC 2 A1.3、ISO/IEC 27001:2022 A.8.13 および A.5.30、NIST SP 800-53 CP-4 および CP-9(1)）。"),
	Help: model.T(
		"Generate a signing key once (kumoguard drill keygen), run kumoguard drill run CLUSTER --apply --evidence-dir DIR at least every --drill-max-age (default 90 days), keep DIR, and scan with --evidence-dir DIR --evidence-public-key FILE. kumoguard drill verify checks the evidence offline and kumoguard drill report renders it for auditors.",
		"署名鍵を一度生成し（kumoguard drill keygen）、少なくとも --drill-max-age（既定 90 日）ごとに kumoguard drill run CLUSTER --apply --evidence-dir DIR を実行して DIR を保管し、--evidence-dir DIR --evidence-public-key FILE を指定してスキャンします。kumoguard drill verify は証跡をオフラインで検証し、kumoguard drill report は監査人向けに出力します。"),
	HelpURI:          "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html",
	SecuritySeverity: "5.0",
	Live:             true,
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Backtracking.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_BacktrackDBCluster.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusterBacktracks.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Clone.html",
	},
	Check: checkDrill,
})

// drillDate is how the rule writes a drill's time.
const drillDate = "2006-01-02 15:04 UTC"

func checkDrill(c model.Cluster, o Options) *model.Finding {
	ev := c.Drills
	if ev == nil {
		return nil // no evidence directory was consulted
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
			message: model.T("Backtracking is disabled, so there is nothing to drill (see KG-BT-001).",
				"バックトラックが無効のため、訓練する対象がありません（KG-BT-001 を参照）。")}.finding()
	}
	maxAge := o.DrillMaxAge
	if maxAge <= 0 {
		maxAge = DefaultDrillMaxAge
	}
	details := map[string]any{
		"evidence_dir":          ev.Dir,
		"drill_max_age_seconds": int64(maxAge / time.Second),
		"drill_records":         len(ev.Records),
		"verified_drill_file":   nil,
	}
	var bad []model.DrillRecord
	var newest *model.DrillRecord
	for i := range ev.Records {
		r := &ev.Records[i]
		if !r.Verified {
			bad = append(bad, *r)
		} else if newest == nil || r.Finished.After(newest.Finished) {
			newest = r
		}
	}
	var newestText model.Text
	if newest != nil {
		details["verified_drill_file"] = newest.File
		details["verified_drill_id"] = newest.ID
		details["verified_drill_finished"] = newest.Finished.UTC().Format(time.RFC3339)
		details["verified_drill_succeeded"] = newest.Succeeded
		details["verified_drill_age_seconds"] = int64(o.Now.Sub(newest.Finished) / time.Second)
		if newest.Succeeded {
			newestText = model.T("The newest verified drill, %s (%s), succeeded on %s.", "検証済みの最新の訓練 %s（%s）は %s に成功しました。",
				newest.ID, newest.File, newest.Finished.UTC().Format(drillDate))
		} else {
			newestText = model.T("The newest verified drill, %s (%s), failed on %s.", "検証済みの最新の訓練 %s（%s）は %s に失敗しました。",
				newest.ID, newest.File, newest.Finished.UTC().Format(drillDate))
		}
	}
	notes := append([]model.Text{}, s.notes...)

	if len(bad) > 0 {
		files := make([]string, len(bad))
		for i, r := range bad {
			files[i] = r.File
		}
		details["unverified_files"] = files
		var lines []string
		for _, r := range bad {
			lines = append(lines, r.File+": "+r.VerifyError)
		}
		msg := model.T("%d drill evidence document(s) do not verify, so the evidence trail cannot be trusted: %s.",
			"%d 件の訓練証跡が検証できないため、証跡全体を信頼できません：%s。", len(bad), strings.Join(lines, "; "))
		if !newestText.IsZero() {
			msg = model.Join(sentenceSep, msg, newestText)
		}
		return outcome{status: model.StatusError, reason: model.ReasonDrillEvidenceUnverified, message: msg, details: details, notes: notes,
			resolution: model.Resolution{Path: model.PathFixInput, Step: model.StepCheckEvidence}}.finding()
	}
	drill := model.Resolution{Path: model.PathManual, Step: model.StepRunDrill}
	switch {
	case newest == nil:
		return outcome{status: model.StatusFail, reason: model.ReasonDrillEvidenceMissing, details: details, notes: notes, resolution: drill,
			message: model.T("No drill evidence for this cluster in %s: backtrack has not been proven to work (missing evidence is a failure).",
				"%s にこのクラスターの訓練証跡がありません。バックトラックが機能することは実証されていません（証跡がないことは不合格です）。", ev.Dir)}.finding()
	case !newest.Succeeded:
		reason := newest.Reason
		if reason == "" {
			reason = "no reason recorded"
		}
		return outcome{status: model.StatusFail, reason: model.ReasonDrillFailed, details: details, notes: notes, resolution: drill,
			message: model.T("The newest verified drill, %s (%s), failed on %s: %s.", "検証済みの最新の訓練 %s（%s）は %s に失敗しました：%s。",
				newest.ID, newest.File, newest.Finished.UTC().Format(drillDate), reason)}.finding()
	}
	age := o.Now.Sub(newest.Finished)
	if age > maxAge {
		return outcome{status: model.StatusFail, reason: model.ReasonDrillStale, details: details, notes: notes, resolution: drill,
			message: model.T("The newest successful drill, %s (%s), finished on %s, %s days ago: older than the maximum age of %s days.",
				"最新の成功した訓練 %s（%s）は %s に終了し、%s 日経過しています。最大経過日数 %s 日を超えています。",
				newest.ID, newest.File, newest.Finished.UTC().Format(drillDate), days(age), days(maxAge))}.finding()
	}
	return outcome{status: model.StatusPass, reason: model.ReasonDrillRecent, details: details, notes: notes,
		message: model.T("The newest verified drill, %s (%s), succeeded on %s, %s days ago (maximum %s days).",
			"検証済みの最新の訓練 %s（%s）は %s に成功しました（%s 日前、最大 %s 日）。",
			newest.ID, newest.File, newest.Finished.UTC().Format(drillDate), days(age), days(maxAge))}.finding()
}

// days renders a duration in days, with one decimal below ten days.
func days(d time.Duration) string {
	v := d.Hours() / 24
	if v < 0 {
		v = 0
	}
	if v < 10 {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	}
	return fmt.Sprintf("%d", int64(v))
}
