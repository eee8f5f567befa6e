package policy

import "github.com/kumoguard/kumoguard/internal/model"

// The way out of a failing window, decided here as facts; internal/fix writes
// the words and commands. Backtracking can only be enabled when a cluster is
// created, the window of an enabled cluster can be changed in place with no
// outage, and a window set to 0 can never be raised again:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html

// wayOut decides the remediation of a FAIL on the cluster's target window w
// (seconds) under the minimum min:
//   - a plan that would set the window to 0: keep it;
//   - a plan that would enable backtrack on an existing cluster: migrate;
//   - a plan that creates the cluster: set the window in the code;
//   - backtrack on with a short window: raise it in place;
//   - backtrack off: set the window on a cluster not created yet (a plan
//     that creates it), migrate an existing one (live, or a plan that keeps
//     it), and for code that does not say which: set it, or migrate.
func wayOut(c model.Cluster, reason model.Reason, w, min int64) model.Resolution {
	min = clampMinimum(min)
	r := model.Resolution{Attribute: windowAttr(c), Window: w, WindowKnown: true, Sensitive: c.BacktrackWindow.Sensitive, Minimum: min, Actual: -1}
	switch reason {
	case model.ReasonDisableIrreversible:
		r.Path, r.Step, r.Target, r.Basis = model.PathKeepWindow, model.StepKeep, min, model.BasisMinimum
		if p, ok := c.PriorBacktrackWindow.Get(); ok && p > 0 {
			r.Target, r.Basis = p, model.BasisPrior
		}
		return r
	case model.ReasonEnableOnExistingCluster:
		r.Path, r.Step = model.PathMigrate, model.StepMigrate
		r.Target, r.Basis = targetWindow(reason, 0, min)
		return r
	}
	r.Target, r.Basis = targetWindow(reason, w, min)
	if c.Source == model.SourceTerraformPlan && (c.Action == model.ActionCreate || c.Action == model.ActionReplace) {
		// The plan creates the cluster: the window is set in the code before
		// the apply, never modified on a cluster that does not exist yet.
		r.Path, r.Step = model.PathSetWindow, model.StepEnable
		if w > 0 {
			r.Step = model.StepRaise
		}
		return r
	}
	if w > 0 {
		r.Path, r.Step = model.PathRaiseWindow, model.StepRaise
		return r
	}
	r.Step = model.StepEnable
	switch c.Source {
	case model.SourceAWS:
		r.Path = model.PathMigrate
	case model.SourceTerraformPlan:
		r.Path = model.PathMigrate
		if c.Action == model.ActionCreate || c.Action == model.ActionReplace {
			r.Path = model.PathSetWindow
		}
	default:
		r.Path = model.PathSetOrMigrate
	}
	return r
}

// outOfRange is the way out of a window outside 0..259200: fix the input,
// with the window to write instead.
func outOfRange(c model.Cluster, w, min int64) model.Resolution {
	r := model.Resolution{Path: model.PathFixInput, Step: model.StepWindowInRange, Attribute: windowAttr(c),
		Window: w, WindowKnown: true, Sensitive: c.BacktrackWindow.Sensitive, Minimum: clampMinimum(min), Actual: -1}
	r.Target, r.Basis = targetWindow(model.ReasonWindowOutOfRange, w, min)
	return r
}

// targetWindow is the window a remediation writes for a finding whose
// current window is current (seconds) under the minimum min:
//   - WINDOW_LIKELY_HOURS: the author meant hours, so current×3600, capped at
//     259200, when that is larger than the minimum; otherwise the minimum;
//   - WINDOW_OUT_OF_RANGE above 72 h: 259200, the largest AWS accepts;
//   - everything else: the minimum.
func targetWindow(reason model.Reason, current, min int64) (int64, model.TargetBasis) {
	min = clampMinimum(min)
	switch {
	case reason == model.ReasonWindowLikelyHours && current > 0 && current <= model.LikelyHoursMaxSeconds:
		h := current * 3600
		if h > model.MaxWindowSeconds {
			h = model.MaxWindowSeconds
		}
		if h > min {
			return h, model.BasisHours
		}
		return min, model.BasisHoursBelowMinimum
	case reason == model.ReasonWindowOutOfRange && current > model.MaxWindowSeconds:
		return model.MaxWindowSeconds, model.BasisMaximum
	}
	return min, model.BasisMinimum
}

// clampMinimum keeps a configured minimum within what AWS accepts.
func clampMinimum(min int64) int64 {
	if min <= 0 {
		return model.DefaultMinWindowSeconds
	}
	if min > model.MaxWindowSeconds {
		return model.MaxWindowSeconds
	}
	return min
}
