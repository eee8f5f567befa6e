package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/source/cloudformation"
	"github.com/kumoguard/kumoguard/internal/source/terraform"
	"github.com/kumoguard/kumoguard/internal/source/tfplan"
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
	fl.StringVar(&f.region, "region", "", "AWS Region for AWS::Region in CloudFormation templates")
}

// loadIaC reads the paths with the same discovery and sources as
// `scan iac`, and returns the inventory and the absolute root.
func loadIaC(args []string, f *iacInputFlags) (model.Inventory, string, error) {
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
	for _, p := range args {
		if _, err := os.Stat(p); err != nil {
			return model.Inventory{}, "", usageErr("%s: no such file or directory", p)
		}
	}
	for _, vf := range append(append([]string{}, f.varFiles...), f.parameterFiles...) {
		if _, err := os.Stat(vf); err != nil {
			return model.Inventory{}, "", usageErr("%s: no such file", vf)
		}
	}
	for _, v := range f.vars {
		if !strings.Contains(v, "=") {
			return model.Inventory{}, "", usageErr("--var %q: expected name=value", v)
		}
	}
	for _, v := range f.parameters {
		if !strings.Contains(v, "=") {
			return model.Inventory{}, "", usageErr("--parameter %q: expected Key=Value", v)
		}
	}
	found, inv := discover(args, root)
	if len(found.terraformPaths) > 0 {
		inv.Merge(terraform.Scan(found.terraformPaths, terraform.Options{Root: root, VarFiles: f.varFiles, Vars: f.vars, Env: os.Environ()}))
	}
	for _, p := range found.plans {
		inv.Merge(tfplan.Load(p.path, p.data, tfplan.Options{Root: root}))
	}
	if len(found.templates) > 0 {
		inv.Merge(cloudformation.Scan(found.templates, cloudformation.Options{Root: root,
			Parameters: f.parameters, ParameterFiles: f.parameterFiles, Region: f.region}))
	}
	return inv, root, nil
}

type planFile struct {
	path string
	data []byte
}

type discovered struct {
	terraformPaths []string
	plans          []planFile
	templates      []string
}

// maxInputBytes bounds what kumoguard reads as one JSON/YAML input: larger
// files are reported, not read (a plan of 5,000 clusters is about 20 MB).
const maxInputBytes = 256 << 20

// discover walks the paths once and sorts inputs by kind. Terraform
// directories go to the Terraform source, which finds root modules itself;
// JSON and YAML files are classified by content, whatever their name.
func discover(paths []string, root string) (discovered, model.Inventory) {
	var d discovered
	var inv model.Inventory
	seenTF := map[string]bool{}
	rel := func(p string) string {
		abs, err := filepath.Abs(p)
		if err != nil {
			return filepath.ToSlash(p)
		}
		if r, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(abs)
	}
	readErr := func(p string, err error) {
		inv.Diagnostics = append(inv.Diagnostics, model.Diagnostic{
			Status: model.StatusError, Reason: model.ReasonReadError, Location: model.Location{File: rel(p)},
			Message: model.T("Could not read %s: %v.", "%s を読み取れませんでした：%v。", rel(p), err),
		})
	}
	classify := func(p string, explicit bool) {
		ext := strings.ToLower(filepath.Ext(p))
		switch ext {
		case ".tf", ".tfvars":
			dir := filepath.Dir(p)
			if ext == ".tf" && !seenTF[dir] {
				seenTF[dir] = true
				d.terraformPaths = append(d.terraformPaths, p)
			}
			return
		case ".json", ".yaml", ".yml", ".template", ".cfn", ".tpl":
		default:
			if !explicit {
				return
			}
		}
		info, err := os.Stat(p)
		if err != nil {
			readErr(p, err)
			return
		}
		if info.Size() > maxInputBytes {
			readErr(p, fmt.Errorf("file is %d bytes, above the %d-byte limit", info.Size(), maxInputBytes))
			return
		}
		data, err := os.ReadFile(p)
		if err != nil {
			readErr(p, err)
			return
		}
		switch {
		case tfplan.IsPlan(data):
			d.plans = append(d.plans, planFile{path: p, data: data})
		case cloudformation.IsTemplate(data):
			d.templates = append(d.templates, p)
		case explicit:
			inv.Diagnostics = append(inv.Diagnostics, model.Diagnostic{
				Status: model.StatusError, Reason: model.ReasonParseError, Location: model.Location{File: rel(p)},
				Message: model.T("%s is neither Terraform, Terraform plan JSON (terraform show -json) nor a CloudFormation template.",
					"%s は Terraform、Terraform プラン JSON（terraform show -json）、CloudFormation テンプレートのいずれでもありません。", rel(p)),
			})
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			readErr(p, err)
			continue
		}
		if !info.IsDir() {
			classify(p, true)
			continue
		}
		err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				readErr(path, err)
				if e != nil && e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if e.IsDir() {
				if path != p && skipDir(e.Name()) {
					return fs.SkipDir
				}
				return nil
			}
			if e.Type()&fs.ModeSymlink != 0 {
				return nil
			}
			classify(path, false)
			return nil
		})
		if err != nil && !errors.Is(err, fs.SkipDir) {
			readErr(p, err)
		}
	}
	// The Terraform source is given directories, not single files, except
	// where the user named a .tf file.
	for i, p := range d.terraformPaths {
		if info, err := os.Stat(p); err == nil && !info.IsDir() && !isExplicit(p, paths) {
			d.terraformPaths[i] = filepath.Dir(p)
		}
	}
	sort.Strings(d.terraformPaths)
	sort.Strings(d.templates)
	sort.Slice(d.plans, func(i, j int) bool { return d.plans[i].path < d.plans[j].path })
	return d, inv
}

func isExplicit(p string, paths []string) bool {
	for _, q := range paths {
		if filepath.Clean(q) == filepath.Clean(p) {
			return true
		}
	}
	return false
}

// skipDir names directories never scanned: VCS metadata, Terraform's
// download cache, dependencies and other hidden directories. cdk.out is kept.
func skipDir(name string) bool {
	switch name {
	case ".terraform", ".git", ".hg", ".svn", "node_modules", "vendor", "__pycache__", ".venv":
		return true
	}
	return strings.HasPrefix(name, ".") && name != "." && name != ".."
}
