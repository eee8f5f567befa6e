package scan

import (
	"context"
	"path/filepath"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/source/cloudformation"
	"github.com/kumoguard/kumoguard/internal/source/terraform"
	"github.com/kumoguard/kumoguard/internal/source/tfplan"
)

// Sources are the infrastructure-as-code sources, in the order they are
// asked to detect a file.
func Sources() []Source {
	return []Source{terraformSource{}, planSource{}, templateSource{}}
}

// terraformSource reads Terraform configuration: every directory holding a
// .tf or .tf.json file (root modules are told apart from the modules they
// call by the source itself).
type terraformSource struct{}

func (terraformSource) Kind() model.SourceKind { return model.SourceTerraform }

func (terraformSource) Detect(name string, data []byte) bool {
	return data == nil && terraform.IsConfigFile(name)
}

func (terraformSource) Load(ctx context.Context, files []File, o Options) model.Inventory {
	dirs := make([]string, 0, len(files))
	for _, f := range files {
		dirs = append(dirs, filepath.Dir(f.Path))
	}
	return terraform.Load(ctx, dirs, terraform.Options{Root: o.Root, VarFiles: o.VarFiles, Vars: o.Vars, Env: o.Env})
}

// planSource reads Terraform plan JSON (terraform show -json), by content.
type planSource struct{}

func (planSource) Kind() model.SourceKind { return model.SourceTerraformPlan }

func (planSource) Detect(_ string, data []byte) bool { return data != nil && tfplan.IsPlan(data) }

func (planSource) Load(ctx context.Context, files []File, o Options) model.Inventory {
	var inv model.Inventory
	for i, f := range files {
		if ctx.Err() != nil {
			inv.Diagnostics = append(inv.Diagnostics, interrupted(ctx, "Terraform plan files", "Terraform プランファイル", len(files)-i, len(files)))
			break
		}
		inv.Merge(tfplan.Load(f.Path, f.Data, tfplan.Options{Root: o.Root}))
	}
	return inv
}

// templateSource reads CloudFormation templates (also SAM and cdk.out), by
// content.
type templateSource struct{}

func (templateSource) Kind() model.SourceKind { return model.SourceCloudFormation }

func (templateSource) Detect(_ string, data []byte) bool {
	return data != nil && cloudformation.IsTemplate(data)
}

func (templateSource) Load(ctx context.Context, files []File, o Options) model.Inventory {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	return cloudformation.Load(ctx, paths, cloudformation.Options{Root: o.Root,
		Parameters: o.Parameters, ParameterFiles: o.ParameterFiles, Region: o.Region})
}

// interrupted is the diagnostic of inputs left unread when a scan stops.
func interrupted(ctx context.Context, whatEN, whatJA string, n, total int) model.Diagnostic {
	return model.Diagnostic{Status: model.StatusUnknown, Reason: model.ReasonScanInterrupted,
		Message: model.T("The scan was interrupted (%[1]v): %[2]d of %[3]d %[4]s were not read.",
			"スキャンが中断されました（%[1]v）。%[5]s %[2]d / %[3]d 個を読み取っていません。", context.Cause(ctx), n, total, whatEN, whatJA)}
}
