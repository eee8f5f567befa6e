package fix

import (
	"fmt"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Remediate returns the exact way out of one finding, written from the
// policy's decision (f.Resolution) and the cluster it judges (f.Cluster: the
// plan action, the engine version, the instance classes). A finding without
// a resolution (read back from a stored report) keeps its own text.
func Remediate(f model.Finding) model.Remediation {
	res := f.Resolution
	if res == nil {
		return model.Remediation{Path: model.DefaultPath(f.Status), Summary: f.Remediation}
	}
	c := f.Cluster
	if f.Status == model.StatusPass {
		return model.Remediation{Path: model.PathNone,
			Summary: model.T("Nothing to do: the check passes.", "対応は不要です：チェックに合格しています。")}
	}
	t := targetOf(f)
	if res.Path == model.PathSetWindow {
		return setWindow(f, c, t, res.Target)
	}
	switch res.Step {
	case model.StepEnable:
		switch res.Path {
		case model.PathSetWindow:
			return setWindow(f, c, t, res.Target)
		case model.PathMigrate:
			return migrate(f, c, t, res.Target)
		}
		return setOrMigrate(f, c, t, res.Target)
	case model.StepRaise:
		return raise(f, t, res.Target, targetWhy(*res))
	case model.StepMigrate:
		return migrate(f, c, t, res.Target)
	case model.StepKeep:
		return keep(f, res.Target)
	case model.StepWindowInRange:
		r := model.Remediation{Path: res.Path, Summary: advice(f, *res)}
		if f.Resource.Kind != model.SourceAWS {
			r.TargetWindowSeconds = res.Target
			r.IaC = iacChange(f, res.Target)
			r.Notes = append(r.Notes, targetWhy(*res))
		}
		return r
	}
	r := model.Remediation{Path: res.Path, Summary: advice(f, *res)}
	if r.Path == "" {
		r.Path = model.DefaultPath(f.Status)
	}
	if f.Status == model.StatusNotApplicable && r.Summary.IsZero() {
		r.Summary = model.T("Nothing to do: backtrack does not apply to this resource.", "対応は不要です：このリソースにはバックトラックが適用されません。")
	}
	return r
}

func targetOf(f model.Finding) target {
	id := f.Resource.Name
	if id == "" {
		id = "<cluster-id>"
	}
	return target{id: id, account: f.Resource.Account, region: f.Resource.Region}
}

func runbookCommand(f model.Finding, c *model.Cluster) string {
	if f.Resource.Kind == model.SourceAWS {
		ref := f.Resource.ARN
		if ref == "" {
			ref = f.Resource.Name
		}
		s := "kumoguard runbook " + shellQuote(ref)
		if f.Resource.Region != "" && f.Resource.ARN == "" {
			s += " --region " + shellQuote(f.Resource.Region)
		}
		return s
	}
	// The address is resolved by scanning again: the cluster's root module
	// or top template (relative to the scan root, where the command is run),
	// so a module's resource gets its inputs and no other root's resource
	// with the same address is matched.
	path := "."
	if c != nil && c.Root != "" {
		path = c.Root
	}
	return "kumoguard runbook --iac " + shellQuote(path) + " --resource " + shellQuote(f.Resource.Address)
}

func setWindow(f model.Finding, c *model.Cluster, t target, target int64) model.Remediation {
	ver := ""
	if c != nil {
		ver, _ = c.EngineVersion.Get()
	}
	return model.Remediation{
		Path:                model.PathSetWindow,
		TargetWindowSeconds: target,
		Summary: model.T("The cluster is not created yet, so backtrack can be enabled now: set the target window to %d seconds (%s) before it is created.",
			"クラスターはまだ作成されていないため、今ならバックトラックを有効化できます。作成前にターゲットウィンドウを %d 秒（%s）に設定してください。",
			target, model.Duration(target)),
		Console: consoleCreate(target, t.region),
		CLI:     cliCreate(t, ver, target),
		IaC:     iacChange(f, target),
	}
}

func raise(f model.Finding, t target, target int64, why model.Text) model.Remediation {
	r := model.Remediation{
		Path:                model.PathRaiseWindow,
		TargetWindowSeconds: target,
		Summary: model.T("Backtrack is enabled, so the window can be raised in place with no outage: set the target window to %d seconds (%s).",
			"バックトラックは有効なので、停止なしでその場でウィンドウを引き上げられます。ターゲットウィンドウを %d 秒（%s）にしてください。",
			target, model.Duration(target)),
		Console: consoleRaise(t.id, t.account, t.region, target),
		CLI:     cliRaise(t, target),
		Notes:   []model.Text{model.Join(model.T(" ", ""), model.T("Target:", "目標値："), why)},
	}
	if f.Resource.Kind != model.SourceAWS {
		r.IaC = iacChange(f, target)
		r.Notes = append(r.Notes, model.T(
			"Change the code rather than the console or CLI alone, or the next deployment sets the old window again. If the cluster was created without backtrack after all, AWS rejects the change: migrate instead.",
			"コンソールや CLI だけで変えず、コードを変更してください。さもないと次のデプロイで元のウィンドウに戻ります。クラスターが実はバックトラックなしで作成されていた場合、AWS は変更を拒否するため、移行が必要です。"))
	}
	return r
}

func migrate(f model.Finding, c *model.Cluster, t target, target int64) model.Remediation {
	r := model.Remediation{
		Path:                model.PathMigrate,
		TargetWindowSeconds: target,
		Summary: model.T("This cluster exists without backtrack, and backtrack can only be enabled when a cluster is created: modify-db-cluster and clones do not work, and a window once set to 0 can never be raised again. "+
			"Migrate: snapshot it, restore the snapshot into a new cluster with --backtrack-window %d (%s), validate, cut over, and keep the old cluster until rollback is no longer needed.",
			"このクラスターはバックトラックなしで存在しており、バックトラックはクラスター作成時にしか有効化できません。modify-db-cluster やクローンでは有効化できず、一度 0 にしたウィンドウは二度と引き上げられません。"+
				"移行してください：スナップショットを取得し、--backtrack-window %d（%s）を指定して新しいクラスターに復元し、検証・切り替えを行い、ロールバック不要になるまで旧クラスターを残します。",
			target, model.Duration(target)),
		Console: consoleMigrate(t.id, t.account, t.region, target),
		CLI:     cliMigrate(t, c, target),
		Runbook: runbookCommand(f, c),
		Notes: []model.Text{model.T("kumoguard migrate performs the non-destructive part (snapshot, restore with backtrack, instances, verification) and never touches the source cluster.",
			"kumoguard migrate は破壊的でない部分（スナップショット、バックトラック付き復元、インスタンス作成、検証）を実行し、元のクラスターには一切触れません。")},
	}
	if f.Resource.Kind != model.SourceAWS {
		r.Notes = append(r.Notes, model.T(
			"Do not just add the window to the code: on the existing cluster the apply fails. Adopt the new cluster in the code after the cutover (the runbook shows the import/moved blocks).",
			"コードにウィンドウを追加するだけではいけません。既存クラスターでは apply が失敗します。切り替え後に新しいクラスターをコードに取り込んでください（runbook に import/moved ブロックがあります）。"))
	}
	return r
}

func setOrMigrate(f model.Finding, c *model.Cluster, t target, target int64) model.Remediation {
	m := migrate(f, c, t, target)
	iac := iacChange(f, target)
	return model.Remediation{
		Path:                model.PathSetOrMigrate,
		TargetWindowSeconds: target,
		Summary:             setOrMigrateSummary(target, m.Runbook, len(iac) == 1 && iac[0].Automatic),
		Console:             m.Console,
		CLI:                 m.CLI,
		IaC:                 iac,
		Runbook:             m.Runbook,
		Notes: []model.Text{model.T("The console and CLI steps are for the case where the cluster already exists; the code change is for a cluster not yet created.",
			"コンソールと CLI の手順はクラスターが既に存在する場合のもの、コードの変更は未作成のクラスター向けです。")},
	}
}

// setOrMigrateSummary says to set the window or migrate; it promises that
// `kumoguard fix` makes the change only when it does.
func setOrMigrateSummary(target int64, runbook string, automatic bool) model.Text {
	byFix := model.T("; `kumoguard fix` makes the change", "（`kumoguard fix` で変更できます）")
	if !automatic {
		byFix = model.T(" (by hand: `kumoguard fix` cannot make this change)", "（手作業で変更してください。`kumoguard fix` ではこの変更を行えません）")
	}
	return model.Text{
		EN: fmt.Sprintf("If this cluster is not created yet, set the target window to %d seconds (%s)%s. "+
			"If it already exists without backtrack, AWS rejects the change and the apply fails (backtrack can only be enabled at creation): migrate it instead (`%s`).",
			target, model.FormatDuration(target), byFix.EN, runbook),
		JA: fmt.Sprintf("このクラスターが未作成なら、ターゲットウィンドウを %d 秒（%s）に設定してください%s。"+
			"バックトラックなしで既に存在する場合、AWS は変更を拒否し apply は失敗します（バックトラックは作成時にしか有効化できません）。その場合は移行してください（`%s`）。",
			target, model.Duration(target).In("ja"), byFix.JA, runbook),
	}
}

// keep: the plan would set the window to 0, which can never be undone.
func keep(f model.Finding, prior int64) model.Remediation {
	r := model.Remediation{
		Path:                model.PathKeepWindow,
		TargetWindowSeconds: prior,
		Summary: model.T("Do not apply: setting the window to 0 disables backtrack for good. Keep the target window at %d seconds (%s) or raise it.",
			"apply しないでください：ウィンドウを 0 にするとバックトラックは永久に無効になります。ターゲットウィンドウを %d 秒（%s）のまま維持するか、引き上げてください。",
			prior, model.Duration(prior)),
		IaC: iacChange(f, prior),
	}
	return r
}

// Render returns the compact bilingual text of a remediation, as reporters
// that show one paragraph per finding print it.
func Render(r model.Remediation) model.Text {
	out := r.Summary
	if len(r.IaC) > 0 {
		var en, ja []string
		for _, ch := range r.IaC {
			en = append(en, ch.Description.EN)
			ja = append(ja, ch.Description.JA)
		}
		out = model.Join(model.T(" ", ""), out, model.Text{EN: "Code: " + strings.Join(en, " "), JA: "コード：" + strings.Join(ja, "")})
	}
	if len(r.CLI) > 0 {
		var parts []string
		for i, c := range r.CLI {
			parts = append(parts, fmt.Sprintf("%d) %s", i+1, c.Command))
		}
		out = model.Join(model.T(" ", ""), out, model.Text{EN: "AWS CLI: " + strings.Join(parts, " "), JA: "AWS CLI：" + strings.Join(parts, " ")})
	}
	if r.Runbook != "" {
		out = model.Join(model.T(" ", ""), out, model.T("Runbook: %s", "手順書：%s", r.Runbook))
	}
	return out
}

// Enrich computes the remediation of every finding, replaces each finding's
// Remediation text with its exact rendering, and returns the structured
// remediations in the same order as findings (for reporters that show
// console steps, commands and code changes). Each finding brings its cluster
// and the policy's decision, so nothing is looked up again.
func Enrich(findings []model.Finding) []model.Remediation {
	out := make([]model.Remediation, len(findings))
	for i := range findings {
		f := &findings[i]
		r := Remediate(*f)
		out[i] = r
		if t := Render(r); !t.IsZero() {
			f.Remediation = t
		}
	}
	return out
}

// ForReport is the one call a scan pipeline makes: it computes every
// finding's remediation (replacing its Remediation text with the exact one,
// as Enrich does) and, when edits is true, attaches the exact text edits
// `kumoguard fix` would make to infrastructure as code under root (for
// SARIF fixes and JSON). An IaC change is marked automatic only when the
// patch really makes it. Files are read, never written. The result is
// parallel to findings.
func ForReport(findings []model.Finding, inv model.Inventory, root string, edits bool) []model.Remediation {
	rems := make([]model.Remediation, len(findings))
	for i := range findings {
		rems[i] = Remediate(findings[i])
	}
	// The patch decides which changes `kumoguard fix` really makes; the
	// edits themselves are attached only for the reporters that carry them.
	if root != "" && anyAutomatic(rems) {
		if res, err := Patches(findings, inv, PatchOptions{Root: root}); err == nil {
			MarkApplied(findings, rems, res)
			if edits {
				AttachEdits(findings, rems, res)
			}
		}
	}
	for i := range findings {
		if t := Render(rems[i]); !t.IsZero() {
			findings[i].Remediation = t
		}
	}
	return rems
}

func anyAutomatic(rems []model.Remediation) bool {
	for _, r := range rems {
		for _, ch := range r.IaC {
			if ch.Automatic {
				return true
			}
		}
	}
	return false
}
