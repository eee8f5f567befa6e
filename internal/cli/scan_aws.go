package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/config"
	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/i18n"
	"github.com/kumoguard/kumoguard/internal/report"
	"github.com/kumoguard/kumoguard/internal/scan"
	"github.com/kumoguard/kumoguard/internal/securityhub"
)

func init() { scanCommands = append(scanCommands, newScanAWSCommand) }

type scanAWSFlags struct {
	reportFlags
	aws         awsFlags
	regions     []string
	accounts    []string
	org         bool
	roleName    string
	externalID  string
	concurrency int
	lookback    time.Duration
	securityHub bool
	shRegion    string
	priceList   bool
	// Drill evidence (KG-BT-004).
	evidenceDir string
	evidenceKey string
	drillMaxAge string
}

func newScanAWSCommand(g *globalFlags) *cobra.Command {
	f := &scanAWSFlags{}
	cmd := &cobra.Command{
		Use:   "aws",
		Short: "Scan live AWS accounts and regions for Aurora backtracking",
		Long: `Scan live Aurora clusters across accounts and regions (read-only).

Credentials come from the standard AWS chain: environment, shared config (--profile), SSO, web identity, IMDS.
By default the caller's own account is scanned in every region enabled for it (account:ListRegions).
With --org, kumoguard lists the organization's active accounts (from the management or a delegated-admin
account) and assumes arn:aws:iam::ACCOUNT:role/ROLE-NAME (session "kumoguard") in each.

Per cluster: KG-BT-001/002 (scope and target window) and KG-BT-003, the window really achieved
(now - EarliestBacktrackTime), BacktrackWindowAlert over --lookback, and the monthly cost of the stored
change records. With --evidence-dir, KG-BT-004: a verified successful backtrack drill (kumoguard drill run)
younger than --drill-max-age, from the signed evidence in that directory. The backtrack price comes from kumoguard's built-in table (us-east-1 only; other regions are
unknown), or with --price-list from the AWS Price List API (pricing:GetProducts, once per region per scan;
if the API fails, the table is used and each finding says why). An account or region that cannot be scanned is an ERROR finding (KG-BT-000) with the
AWS error code; the scan goes on. Ctrl-C stops the scan and still writes the partial report.`,
		Example: `  # Your account, every enabled region
  kumoguard scan aws --profile prod

  # The whole organization, two regions, fail CI on FAIL or on accounts/regions that could not be scanned
  kumoguard scan aws --org --role-name KumoguardScanner --regions us-east-1,ap-northeast-1 --fail-on FAIL,ERROR

  # Import the findings into Security Hub, and keep an ASFF file
  kumoguard scan aws --org --role-name KumoguardScanner --security-hub --format asff --output findings.asff.json

  # Against an emulator
  kumoguard scan aws --endpoint-url http://127.0.0.1:5000 --regions us-east-1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScanAWS(cmd, g, f)
		},
	}
	addReportFlags(cmd, &f.reportFlags)
	addAWSFlags(cmd, &f.aws, awsFlagsUsage{region: "Region of the calls that are not per Region: STS, Organizations, account:ListRegions (default from the profile or AWS_REGION, else us-east-1)"})
	fl := cmd.Flags()
	fl.StringSliceVar(&f.regions, "regions", nil, "comma-separated regions, or \"all\" (default: the regions enabled for each account)")
	fl.StringSliceVar(&f.accounts, "accounts", nil, "comma-separated account IDs to scan (with --org: only these members)")
	fl.BoolVar(&f.org, "org", false, "scan every active account of the AWS Organization (needs --role-name)")
	fl.StringVar(&f.roleName, "role-name", "", "role assumed in each scanned account: arn:aws:iam::ACCOUNT:role/ROLE-NAME")
	fl.StringVar(&f.externalID, "external-id", "", "external ID for the role's trust policy")
	fl.IntVar(&f.concurrency, "concurrency", scan.AWSDefaultConcurrency, "account-regions scanned at once")
	fl.DurationVar(&f.lookback, "lookback", scan.AWSDefaultLookback, "CloudWatch look-back period for KG-BT-003 (e.g. 168h)")
	fl.BoolVar(&f.securityHub, "security-hub", false, "also import the findings into AWS Security Hub (BatchImportFindings, batches of 100)")
	fl.BoolVar(&f.priceList, "price-list", false, "look each region's backtrack price up in the AWS Price List API (pricing:GetProducts; default: the built-in table, us-east-1 only)")
	fl.StringVar(&f.evidenceDir, "evidence-dir", "", "drill evidence directory (kumoguard drill run --evidence-dir): adds KG-BT-004 per in-scope cluster (needs --evidence-public-key)")
	fl.StringVar(&f.evidenceKey, "evidence-public-key", "", "public key the drill evidence must be signed with (PEM, from kumoguard drill keygen)")
	fl.StringVar(&f.drillMaxAge, "drill-max-age", "", "how old the newest successful drill may be for KG-BT-004: 90d, 12w, 2160h (default 90d, or drill_max_age in kumoguard.yaml)")
	fl.StringVar(&f.shRegion, "security-hub-region", "", "import every finding into this region's Security Hub (default: each resource's own region)")
	return cmd
}

func runScanAWS(cmd *cobra.Command, g *globalFlags, f *scanAWSFlags) error {
	started := time.Now()
	s, err := f.resolve(g, cmd.OutOrStdout())
	if err != nil {
		return err
	}
	if f.concurrency < 1 {
		return usageErr("--concurrency must be at least 1")
	}
	if f.lookback < time.Minute {
		return usageErr("--lookback must be at least 1m")
	}
	ao, err := f.aws.options("")
	if err != nil {
		return err
	}
	drills, err := f.loadDrillEvidence(&s)
	if err != nil {
		return err
	}
	// Ctrl-C cancels the scan; what was collected is still reported.
	ctx, stop := signalContext(cmd)
	defer stop()

	var progress io.Writer
	if fh, ok := cmd.ErrOrStderr().(*os.File); ok {
		progress = scan.AWSProgress(fh)
	}
	now := s.policy.Now
	scanner, err := scan.NewAWS(ctx, scan.AWSOptions{
		Profile: ao.Profile, Region: ao.Region, EndpointURL: ao.EndpointURL, CallTimeout: ao.CallTimeout,
		Org: f.org, RoleName: f.roleName, ExternalID: f.externalID,
		Accounts: f.accounts, Regions: f.regions,
		Concurrency: f.concurrency, Lookback: f.lookback,
		Now: func() time.Time { return now }, Progress: progress,
		PriceList: f.priceList,
	})
	if err != nil {
		return fatalErr("%v", err)
	}
	inv, err := scanner.Load(ctx)
	if err != nil {
		return fatalErr("%v", err)
	}
	drills.Attach(&inv)
	fmt.Fprintln(cmd.ErrOrStderr(), coverageLine(inv.Coverage, s.lang))
	if err := scanner.PriceListError(); err != nil {
		if s.lang == i18n.JA {
			fmt.Fprintf(cmd.ErrOrStderr(), "警告：AWS Price List API が使えないため、組み込み料金表（us-east-1 のみ）を使いました：%v\n", err)
		} else {
			fmt.Fprintf(cmd.ErrOrStderr(), "warning: the AWS Price List API failed, so the built-in price table (us-east-1 only) was used: %v\n", err)
		}
	}

	// Findings without an account (none today for live scans) are attributed
	// to the caller in ASFF and Security Hub.
	home, _ := scanner.ConfigFor("", "")
	defaults := report.ASFFDefaults{Account: scanner.CallerAccount(), Region: home.Region}
	if s.format == "asff" {
		s.reporter = report.ASFFWith(defaults)
	}
	rep := scan.Report(inv, s.scanSettings(), scan.Scope{Kind: "aws", Started: started})
	finishErr := f.emit(cmd, s, rep)
	var ee *ExitError
	if !f.securityHub || (errors.As(finishErr, &ee) && ee.Code == ExitFatal) {
		return finishErr
	}
	// A fresh context: an interrupted scan's partial findings still go out.
	ictx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := securityhub.Import(ictx, rep, securityhub.Options{
		ConfigFor: scanner.ConfigFor, Defaults: defaults, Lang: s.lang, Region: f.shRegion,
	})
	if err != nil {
		return fatalErr("Security Hub import: %v", err)
	}
	if s.lang == i18n.JA {
		fmt.Fprintf(cmd.ErrOrStderr(), "Security Hub：%d 件取り込み、%d 件失敗（%d 回の呼び出し）\n", res.Imported, res.Failed, res.Calls)
	} else {
		fmt.Fprintf(cmd.ErrOrStderr(), "Security Hub: %d imported, %d failed (%d calls)\n", res.Imported, res.Failed, res.Calls)
	}
	for _, e := range res.Errors {
		fmt.Fprintln(cmd.ErrOrStderr(), "  "+e)
	}
	if res.Failed > 0 {
		return fatalErr("Security Hub import: %d findings failed", res.Failed)
	}
	return finishErr
}

func coverageLine(c map[string]int, lang string) string {
	if lang == i18n.JA {
		return fmt.Sprintf("アカウント×リージョン：スキャン済み %d、失敗 %d、スキップ %d（アカウント %d、クラスター %d）",
			c[scan.CoverageScanned], c[scan.CoverageFailed], c[scan.CoverageSkipped], c[scan.CoverageAccounts], c[scan.CoverageClusters])
	}
	return fmt.Sprintf("account-regions: %d scanned, %d failed, %d skipped (%d accounts, %d clusters)",
		c[scan.CoverageScanned], c[scan.CoverageFailed], c[scan.CoverageSkipped], c[scan.CoverageAccounts], c[scan.CoverageClusters])
}

// loadDrillEvidence verifies the evidence directory before any AWS call, so
// a wrong directory or key stops the scan at once; nil without --evidence-dir.
func (f *scanAWSFlags) loadDrillEvidence(s *settings) (*scan.DrillEvidence, error) {
	if f.drillMaxAge != "" {
		d, err := config.ParseAge(f.drillMaxAge)
		if err != nil {
			return nil, usageErr("--drill-max-age: %v", err)
		}
		s.policy.DrillMaxAge = d
	}
	switch {
	case f.evidenceDir == "" && f.evidenceKey == "":
		return nil, nil
	case f.evidenceDir == "":
		return nil, usageErr("--evidence-public-key needs --evidence-dir")
	case f.evidenceKey == "":
		return nil, usageErr("--evidence-dir needs --evidence-public-key (the public key from kumoguard drill keygen): unverified evidence proves nothing")
	}
	pub, err := evidence.LoadPublicKey(f.evidenceKey)
	if err != nil {
		return nil, usageErr("--evidence-public-key: %v", err)
	}
	d, err := scan.LoadDrillEvidence(f.evidenceDir, pub)
	if err != nil {
		return nil, usageErr("--evidence-dir: %v", err)
	}
	return d, nil
}
