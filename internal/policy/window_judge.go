package policy

import (
	"fmt"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// outcome is a rule's verdict before the shared fields are filled in.
type outcome struct {
	status     model.Status
	reason     model.Reason
	message    model.Text
	resolution model.Resolution
	where      model.Location
	notes      []model.Text
	details    map[string]any
}

func (o outcome) finding() *model.Finding {
	res := o.resolution
	if res.Path == "" {
		res.Path = model.DefaultPath(o.status)
	}
	if res.Actual == 0 {
		res.Actual = -1
	}
	return &model.Finding{Status: o.status, Reason: o.reason, Message: o.message,
		Location: o.where, Notes: o.notes, Details: o.details, Resolution: &res}
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
func judgeWindow(c model.Cluster, min int64, judge func(w int64) outcome) outcome {
	v := c.BacktrackWindow
	attr := windowAttr(c)
	switch v.State {
	case model.Invalid:
		return outcome{status: model.StatusError, reason: model.ReasonInvalidValue, where: v.Where,
			message: model.Join(sentenceSep,
				model.T("%s is not a valid number of seconds.", "%s が有効な秒数ではありません。", attr), v.Why),
			resolution: model.Resolution{Path: model.PathFixInput, Step: model.StepWholeSeconds, Attribute: attr}}
	case model.Unknown:
		if len(v.Candidates) == 0 {
			return outcome{status: model.StatusUnknown, reason: model.ReasonUnresolvedValue, where: v.Where,
				message: model.Join(sentenceSep,
					model.T("%s could not be resolved.", "%s を解決できませんでした。", attr), v.Why),
				resolution: model.Resolution{Path: model.PathFixInput, Step: model.StepGiveValue, Attribute: attr}}
		}
		var first outcome
		vals := make([]string, 0, len(v.Candidates))
		for i, w := range v.Candidates {
			vals = append(vals, fmt.Sprint(w))
			o := judgeKnown(c, w, min, v.Where, judge)
			if i == 0 {
				first = o
				continue
			}
			if o.status != first.status || o.reason != first.reason {
				return outcome{status: model.StatusUnknown, reason: model.ReasonUnresolvedValue, where: v.Where,
					message: model.Join(sentenceSep,
						model.T("%s depends on a value kumoguard could not resolve, and its possible values (%s) give different verdicts.",
							"%s は解決できない値に依存しており、取り得る値（%s）で判定が異なります。", attr, strings.Join(vals, ", ")), v.Why),
					resolution: model.Resolution{Path: model.PathFixInput, Step: model.StepGiveValueCandidates, Attribute: attr}}
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
		return judgeKnown(c, 0, min, where, judge)
	}
	return judgeKnown(c, v.V, min, v.Where, judge)
}

func judgeKnown(c model.Cluster, w, min int64, where model.Location, judge func(int64) outcome) outcome {
	attr := windowAttr(c)
	if w < 0 || w > model.MaxWindowSeconds {
		return outcome{status: model.StatusError, reason: model.ReasonWindowOutOfRange, where: where,
			message: withWindow(c, w, "%s = %s is out of range: AWS accepts 0 to 259200 seconds (72 hours) and rejects this value.",
				"%s = %sは範囲外です。AWS が受け付けるのは 0～259200 秒（72 時間）で、この値は拒否されます。", attr),
			resolution: outOfRange(c, w, min),
			details:    windowDetails(c, w)}
	}
	o := judge(w)
	if o.where.IsZero() {
		o.where = where
	}
	if o.details == nil {
		o.details = map[string]any{}
	}
	if !c.BacktrackWindow.Sensitive {
		o.details["window_seconds"] = w
	}
	return o
}

// withWindow writes a message that shows the window w as its number and
// duration, or as "(sensitive value)" when it comes from a sensitive
// variable or a NoEcho parameter. The first %s of each format is followed by
// the window's %s; args fill the rest.
func withWindow(c model.Cluster, w int64, en, ja string, first any, args ...any) model.Text {
	shown := model.T("%d (%s)", "%d（%s）", w, model.Duration(w))
	if c.BacktrackWindow.Sensitive {
		shown = model.T("(sensitive value)", "（sensitive な値）")
	}
	// model.T gives each language its own rendering of the window (shown)
	// and of any model.Duration in args.
	return model.T(en, ja, append([]any{first, shown}, args...)...)
}

// planChange returns the FAIL outcome for plan changes AWS refuses or that
// cannot be undone, or nil. Backtrack cannot be enabled on a cluster created
// without it; setting the window to 0 disables it for good.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
func planChange(c model.Cluster, w int64, min int64) *outcome {
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
			resolution: wayOut(c, model.ReasonEnableOnExistingCluster, w, min)}
	case prior > 0 && w == 0:
		return &outcome{status: model.StatusFail, reason: model.ReasonDisableIrreversible,
			message: model.T("The plan sets %s from %d to 0. Disabling backtrack is irreversible: this cluster (and its clones) can never enable it again.",
				"プランは %s を %d から 0 に変更します。バックトラックの無効化は元に戻せません。このクラスター（およびそのクローン）では二度と有効化できなくなります。", attr, prior),
			resolution: wayOut(c, model.ReasonDisableIrreversible, w, min)}
	}
	return nil
}

// windowDetails are the details that carry the window, unless it is sensitive.
func windowDetails(c model.Cluster, w int64) map[string]any {
	if c.BacktrackWindow.Sensitive {
		return nil
	}
	return map[string]any{"window_seconds": w}
}
