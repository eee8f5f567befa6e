package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/fix"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/scan"
)

func init() { topCommands = append(topCommands, newFixCommand) }

type fixFlags struct {
	iacInputFlags
	write      bool
	check      bool
	minWindow  string
	configPath string
	checkAWS   bool
	aws        awsFlags
	// allowOutsideRoot lets fix edit files outside the write root.
	allowOutsideRoot bool
}

func newFixCommand(g *globalFlags) *cobra.Command {
	f := &fixFlags{}
	cmd := &cobra.Command{
		Use:   "fix [PATH...]",
		Short: "Fix backtrack windows in Terraform and CloudFormation: show the diff, or --write it",
		Long: `Fix the backtrack window of Aurora MySQL clusters in infrastructure as code.

kumoguard scans the paths like "scan iac", then for every failing cluster sets the window where it is
defined, following the value's provenance: the backtrack_window attribute (added when missing), the
default of the variable it comes from, the tfvars assignment, the local or the module argument; for
CloudFormation the BacktrackWindow property (added when missing) or the parameter Default it comes from.
Comments, key order, indentation and alignment are kept: only the number changes or one line is added.

The window written is --min-window (default 86400 s = 24 h). A window of 1..72 most likely means hours
written as seconds (backtrack_window = 72 is 72 seconds): it becomes hours × 3600 (at most 259200 = 72 h)
when that is larger.
Each diff starts with a "# kumoguard fix:" line that says what is set and why.

Without --write the unified diff is printed and nothing changes. Every patched file is re-parsed
before it is shown or written, so an invalid file is never produced; running fix twice changes nothing.
The diff applies with git apply and patch -p1. A secret value (the literal of a password, secret or token
attribute, the default or tfvars value of a variable declared sensitive, a NoEcho parameter's Default) is
never printed: the hunk's context stops before it, and a change right next to one is shown as a masked
comment for --write to make.

What fix never touches: files outside --root (default: the repository holding the current directory, or the
current directory; --allow-outside-root to allow); a module that terraform init downloads (registry, git,
https, s3, ... decided by the module call's source; set its input from the caller instead); a symbolic link
itself (its target is written when under the root); a definition shared with clusters this fix does not
cover or of another engine (a module used by an Aurora PostgreSQL call); a number inside a conditional or
another expression (a feature flag's disabled branch); a secret value.

Backtrack can only be enabled when a cluster is created. When a plan JSON among the paths shows the
cluster already exists without backtrack, or --check-aws finds it in AWS without backtrack, fix refuses
the edit (the apply would fail) and points to "kumoguard runbook" for the migration. AWS documents the
rule at https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html`,
		Example: `  # Show what would change
  kumoguard fix envs/prod

  # Apply it, with a 48-hour minimum
  kumoguard fix envs/prod --min-window 48h --write

  # With a plan: clusters that already exist without backtrack are refused, not edited
  terraform show -json tfplan > plan.json && kumoguard fix . plan.json`,
		RunE: func(cmd *cobra.Command, args []string) error { return runFix(cmd, g, f, args) },
	}
	addIaCInputFlags(cmd, &f.iacInputFlags)
	fl := cmd.Flags()
	fl.BoolVarP(&f.write, "write", "w", false, "write the changes to the files (default: print the diff only)")
	fl.BoolVar(&f.check, "check", false, "exit 1 when a change is pending (print the diff, write nothing): for CI, like terraform fmt -check")
	fl.StringVar(&f.minWindow, "min-window", "", "window to write: 24h, 86400s, 1d (default 24h, at most 72h)")
	fl.StringVar(&f.configPath, "config", "", "kumoguard.yaml with settings and suppressions (default ./kumoguard.yaml when present)")
	fl.BoolVar(&f.allowOutsideRoot, "allow-outside-root", false, "allow edits of files outside --root (default root: the repository holding the current directory, or the current directory), such as a local module \"../../elsewhere\" or a symbolic link to a file outside")
	fl.BoolVar(&f.checkAWS, "check-aws", false, "before adding a window, look each cluster up in AWS (DescribeDBClusters, read-only) and refuse the edit when it exists without backtrack")
	addAWSFlags(cmd, &f.aws, awsFlagsUsage{prefix: "with --check-aws: "}) // after the IaC flags: shares their --region
	return cmd
}

// liveCounterparts looks up, read-only, the live cluster of every IaC
// cluster with a known identifier and no window: a live cluster without
// backtrack makes fix refuse the edit, because AWS enables backtrack only
// when a cluster is created. Clusters not found in AWS are not created yet,
// and the edit goes ahead.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
func liveCounterparts(ctx context.Context, f *fixFlags, inv model.Inventory) ([]model.Cluster, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := f.aws.config(ctx, f.region)
	if err != nil {
		return nil, usageErr("--check-aws: %v", err)
	}
	var out []model.Cluster
	seen := map[string]bool{}
	for _, c := range inv.Clusters {
		if c.Source != model.SourceTerraform && c.Source != model.SourceCloudFormation {
			continue
		}
		if w, ok := c.BacktrackWindow.Get(); c.Name == "" || seen[c.Name] || (ok && w > 0) {
			continue
		}
		seen[c.Name] = true
		live, err := scan.LiveCluster(ctx, cfg, c.Name)
		if errors.Is(err, scan.ErrClusterNotFound) {
			continue
		}
		if err != nil {
			return nil, fatalErr("--check-aws: reading %s: %v", c.Name, err)
		}
		out = append(out, live)
	}
	return out, nil
}

// writeRoot is the directory fix may edit under: --root when given, else
// the repository holding the current directory (the nearest ancestor with
// .git), else the current directory.
func writeRoot(root string) string {
	if root != "" {
		if abs, err := filepath.Abs(root); err == nil {
			return abs
		}
		return root
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return wd
		}
		d = parent
	}
}

func runFix(cmd *cobra.Command, g *globalFlags, f *fixFlags, args []string) error {
	rf := reportFlags{format: "table", minWindow: f.minWindow, configPath: f.configPath}
	s, err := rf.resolve(g, cmd.OutOrStdout())
	if err != nil {
		return err
	}
	inv, root, err := loadIaC(cmd.Context(), args, &f.iacInputFlags)
	if err != nil {
		return err
	}
	if f.checkAWS {
		live, err := liveCounterparts(cmd.Context(), f, inv)
		if err != nil {
			return err
		}
		inv.Clusters = append(inv.Clusters, live...)
	}
	findings := scan.Findings(inv, s.scanSettings())
	res, err := fix.Patches(findings, inv, fix.PatchOptions{Root: root, WriteRoot: writeRoot(f.root), AllowOutsideRoot: f.allowOutsideRoot})
	if err != nil {
		return fatalErr("%v", err)
	}
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	fmt.Fprint(out, res.Render(s.lang))
	msg := func(en, ja string, a ...any) {
		fmt.Fprintln(errw, model.T(en, ja, a...).In(s.lang))
	}
	broken := 0
	for _, fd := range findings {
		if fd.Cluster == nil && fd.Status == model.StatusError && fd.Resolution != nil && fd.Resolution.Step == model.StepFixInput {
			broken++
		}
	}
	if broken > 0 {
		msg("kumoguard: %d input(s) could not be read and were not fixed; run \"kumoguard scan iac\" for details.",
			"kumoguard: %d 件の入力を読み取れず、修正していません。詳細は \"kumoguard scan iac\" で確認してください。", broken)
	}
	if len(res.Files) == 0 {
		msg("kumoguard: nothing to change.", "kumoguard: 変更はありません。")
		return nil
	}
	if !f.write || f.check {
		msg("kumoguard: %d file(s) would change; run again with --write to apply.",
			"kumoguard: %d 個のファイルが変更されます。適用するには --write を付けて再実行してください。", len(res.Files))
		if f.check {
			return &ExitError{Code: ExitFindings}
		}
		return nil
	}
	for _, fc := range res.Files {
		if err := fc.Write(); err != nil {
			return fatalErr("writing %s: %v", fc.Path, err)
		}
		msg("kumoguard: wrote %s (%d change(s)).", "kumoguard: %s を書き込みました（%d 件の変更）。", fc.Path, len(fc.Changes))
	}
	return nil
}
