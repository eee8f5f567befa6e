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
}

func addIaCInputFlags(cmd *cobra.Command, f *iacInputFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.root, "root", "", "directory that report paths are relative to (default: the current directory)")
	fl.StringArrayVar(&f.varFiles, "var-file", nil, "Terraform variable file, applied after terraform.tfvars and *.auto.tfvars (repeatable)")
	fl.StringArrayVar(&f.vars, "var", nil, "Terraform variable as name=value, highest precedence (repeatable)")
	fl.StringArrayVar(&f.parameters, "parameter", nil, "CloudFormation parameter as Key=Value (repeatable)")
	fl.StringArrayVar(&f.parameterFiles, "parameter-file", nil, `CloudFormation parameter file: [{"ParameterKey":..,"ParameterValue":..}] or {"Parameters":{..}} (repeatable)`)
	fl.StringVar(&f.region, "region", "", "AWS Region for AWS::Region in CloudFormation templates (and, with --format asff, of the findings)")
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
	in := scan.IaC{Paths: args, Options: scan.Options{Root: root, VarFiles: f.varFiles, Vars: f.vars, Env: os.Environ(),
		Parameters: f.parameters, ParameterFiles: f.parameterFiles, Region: f.region}}
	if err := in.Check(); err != nil {
		return model.Inventory{}, "", usageErr("%v", err)
	}
	inv, err := in.Load(ctx)
	if err != nil {
		return model.Inventory{}, "", usageErr("%v", err)
	}
	return inv, root, nil
}
