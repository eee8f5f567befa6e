package fix

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// definition is the last step of a value's provenance: the place that
// finally defines it, which is where a fixer edits (model.Origin).
func definition(prov []model.Origin) (model.Origin, bool) {
	if len(prov) == 0 {
		return model.Origin{}, false
	}
	return prov[len(prov)-1], true
}

// iacChange describes the edit that sets the window to target for a finding
// on infrastructure as code, following the finding's provenance.
func iacChange(f model.Finding, target int64) []model.IaCChange {
	kind := f.Resource.Kind
	addr := f.Resource.Address
	pl := placeOf(f.Provenance)
	def, has := pl.def, pl.has
	if !has {
		def = model.Origin{Kind: model.OriginAttribute, Location: f.Location}
	}
	ch := model.IaCChange{Kind: kind, Location: def.Location, Automatic: true}
	switch kind {
	case model.SourceTerraform:
		switch {
		case def.Expression != "":
			return []model.IaCChange{computedChange(ch, f, f.Provenance, target)}
		case def.Kind == model.OriginModuleCall:
			return []model.IaCChange{moduleCallChange(ch, f, pl, target)}
		}
		switch def.Kind {
		case model.OriginAttribute:
			ch.Snippet = fmt.Sprintf("backtrack_window = %d # %s", target, model.FormatDuration(target))
			if has {
				ch.Description = model.Text{
					EN: fmt.Sprintf("Set backtrack_window = %d on %s.", target, addr),
					JA: fmt.Sprintf("%s の backtrack_window を %d にします。", addr, target)}
			} else {
				ch.Description = model.Text{
					EN: fmt.Sprintf("Add backtrack_window = %d to %s (it is not set, and the default is 0).", target, addr),
					JA: fmt.Sprintf("%s に backtrack_window = %d を追加します（未設定で、既定値は 0 です）。", addr, target)}
			}
		case model.OriginVariableDefault, model.OriginVarFile, model.OriginLocal, model.OriginModuleArgument:
			if def.Key == "" {
				ch = namedValueChange(ch, def, target)
				break
			}
			// One entry of a map or object: the entry is what changes.
			ch.Snippet = fmt.Sprintf("%s = %d # %s", hclKey(def.Key), target, model.FormatDuration(target))
			ch.Description = model.Text{
				EN: fmt.Sprintf("The window comes from the entry %q of %s: set it to %d.", def.Key, originLabel(def).EN, target),
				JA: fmt.Sprintf("ウィンドウは %s のエントリ %q から来ています。%d にします。", originLabel(def).JA, def.Key, target)}
		case model.OriginVarFlag:
			ch.Automatic = false
			ch.Snippet = fmt.Sprintf("-var %s=%d", def.Name, target)
			ch.Description = model.Text{
				EN: fmt.Sprintf("The window comes from --var %s on the command line: pass %d instead (kumoguard cannot edit a command line).", def.Name, target),
				JA: fmt.Sprintf("ウィンドウはコマンドラインの --var %s から来ています。代わりに %d を渡してください（コマンドラインは kumoguard では編集できません）。", def.Name, target)}
		case model.OriginEnvironment:
			ch.Automatic = false
			ch.Snippet = fmt.Sprintf("TF_VAR_%s=%d", def.Name, target)
			ch.Description = model.Text{
				EN: fmt.Sprintf("The window comes from the environment variable TF_VAR_%s: set it to %d where it is defined (CI settings, shell profile).", def.Name, target),
				JA: fmt.Sprintf("ウィンドウは環境変数 TF_VAR_%s から来ています。定義している場所（CI の設定、シェルの設定）で %d にしてください。", def.Name, target)}
		default:
			ch.Automatic = false
			ch.Snippet = fmt.Sprintf("backtrack_window = %d # %s", target, model.FormatDuration(target))
			ch.Description = model.Text{
				EN: fmt.Sprintf("Set the window of %s to %d where it is defined (%s).", addr, target, def.Location),
				JA: fmt.Sprintf("%s のウィンドウを定義箇所（%s）で %d にします。", addr, def.Location, target)}
		}
	case model.SourceCloudFormation:
		switch def.Kind {
		case model.OriginParameterDefault:
			ch.Snippet = fmt.Sprintf("Parameters:\n  %s:\n    Default: %d", def.Name, target)
			ch.Description = model.Text{
				EN: fmt.Sprintf("The window comes from the Default of parameter %s: set it to %d. Stacks that pass their own value for %s keep it.", def.Name, target, def.Name),
				JA: fmt.Sprintf("ウィンドウはパラメータ %s の Default から来ています。%d にします。%s に独自の値を渡しているスタックはその値のままです。", def.Name, target, def.Name)}
		case model.OriginParameterFile, model.OriginParameterFlag:
			ch.Automatic = false
			ch.Snippet = fmt.Sprintf("%s=%d", def.Name, target)
			ch.Description = model.Text{
				EN: fmt.Sprintf("The window comes from the stack parameter %s: deploy with %s=%d.", def.Name, def.Name, target),
				JA: fmt.Sprintf("ウィンドウはスタックパラメータ %s から来ています。%s=%d でデプロイしてください。", def.Name, def.Name, target)}
		case model.OriginMapping:
			ch.Automatic = false
			ch.Snippet = fmt.Sprintf("%d", target)
			ch.Description = model.Text{
				EN: fmt.Sprintf("The window comes from the mapping %s (%s): set that entry to %d; check what else reads it.", def.Name, def.Location, target),
				JA: fmt.Sprintf("ウィンドウはマッピング %s（%s）から来ています。その値を %d にしてください。ほかに参照している箇所も確認してください。", def.Name, def.Location, target)}
		default:
			ch.Snippet = fmt.Sprintf("BacktrackWindow: %d", target)
			if has {
				ch.Description = model.Text{
					EN: fmt.Sprintf("Set BacktrackWindow: %d on %s.", target, addr),
					JA: fmt.Sprintf("%s の BacktrackWindow を %d にします。", addr, target)}
			} else {
				ch.Description = model.Text{
					EN: fmt.Sprintf("Add BacktrackWindow: %d to the Properties of %s (it is not set, and the default is 0).", target, addr),
					JA: fmt.Sprintf("%s の Properties に BacktrackWindow: %d を追加します（未設定で、既定値は 0 です）。", addr, target)}
			}
		}
	case model.SourceTerraformPlan:
		// A plan is generated: the change goes into the configuration it came from.
		ch.Automatic = false
		ch.Snippet = fmt.Sprintf("backtrack_window = %d # %s", target, model.FormatDuration(target))
		ch.Description = model.Text{
			EN: fmt.Sprintf("Set backtrack_window = %d on %s in the Terraform configuration, then plan again (run `kumoguard fix` on the configuration).", target, addr),
			JA: fmt.Sprintf("Terraform 構成の %s に backtrack_window = %d を設定し、もう一度 plan してください（構成に対して `kumoguard fix` を実行できます）。", addr, target)}
	default:
		return nil
	}
	if kind == model.SourceTerraform {
		ch = viaModule(ch, f, pl)
	}
	return []model.IaCChange{ch}
}

// namedValueChange is the change of a whole variable default, tfvars
// assignment, local or module argument.
func namedValueChange(ch model.IaCChange, def model.Origin, target int64) model.IaCChange {
	switch def.Kind {
	case model.OriginVariableDefault:
		ch.Snippet = fmt.Sprintf("variable %q {\n  default = %d # %s\n}", def.Name, target, model.FormatDuration(target))
		ch.Description = model.Text{
			EN: fmt.Sprintf("The window comes from the default of variable %q: set it to %d. Every resource using var.%s gets the new value.", def.Name, target, def.Name),
			JA: fmt.Sprintf("ウィンドウは変数 %q の既定値から来ています。%d にします。var.%s を使うすべてのリソースが新しい値になります。", def.Name, target, def.Name)}
	case model.OriginVarFile:
		ch.Snippet = fmt.Sprintf("%s = %d # %s", def.Name, target, model.FormatDuration(target))
		ch.Description = model.Text{
			EN: fmt.Sprintf("The window comes from %s in the variable file %s: set it to %d.", def.Name, def.Location.File, target),
			JA: fmt.Sprintf("ウィンドウは変数ファイル %s の %s から来ています。%d にします。", def.Location.File, def.Name, target)}
	case model.OriginLocal:
		ch.Snippet = fmt.Sprintf("locals {\n  %s = %d # %s\n}", def.Name, target, model.FormatDuration(target))
		ch.Description = model.Text{
			EN: fmt.Sprintf("The window comes from local.%s: set it to %d.", def.Name, target),
			JA: fmt.Sprintf("ウィンドウは local.%s から来ています。%d にします。", def.Name, target)}
	case model.OriginModuleArgument:
		ch.Snippet = fmt.Sprintf("%s = %d # %s", def.Name, target, model.FormatDuration(target))
		ch.Description = model.Text{
			EN: fmt.Sprintf("The window comes from the module argument %s: set it to %d in the module call.", def.Name, target),
			JA: fmt.Sprintf("ウィンドウはモジュール引数 %s から来ています。モジュール呼び出しで %d にします。", def.Name, target)}
	}
	return ch
}

// originLabel names a named value as the remediation mentions it.
func originLabel(def model.Origin) model.Text {
	switch def.Kind {
	case model.OriginVariableDefault:
		return model.T("the default of variable %q", "変数 %q の既定値", def.Name)
	case model.OriginVarFile:
		return model.T("%s in the variable file %s", "変数ファイル %[2]s の %[1]s", def.Name, def.Location.File)
	case model.OriginLocal:
		return model.T("local.%s", "local.%s", def.Name)
	}
	return model.T("the module argument %s", "モジュール引数 %s", def.Name)
}

// hclKey writes a map key as HCL needs it: bare when it is an identifier,
// quoted otherwise.
func hclKey(k string) string {
	if hclIdentifier.MatchString(k) {
		return k
	}
	return strconv.Quote(k)
}

var hclIdentifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// moduleOf is the module instance a Terraform address is in
// ("module.db" of "module.db.aws_rds_cluster.this"), "" for a root resource.
func moduleOf(addr string) string {
	if !strings.HasPrefix(addr, "module.") {
		return ""
	}
	if i := strings.LastIndex(addr, ".aws_"); i > 0 {
		return addr[:i]
	}
	return ""
}

// rootName names a root module directory in a sentence.
func rootName(root string) string {
	if root == "" || root == "." {
		return "."
	}
	return root
}

// viaModule adds where a value set in the root enters the module that uses
// it, so a person sees both places: the edit changes that root's
// environment only, and the shared module stays as it is.
func viaModule(ch model.IaCChange, f model.Finding, pl editPlace) model.IaCChange {
	mod := moduleOf(f.Resource.Address)
	if !pl.hasThrough || mod == "" || !inRoot(pl.def.Location.File, f.Resource.Root) || pl.use.Location.File == "" {
		return ch
	}
	ch.Description = model.Join(model.T(" ", ""), ch.Description, model.T(
		"It enters %s through its input %s (used at %s): the change is in the root %s, so only that environment changes, not the shared module.",
		"値は %s の入力 %s から入ります（%s で使用）。変更はルート %s 内なので、変わるのはその環境だけで、共有モジュールは変わりません。",
		mod, pl.through.Name, pl.use.Location, rootName(f.Resource.Root)))
	return ch
}

// moduleCallChange is the change of a window that comes from a module's
// variable default which the root's module call leaves unset: the call gets
// the argument, so that environment changes and the module's default (every
// caller's) stays.
func moduleCallChange(ch model.IaCChange, f model.Finding, pl editPlace, target int64) model.IaCChange {
	call, dflt := pl.def, pl.dflt
	mod := moduleOf(f.Resource.Address)
	ch.Location = call.Location
	ch.Snippet = fmt.Sprintf("%s = %d # %s", call.Name, target, model.FormatDuration(target))
	switch {
	case dflt.Key != "":
		ch.Automatic = false
		ch.Description = model.T(
			"The window comes from the entry %q of the default of variable %q in the module's code (%s), shared by every caller; the module call at %s does not set %s. Pass %s in that call with the entry %q set to %d (kumoguard does not write a whole map): only the root %s changes.",
			"ウィンドウはモジュールのコード内の変数 %[2]q の既定値のエントリ %[1]q（%[3]s）から来ており、すべての呼び出し元で共有されています。%[4]s のモジュール呼び出しは %[5]s を設定していません。その呼び出しで %[6]s を渡し、エントリ %[7]q を %[8]d にしてください（kumoguard はマップ全体は書きません）。変わるのはルート %[9]s だけです。",
			dflt.Key, dflt.Name, dflt.Location, call.Location, call.Name, call.Name, dflt.Key, target, rootName(f.Resource.Root))
	case !inRoot(call.Location.File, f.Resource.Root):
		ch.Automatic = false
		ch.Description = model.T(
			"The window comes from the default of variable %q (%s), and the module call that leaves it unset (%s) is itself inside a module shared by every root that uses it: setting %s there would change all of them. Give that module an input for the window, pass it on to this call, and set it in the root %s.",
			"ウィンドウは変数 %[1]q の既定値（%[2]s）から来ていますが、それを設定していないモジュール呼び出し（%[3]s）自体が、それを使うすべてのルートで共有されるモジュールの中にあります。そこで %[4]s を設定するとすべてが変わります。そのモジュールにウィンドウの入力を追加してこの呼び出しに渡し、ルート %[5]s で設定してください。",
			dflt.Name, dflt.Location, call.Location, call.Name, rootName(f.Resource.Root))
	default:
		ch.Description = model.T(
			"The window comes from the default of variable %q in the code of %s (%s), which every caller of the module shares; the module call at %s does not set it. Add %s = %d to that call: only the root %s changes, and the module stays as it is.",
			"ウィンドウは %[2]s のコード内の変数 %[1]q の既定値（%[3]s）から来ており、モジュールのすべての呼び出し元で共有されています。%[4]s のモジュール呼び出しはこれを設定していません。その呼び出しに %[5]s = %[6]d を追加してください。変わるのはルート %[7]s だけで、モジュールはそのままです。",
			dflt.Name, mod, dflt.Location, call.Location, call.Name, target, rootName(f.Resource.Root))
	}
	return ch
}

// computedChange is the change of a window an expression computes
// (local.window = var.hours * 3600). kumoguard does not rewrite an
// expression. When the expression is a sum or product of one input and
// constants and the provenance leads to where that input is set, the change
// names the input and the value it needs; otherwise it says what the
// expression must give.
func computedChange(ch model.IaCChange, f model.Finding, prov []model.Origin, target int64) model.IaCChange {
	ch.Automatic = false
	i := 0
	for i < len(prov) && prov[i].Expression == "" {
		i++
	}
	at := prov[i]
	ch.Location = at.Location
	label := computedLabel(at)
	rest := prov[i+1:]
	plain := true
	for _, o := range rest {
		if o.Expression != "" {
			plain = false
		}
	}
	if _, fn, ok := affineOf(at.Expression); ok && plain && len(rest) > 0 {
		if x, gives, ok := fn.inputFor(target); ok {
			in := placeOf(rest)
			if snippet, set, ok := setInput(in, x); ok {
				ch.Location = in.def.Location
				ch.Snippet = snippet
				ch.Description = tr(
					"The window is computed by %s (%s, %s): %s, so that it gives %d (%s). Make this change by hand (kumoguard fix does not rewrite an expression or its input, which other code may read); only the root %s changes.",
					"ウィンドウは %[2]s（%[3]s）の式 %[1]s で計算されています：%[4]s。これで %[5]d（%[6]s）になります。この変更は手作業で行ってください（kumoguard fix は式もその入力も書き換えません。入力は他のコードが読んでいる可能性があります）。変わるのはルート %[7]s だけです。",
					at.Expression, label, at.Location, set, gives, model.FormatDuration(gives), rootName(f.Resource.Root))
				if !inRoot(in.def.Location.File, f.Resource.Root) {
					ch.Description = tr(
						"The window is computed by %s (%s, %s): %s would give %d (%s), but that input is set in a module shared by other roots. Change it by hand where it changes this environment only (kumoguard fix does not rewrite an expression or its input).",
						"ウィンドウは %[2]s（%[3]s）の式 %[1]s で計算されています：%[4]s。これで %[5]d（%[6]s）になりますが、この入力は他のルートと共有されるモジュール内で設定されています。この環境だけが変わる場所で手作業で変更してください（kumoguard fix は式もその入力も書き換えません）。",
						at.Expression, label, at.Location, set, gives, model.FormatDuration(gives))
				}
				return ch
			}
		}
	}
	ch.Snippet = fmt.Sprintf("# %s must give %d (%s)", label.EN, target, model.FormatDuration(target))
	ch.Description = tr(
		"The window is computed by the expression %s (%s, %s): it must give %d (%s). Change the expression or its inputs by hand (kumoguard fix does not rewrite an expression).",
		"ウィンドウは %[2]s（%[3]s）の式 %[1]s で計算されています。この式の結果が %[4]d（%[5]s）になる必要があります。式またはその入力を手作業で変更してください（kumoguard fix は式を書き換えません）。",
		at.Expression, label, at.Location, target, model.FormatDuration(target))
	return ch
}

// computedLabel names the place an expression computes the window.
func computedLabel(o model.Origin) model.Text {
	switch o.Kind {
	case model.OriginLocal:
		return tr("local.%s", "local.%s", o.Name)
	case model.OriginModuleArgument:
		return tr("the module argument %s", "モジュール引数 %s", o.Name)
	case model.OriginVariableDefault:
		return tr("the default of variable %q", "変数 %q の既定値", o.Name)
	case model.OriginAttribute:
		return tr("%s", "%s", o.Name)
	}
	if o.Name != "" {
		return tr("%s", "%s", o.Name)
	}
	return tr("the expression", "式")
}

// setInput says how to give an expression's input the value x where the
// provenance says it is set: the snippet and the instruction.
func setInput(in editPlace, x int64) (string, model.Text, bool) {
	d := in.def
	name := d.Name
	if d.Key != "" {
		return fmt.Sprintf("%s = %d", hclKey(d.Key), x), model.T(
			"set the entry %q of %s to %d (%s)", "%[2]s のエントリ %[1]q を %[3]d にします（%[4]s）",
			d.Key, originLabel(d), x, d.Location), true
	}
	switch d.Kind {
	case model.OriginVarFile:
		return fmt.Sprintf("%s = %d", name, x), model.T("set %s = %d in %s (line %d)", "%[3]s（%[4]d 行目）で %[1]s = %[2]d にします",
			name, x, d.Location.File, d.Location.Line), true
	case model.OriginVariableDefault:
		return fmt.Sprintf("variable %q {\n  default = %d\n}", name, x), model.T("set the default of variable %q to %d (%s)",
			"変数 %q の既定値を %d にします（%s）", name, x, d.Location), true
	case model.OriginModuleArgument:
		return fmt.Sprintf("%s = %d", name, x), model.T("set %s = %d in the module call (%s)", "モジュール呼び出し（%[3]s）で %[1]s = %[2]d にします",
			name, x, d.Location), true
	case model.OriginModuleCall:
		return fmt.Sprintf("%s = %d", name, x), model.T("add %s = %d to the module call (%s)", "モジュール呼び出し（%[3]s）に %[1]s = %[2]d を追加します",
			name, x, d.Location), true
	case model.OriginLocal:
		return fmt.Sprintf("%s = %d", name, x), model.T("set local.%s = %d (%s)", "local.%s を %d にします（%s）", name, x, d.Location), true
	case model.OriginVarFlag:
		return fmt.Sprintf("-var %s=%d", name, x), model.T("pass --var %s=%d", "--var %s=%d を渡します", name, x), true
	case model.OriginEnvironment:
		return fmt.Sprintf("%s=%d", name, x), model.T("set %s=%d where it is defined (CI settings, shell profile)",
			"定義している場所（CI の設定、シェルの設定）で %s=%d にします", name, x), true
	}
	return "", model.Text{}, false
}
