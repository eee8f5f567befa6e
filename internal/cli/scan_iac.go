package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/awsapi"
	"github.com/kumoguard/kumoguard/internal/report"
	"github.com/kumoguard/kumoguard/internal/scan"
)

// accountIDPattern is an AWS account ID: twelve digits.
var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

func init() { scanCommands = append(scanCommands, newScanIaCCommand) }

type scanIaCFlags struct {
	reportFlags
	iacInputFlags
	uploadFlags
	accountID string
}

func newScanIaCCommand(g *globalFlags) *cobra.Command {
	f := &scanIaCFlags{}
	cmd := &cobra.Command{
		Use:   "iac [PATH...]",
		Short: "Scan Terraform, Terraform plan JSON and CloudFormation for Aurora backtracking",
		Long: `Scan infrastructure as code for Aurora MySQL clusters without adequate backtracking.

Each PATH is a directory or a file (default: the current directory). Inputs are detected by content:
  Terraform           directories with .tf files; each root module is evaluated with its variables
                      (terraform.tfvars, *.auto.tfvars, --var-file, --var, TF_VAR_*), locals, count/for_each
                      and local modules (remote modules through .terraform/modules after terraform init)
  Terraform plan      JSON from "terraform show -json PLANFILE"
  CloudFormation      YAML/JSON templates (also SAM and cdk.out synth output), with --parameter/--parameter-file

Paths in reports are relative to --root (default: the current directory), as code scanning expects.`,
		Example: `  # Scan the bundled example project
  kumoguard scan iac examples/terraform

  # CI: SARIF for code scanning, fail the job on FAIL and ERROR
  kumoguard scan iac . --format sarif --output kumoguard.sarif --fail-on FAIL,ERROR

  # Production variables, a 48-hour minimum, messages in Japanese
  kumoguard scan iac envs/prod --var-file envs/prod/prod.tfvars --min-window 48h --lang ja

  # A plan, before apply
  terraform plan -out tfplan && terraform show -json tfplan > plan.json && kumoguard scan iac plan.json

  # CloudFormation with parameters
  kumoguard scan iac template.yaml --parameter Env=prod --parameter-file params/prod.json --region ap-northeast-1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScanIaC(cmd, g, f, args)
		},
	}
	addReportFlags(cmd, &f.reportFlags)
	addIaCInputFlags(cmd, &f.iacInputFlags)
	addUploadFlags(cmd, &f.uploadFlags)
	cmd.Flags().StringVar(&f.accountID, "account-id", "", "with --format asff: the AWS account the findings are imported into (with --region)")
	return cmd
}

func runScanIaC(cmd *cobra.Command, g *globalFlags, f *scanIaCFlags, args []string) error {
	started := time.Now()
	s, err := f.resolve(g, cmd.OutOrStdout())
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	if err := f.uploadFlags.check(); err != nil {
		return err
	}
	// Security Hub needs an account, a Region and a product ARN on every
	// finding; code has none of its own, so the user names them.
	if s.format == "asff" {
		if !accountIDPattern.MatchString(f.accountID) || f.region == "" {
			return usageErr("--format asff: findings from code need the account and Region they are imported into: add --account-id 123456789012 --region ap-northeast-1")
		}
		s.reporter = report.ASFFWith(report.ASFFDefaults{Account: f.accountID, Region: f.region, Partition: awsapi.Partition(f.region)})
	}
	// Ctrl-C or SIGTERM stops reading; what was read is still reported.
	ctx, stop := signalContext(cmd)
	defer stop()
	inv, root, err := loadIaC(ctx, args, &f.iacInputFlags)
	if err != nil {
		return err
	}
	if len(inv.Clusters) == 0 && len(inv.Diagnostics) == 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "kumoguard: no Aurora/RDS clusters found in Terraform, plan JSON or CloudFormation under %s\n", strings.Join(args, ", "))
	}
	ss := s.scanSettings()
	ss.Edits = ss.Edits || (f.uploadFlags.wants() && report.NeedsOf("json").Edits)
	rep := scan.Report(inv, ss, scan.Scope{Kind: "iac", Root: root, Started: started})
	err = f.emit(cmd, s, rep)
	// Upload what was written; not a partial report, nor after a failed write.
	var ee *ExitError
	if f.uploadFlags.wants() && !rep.Scan.Interrupted && !(errors.As(err, &ee) && ee.Code == ExitFatal) {
		if uerr := f.uploadFlags.run(cmd, ctx, s, rep, args[0]); uerr != nil {
			return uerr
		}
	}
	return err
}
