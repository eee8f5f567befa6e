package fix

import (
	"fmt"
	"regexp"
	"strconv"

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
	def, has := definition(f.Provenance)
	if !has {
		def = model.Origin{Kind: model.OriginAttribute, Location: f.Location}
	}
	ch := model.IaCChange{Kind: kind, Location: def.Location, Automatic: true}
	switch kind {
	case model.SourceTerraform:
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
