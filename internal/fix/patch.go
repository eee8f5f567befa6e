package fix

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// PatchOptions configure Patches.
type PatchOptions struct {
	// Root is the scan root: findings' file paths are relative to it.
	Root string
	// WriteRoot bounds what fix may edit (default Root): a file outside it,
	// or a symbolic link to a file outside it, is refused unless
	// AllowOutsideRoot.
	WriteRoot        string
	AllowOutsideRoot bool
}

// FileChange is the patch of one file: its content before and after, and the
// changes made. After has been re-parsed; an invalid file is never produced.
type FileChange struct {
	Path    string // relative to the root, forward slashes
	Abs     string
	Before  []byte
	After   []byte
	Changes []Change
	edits   []edit
	secrets []span // literal secret values in Before: never printed
}

// Change is one edit: the window of one or more clusters set to To.
type Change struct {
	Addresses []string
	RuleIDs   []string
	// Fingerprints are the findings the change fixes (an address alone is
	// not unique: every root module may have aws_rds_cluster.main).
	Fingerprints []string
	Reason       model.Reason
	// Kind is where the edit goes: the resource attribute, a variable
	// default, a tfvars assignment, a local, a module argument, a parameter
	// default.
	Kind     model.OriginKind
	Name     string
	What     model.Text
	From     string // the literal replaced, "" for an insertion
	To       int64
	Why      model.Text
	Location model.Location
	// Edit is the exact replacement, for SARIF fixes.
	Edit     model.TextEdit
	insert   bool
	resource string // logical ID or block, for insertions
	module   string // module call to add the argument to
	// call: add the argument to the module call whose header is at
	// Location (model.OriginModuleCall).
	call bool
}

// Refusal is a finding kumoguard will not patch in place, and why.
type Refusal struct {
	Address  string
	Location model.Location
	Why      model.Text
	// Runbook is the command that writes the migration runbook, when the
	// way out is a migration.
	Runbook string
}

// Result is what Patches decided.
type Result struct {
	Files    []FileChange
	Refusals []Refusal
}

// existingWithoutBacktrack returns the Terraform addresses that a plan shows
// as existing clusters without backtrack: the plan keeps or updates them
// (not create or replace) and their window before the change is 0 or unset.
// Editing their code to enable backtrack would make the apply fail:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
func existingWithoutBacktrack(inv model.Inventory) map[string]model.Cluster {
	out := map[string]model.Cluster{}
	for _, c := range inv.Clusters {
		if c.Source != model.SourceTerraformPlan && c.Source != model.SourceAWS {
			continue
		}
		if c.Source == model.SourceTerraformPlan {
			if c.Action != model.ActionNoop && c.Action != model.ActionUpdate {
				continue
			}
			prior := c.PriorBacktrackWindow
			if c.Action == model.ActionNoop && prior.State == model.Absent {
				prior = c.BacktrackWindow
			}
			if p, ok := prior.Get(); (ok && p == 0) || prior.State == model.Absent {
				out[c.Address] = c
			}
			continue
		}
		// Live clusters match IaC by identifier.
		if w, ok := c.BacktrackWindow.Get(); (ok && w == 0) || c.BacktrackWindow.State == model.Absent {
			if c.Name != "" {
				out["name:"+strings.ToLower(c.Name)] = c
			}
		}
	}
	return out
}

type planned struct {
	// sensitive: the window comes from a sensitive variable or a NoEcho
	// parameter; the diff header never shows its value.
	sensitive bool
	file      string
	key       string // file + position: one edit per place
	change    Change
	// target is the file written: file with its symbolic links resolved.
	target string
	// fixes are the clusters (root + NUL + address) the edit is for.
	fixes map[string]bool
	kind  model.SourceKind
}

// Patches computes the edits that fix the findings kumoguard can fix in
// code: FAIL findings of KG-BT-001/002 (and out-of-range windows) on
// Terraform and CloudFormation, following each finding's provenance. Edits
// to the same place are merged (the largest target wins). Findings whose
// cluster a plan (or live state in inv) shows to exist without backtrack are
// refused, with the runbook command.
func Patches(findings []model.Finding, inv model.Inventory, o PatchOptions) (Result, error) {
	var res Result
	existing := existingWithoutBacktrack(inv)
	byKey := map[string]*planned{}
	var order []string
	refused := map[string]bool{}
	for _, f := range findings {
		// What to change is the policy's decision: findings whose way out
		// writes a window into the code (set, raise, keep, bring into range).
		if f.Suppressed != nil || f.Resolution == nil || f.Resolution.Target <= 0 {
			continue
		}
		if f.Resource.Kind != model.SourceTerraform && f.Resource.Kind != model.SourceCloudFormation {
			continue
		}
		c, res0 := f.Cluster, *f.Resolution
		r := Remediate(f)
		if len(r.IaC) != 1 {
			continue
		}
		ch := r.IaC[0]
		if res0.Window == 0 {
			ex, ok := existing[f.Resource.Address]
			if !ok && f.Resource.Name != "" {
				ex, ok = existing["name:"+strings.ToLower(f.Resource.Name)]
			}
			if ok {
				if !refused[f.Resource.Address] {
					refused[f.Resource.Address] = true
					res.Refusals = append(res.Refusals, Refusal{Address: f.Resource.Address, Location: f.Location,
						Runbook: runbookCommand(f, c),
						Why: model.Text{
							EN: describeEvidence(ex).EN + " shows this cluster already exists without backtrack: adding the window in code would make the apply fail (backtrack can only be enabled when a cluster is created). Migrate it instead.",
							JA: describeEvidence(ex).JA + " では、このクラスターはバックトラックなしで既に存在しています。コードにウィンドウを追加すると apply が失敗します（バックトラックは作成時にしか有効化できません）。移行してください。"}})
				}
				continue
			}
		}
		if !ch.Automatic {
			if !refused[f.Resource.Address+"/manual"] {
				refused[f.Resource.Address+"/manual"] = true
				res.Refusals = append(res.Refusals, Refusal{Address: f.Resource.Address, Location: ch.Location, Why: ch.Description})
			}
			continue
		}
		pl := placeOf(f.Provenance)
		def, has := pl.def, pl.has
		p := planned{sensitive: res0.Sensitive, change: Change{Addresses: []string{f.Resource.Address}, RuleIDs: []string{f.RuleID},
			Fingerprints: []string{f.Fingerprint}, Reason: f.Reason, To: r.TargetWindowSeconds}}
		p.change.Why = targetWhy(res0)
		if has {
			p.file = def.Location.File
			p.change.Kind, p.change.Name, p.change.Location = def.Kind, def.Name, def.Location
			p.key = fmt.Sprintf("%s:%d:%d", def.Location.File, def.Location.Line, def.Location.Column)
		} else {
			p.file = f.Location.File
			p.change.Kind, p.change.Location, p.change.insert = model.OriginAttribute, f.Location, true
			p.change.resource = lastSegment(f.Resource.Address)
			p.key = fmt.Sprintf("%s:%d:insert", f.Location.File, f.Location.Line)
		}
		// A variable of a module that the call does not set (the source
		// says which call: model.OriginModuleCall): the call gets the
		// argument, so that environment changes, rather than the module's
		// default changing for every caller.
		if has && def.Kind == model.OriginModuleCall && f.Resource.Kind == model.SourceTerraform {
			p.change.Kind, p.change.Name, p.change.insert, p.change.call = model.OriginModuleArgument, def.Name, true, true
			p.key = fmt.Sprintf("%s:%d:%d:call:%s", def.Location.File, def.Location.Line, def.Location.Column, def.Name)
		}
		p.change.What = what(f.Resource.Kind, p.change)
		p.kind = f.Resource.Kind
		p.fixes = map[string]bool{}
		if c != nil {
			p.fixes[c.Root+"\x00"+c.Address] = true
		}
		abs := p.file
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(o.Root, filepath.FromSlash(p.file))
		}
		abs = filepath.Clean(abs)
		refuse := func(why model.Text) {
			res.Refusals = append(res.Refusals, Refusal{Address: f.Resource.Address, Location: p.change.Location, Why: why})
		}
		if f.Resource.Kind == model.SourceTerraform && c != nil {
			if why, ok := downloadedModule(filepath.Join(o.Root, filepath.FromSlash(c.Root)), abs, f.Resource.Address); ok {
				if !refused[f.Resource.Address+"/module"] {
					refused[f.Resource.Address+"/module"] = true
					refuse(model.Join(model.T(" ", ""), model.T("Not changed:", "変更しませんでした："), why))
				}
				continue
			}
		}
		target, why := writeTarget(abs, o)
		if why != nil {
			if !refused[f.Resource.Address+"/root"] {
				refused[f.Resource.Address+"/root"] = true
				refuse(model.Join(model.T(" ", ""), model.T("Not changed:", "変更しませんでした："), *why))
			}
			continue
		}
		p.target = target
		if strings.Contains(filepath.ToSlash(target), "/.terraform/modules/") {
			// Installed by terraform init even when the module calls could
			// not be followed.
			refuse(model.T("The window is defined in a downloaded module (%s); set it through the module's input in your configuration instead.",
				"ウィンドウはダウンロードされたモジュール（%s）内で定義されています。構成側のモジュール入力で設定してください。", p.file))
			continue
		}
		if q, ok := byKey[p.key]; ok {
			for k := range p.fixes {
				q.fixes[k] = true
			}
			q.change.Addresses = appendUniq(q.change.Addresses, f.Resource.Address)
			q.change.RuleIDs = appendUniq(q.change.RuleIDs, f.RuleID)
			q.change.Fingerprints = appendUniq(q.change.Fingerprints, f.Fingerprint)
			if p.change.To > q.change.To {
				q.change.To, q.change.Why, q.change.Reason = p.change.To, p.change.Why, p.change.Reason
			}
			continue
		}
		byKey[p.key] = &p
		order = append(order, p.key)
	}

	// A definition other clusters share is edited only when every one of
	// them is an Aurora MySQL cluster this fix covers.
	kept := order[:0:0]
	users := indexUsers(inv)
	for _, k := range order {
		p := byKey[k]
		if others := sharedBy(p, users, p.kind); len(others) > 0 {
			why := sharedRefusal(p, others)
			for _, a := range p.change.Addresses {
				res.Refusals = append(res.Refusals, Refusal{Address: a, Location: p.change.Location, Why: why})
			}
			continue
		}
		kept = append(kept, k)
	}
	order = kept

	// Group by file and apply.
	byFile := map[string][]*planned{}
	var files []string
	for _, k := range order {
		p := byKey[k]
		if _, ok := byFile[p.file]; !ok {
			files = append(files, p.file)
		}
		byFile[p.file] = append(byFile[p.file], p)
	}
	sort.Strings(files)
	for _, file := range files {
		fc, refusals := patchFile(o.Root, file, byFile[file])
		if fc != nil && byFile[file][0].target != "" {
			fc.Abs = byFile[file][0].target
		}
		res.Refusals = append(res.Refusals, refusals...)
		if fc != nil {
			res.Files = append(res.Files, *fc)
		}
	}
	return res, nil
}

func describeEvidence(c model.Cluster) model.Text {
	if c.Source == model.SourceAWS {
		return model.T("Live state (%s)", "実環境の状態（%s）", c.ARN)
	}
	return model.T("The Terraform plan (%s)", "Terraform プラン（%s）", c.Location.File)
}

func what(kind model.SourceKind, c Change) model.Text {
	switch c.Kind {
	case model.OriginVariableDefault:
		return model.T("default of variable %q", "変数 %q の既定値", c.Name)
	case model.OriginVarFile:
		return model.T("%s in the variable file", "変数ファイルの %s", c.Name)
	case model.OriginLocal:
		return model.T("local.%s", "local.%s", c.Name)
	case model.OriginModuleArgument:
		return model.T("module argument %s", "モジュール引数 %s", c.Name)
	case model.OriginParameterDefault:
		return model.T("Default of parameter %s", "パラメータ %s の Default", c.Name)
	}
	if kind == model.SourceCloudFormation {
		return model.T("BacktrackWindow", "BacktrackWindow")
	}
	return model.T("backtrack_window", "backtrack_window")
}

func lastSegment(addr string) string {
	if i := strings.LastIndex(addr, "/"); i >= 0 {
		return addr[i+1:]
	}
	return addr
}

func appendUniq(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// patchFile applies the planned edits to one file, re-parses the result and
// returns the change, or refusals when an edit cannot be made safely.
func patchFile(root, file string, ps []*planned) (*FileChange, []Refusal) {
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(root, filepath.FromSlash(file))
	}
	refuse := func(p *planned, err error) Refusal {
		return Refusal{Address: strings.Join(p.change.Addresses, ", "), Location: p.change.Location,
			Why: model.T("Not changed: %v.", "変更しませんでした：%v。", err)}
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		var out []Refusal
		for _, p := range ps {
			out = append(out, refuse(p, err))
		}
		return nil, out
	}
	var sens map[string]bool
	if low := strings.ToLower(file); strings.HasSuffix(low, ".tfvars") || strings.HasSuffix(low, ".tfvars.json") {
		sens = sensitiveVariables(filepath.Dir(abs))
	}
	after, changes, edits, spans, refusals := patchBytesIn(file, src, ps, sens)
	if after == nil {
		return nil, refusals
	}
	return &FileChange{Path: filepath.ToSlash(file), Abs: abs, Before: src, After: after, Changes: changes, edits: edits, secrets: spans}, refusals
}

// fileKind tells how to patch a file: native HCL (.tf, .tfvars), JSON-syntax
// Terraform (.tf.json, .tfvars.json), or a CloudFormation template.
func fileKind(file string, src []byte) string {
	base := strings.ToLower(path.Base(filepath.ToSlash(file)))
	switch {
	case strings.HasSuffix(base, ".tf.json"), strings.HasSuffix(base, ".tfvars.json"):
		return "json"
	case strings.HasSuffix(base, ".tf"), strings.HasSuffix(base, ".tfvars"), strings.HasSuffix(base, ".hcl"):
		return "hcl"
	}
	return "cfn"
}

// Write writes the patched file through a temporary file and a rename, keeping
// the file's mode. The content was re-parsed when the change was computed.
//
// A symbolic link is kept: Abs is the link's target (resolved when the
// change was computed, and checked to be under the root), and the target is
// what is replaced.
func (fc FileChange) Write() error {
	// Abs is the file the patch was computed for, symbolic links already
	// resolved and checked against the root. A link there now was put there
	// since the scan, and might lead anywhere: refuse.
	if li, err := os.Lstat(fc.Abs); err == nil && li.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s became a symbolic link since it was scanned; not written (scan and fix again)", fc.Abs)
	}
	info, err := os.Stat(fc.Abs)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", fc.Abs)
	}
	tmp, err := os.CreateTemp(filepath.Dir(fc.Abs), ".kumoguard-fix-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if _, err := w.Write(fc.After); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), fc.Abs)
}

// patchBytes applies the planned edits to the content of one file and
// re-parses the result. It returns nil when nothing changes or when the
// result would not parse: an invalid file is never produced.
func patchBytes(file string, src []byte, ps []*planned) ([]byte, []Change, []edit, []Refusal) {
	after, changes, edits, _, refusals := patchBytesIn(file, src, ps, nil)
	return after, changes, edits, refusals
}

// patchBytesIn is patchBytes with the names of the variables declared
// sensitive (for a tfvars file); it also returns the file's secret values.
// An edit that would touch a secret value is refused: kumoguard neither
// prints nor edits a secret.
func patchBytesIn(file string, src []byte, ps []*planned, sensitiveVars map[string]bool) ([]byte, []Change, []edit, []span, []Refusal) {
	refuse := func(p *planned, err error) Refusal {
		return Refusal{Address: strings.Join(p.change.Addresses, ", "), Location: p.change.Location,
			Why: model.T("Not changed: %v.", "変更しませんでした：%v。", err)}
	}
	kind := fileKind(file, src)
	sf := newSource(file, src)
	spans := secretSpans(kind, sf, sensitiveVars)
	var edits []edit
	var changes []Change
	var refusals []Refusal
	for _, p := range ps {
		var e edit
		var old string
		var err error
		switch {
		case kind == "hcl" && p.change.insert && p.change.call:
			e, err = hclInsertCallArgument(sf, p.change.Location, p.change.Name, p.change.To)
		case kind == "hcl" && p.change.insert && p.change.module != "":
			e, err = hclInsertModuleArgument(sf, p.change.module, p.change.Name, p.change.To)
		case kind == "hcl" && p.change.insert:
			e, err = hclInsertWindow(sf, p.change.Location, p.change.To)
		case kind == "hcl":
			e, old, err = hclSetLiteral(sf, p.change.Location, p.change.To)
		case kind == "cfn" && p.change.insert:
			e, err = cfnInsertWindow(sf, p.change.resource, p.change.Location, p.change.To)
		case p.change.insert:
			err = fmt.Errorf("%s: adding the window to a JSON-syntax Terraform file is not supported; add it by hand", file)
		default:
			e, old, err = setScalar(sf, p.change.Location, p.change.To)
		}
		if err == nil && overlapsSecret(e, spans) {
			l, c := sf.lineCol(e.start)
			refusals = append(refusals, Refusal{Address: strings.Join(p.change.Addresses, ", "), Location: p.change.Location,
				Why: model.T("Not changed: the window at %s:%d:%d is a secret value (a sensitive variable, a NoEcho parameter or a password-like attribute); kumoguard never prints or edits a secret value. Set a non-secret window there by hand.",
					"変更しませんでした：%s:%d:%d のウィンドウはシークレット値（sensitive な変数、NoEcho パラメータ、パスワード類の属性）です。kumoguard はシークレット値を表示も編集もしません。手作業でシークレットでないウィンドウを設定してください。", file, l, c)})
			continue
		}
		if err != nil {
			refusals = append(refusals, refuse(p, err))
			continue
		}
		if old == strconv.FormatInt(p.change.To, 10) || strings.Trim(old, `"'`) == strconv.FormatInt(p.change.To, 10) {
			continue // already set: running fix twice changes nothing
		}
		p.change.From = old
		if p.sensitive {
			p.change.From = "(sensitive value)"
		}
		sl, sc := sf.lineCol(e.start)
		el, ec := sf.lineCol(e.end)
		p.change.Edit = model.TextEdit{File: filepath.ToSlash(file), StartLine: sl, StartColumn: sc, EndLine: el, EndColumn: ec, Insert: e.text}
		edits = append(edits, e)
		changes = append(changes, p.change)
	}
	if len(edits) == 0 {
		return nil, nil, nil, nil, refusals
	}
	if kind == "hcl" {
		// What `terraform fmt` would re-align around the edits is part of
		// the edit, so the written file passes `terraform fmt -check`.
		var at []int
		edits, at = alignTouched(src, file, edits)
		for i := range changes {
			e := edits[at[i]]
			sl, sc := sf.lineCol(e.start)
			el, ec := sf.lineCol(e.end)
			changes[i].Edit = model.TextEdit{File: filepath.ToSlash(file), StartLine: sl, StartColumn: sc, EndLine: el, EndColumn: ec, Insert: e.text}
		}
	}
	after, err := applyEdits(src, edits)
	if err == nil {
		switch kind {
		case "hcl":
			err = checkHCL(after, file)
		case "cfn":
			err = checkCloudFormation(after, file)
		default:
			err = checkJSON(after, file)
		}
	}
	if err != nil {
		for _, p := range ps {
			refusals = append(refusals, refuse(p, fmt.Errorf("the patched file would not parse (%v); nothing written", err)))
		}
		return nil, nil, nil, nil, refusals
	}
	return after, changes, edits, spans, refusals
}

// AttachEdits copies the exact edits of a patch result into the matching
// remediations (same rule and resource), so SARIF can carry them as fixes.
// rems is parallel to findings, as Enrich returns it.
func AttachEdits(findings []model.Finding, rems []model.Remediation, res Result) {
	edits := map[string][]model.TextEdit{}
	for _, fc := range res.Files {
		for _, c := range fc.Changes {
			for _, fp := range c.Fingerprints {
				edits[fp] = append(edits[fp], c.Edit)
			}
		}
	}
	for i, f := range findings {
		if i >= len(rems) || len(rems[i].IaC) == 0 {
			continue
		}
		if e := edits[f.Fingerprint]; len(e) > 0 {
			rems[i].IaC[0].Edits = e
		}
	}
}

// MarkApplied keeps "automatic" honest: an IaC change is automatic only when
// the patch result really makes it. A change `kumoguard fix` refuses (a
// cluster a plan shows to exist, a downloaded module, an expression that is
// not a literal) is marked manual and says why. rems is parallel to findings.
func MarkApplied(findings []model.Finding, rems []model.Remediation, res Result) {
	patched := map[string]bool{}
	for _, fc := range res.Files {
		for _, c := range fc.Changes {
			for _, fp := range c.Fingerprints {
				patched[fp] = true
			}
		}
	}
	why := map[string]model.Text{}
	for _, r := range res.Refusals {
		if _, ok := why[r.Address]; !ok {
			why[r.Address] = r.Why
		}
	}
	for i, f := range findings {
		if i >= len(rems) || patched[f.Fingerprint] {
			continue
		}
		for k := range rems[i].IaC {
			ch := &rems[i].IaC[k]
			if !ch.Automatic || (ch.Kind != model.SourceTerraform && ch.Kind != model.SourceCloudFormation) {
				continue
			}
			ch.Automatic = false
			if rems[i].Path == model.PathSetOrMigrate {
				rems[i].Summary = setOrMigrateSummary(rems[i].TargetWindowSeconds, rems[i].Runbook, false)
			}
			if w, ok := why[f.Resource.Address]; ok {
				rems[i].Notes = append(rems[i].Notes, model.Join(model.T(" ", ""),
					model.T("kumoguard fix does not make this change:", "kumoguard fix はこの変更を行いません："), w))
			}
		}
	}
}
