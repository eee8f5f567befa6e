package cli

import (
	"context"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/scan"
)

// iacInputFlags are the flags that say how to read infrastructure as code.
type iacInputFlags struct {
	root           string
	varFiles       []string
	vars           []string
	parameters     []string
	parameterFiles []string
	region         string
	skipDirs       []string
	skipFiles      []string
}

func addIaCInputFlags(cmd *cobra.Command, f *iacInputFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.root, "root", "", "directory that report paths are relative to (default: the current directory)")
	fl.StringArrayVar(&f.varFiles, "var-file", nil, "Terraform variable file, applied after terraform.tfvars and *.auto.tfvars (repeatable)")
	fl.StringArrayVar(&f.vars, "var", nil, "Terraform variable as name=value, highest precedence (repeatable)")
	fl.StringArrayVar(&f.parameters, "parameter", nil, "CloudFormation parameter as Key=Value (repeatable)")
	fl.StringArrayVar(&f.parameterFiles, "parameter-file", nil, `CloudFormation parameter file: [{"ParameterKey":..,"ParameterValue":..}] or {"Parameters":{..}} (repeatable)`)
	fl.StringVar(&f.region, "region", "", "AWS Region for AWS::Region in CloudFormation templates (and, with --format asff, of the findings)")
	fl.StringArrayVar(&f.skipDirs, "skip-dirs", nil, `directories not scanned, as globs relative to --root: "legacy", "envs/*/old", "**/testdata" (repeatable; also .kumoguardignore)`)
	fl.StringArrayVar(&f.skipFiles, "skip-files", nil, `files not scanned, as globs relative to --root: "*.sample.yaml", "envs/dev/*.json" (repeatable)`)
	_ = cmd.RegisterFlagCompletionFunc("region", completeRegions)
}

// loadIaC reads the paths through the scan pipeline's one walk and sources
// (as scan iac, fix and runbook all do), and returns the inventory and the
// absolute root.
func loadIaC(ctx context.Context, args []string, f *iacInputFlags) (model.Inventory, string, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	root := f.root
	var err error
	if root == "" {
		if root, err = os.Getwd(); err != nil {
			return model.Inventory{}, "", fatalErr("%v", err)
		}
	}
	if root, err = filepath.Abs(root); err != nil {
		return model.Inventory{}, "", fatalErr("%v", err)
	}
	if info, err := os.Stat(root); err != nil || !info.IsDir() {
		return model.Inventory{}, "", usageErr(msg("--root %s: no such directory", "--root %s：ディレクトリがありません"), f.root)
	}
	skip, err := f.pathFilter(root)
	if err != nil {
		return model.Inventory{}, "", err
	}
	in := scan.IaC{Paths: args, Options: scan.Options{Root: root, VarFiles: f.varFiles, Vars: f.vars, Env: os.Environ(),
		Parameters: f.parameters, ParameterFiles: f.parameterFiles, Region: f.region}}
	if !skip.empty() {
		in.Options.Skip = skip.skip
	}
	if err := in.Check(); err != nil {
		return model.Inventory{}, "", usageErr("%v", err)
	}
	inv, err := in.Load(ctx)
	if err != nil {
		return model.Inventory{}, "", usageErr("%v", err)
	}
	return filterInventory(inv, skip), root, nil
}

// pathFilter is --skip-dirs, --skip-files and the root's .kumoguardignore.
func (f *iacInputFlags) pathFilter(root string) (pathFilter, error) {
	if err := checkGlobs("--skip-dirs", f.skipDirs); err != nil {
		return pathFilter{}, err
	}
	if err := checkGlobs("--skip-files", f.skipFiles); err != nil {
		return pathFilter{}, err
	}
	p, err := readIgnoreFile(root)
	if err != nil {
		return p, err
	}
	p.dirs = append(p.dirs, f.skipDirs...)
	p.files = append(p.files, f.skipFiles...)
	return p, nil
}
