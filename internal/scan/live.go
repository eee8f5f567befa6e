package scan

import (
	"context"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kumoguard/kumoguard/internal/model"
	awssource "github.com/kumoguard/kumoguard/internal/source/aws"
)

// ErrClusterNotFound is returned by LiveCluster for a cluster AWS does not know.
var ErrClusterNotFound = awssource.ErrClusterNotFound

// LiveCluster reads one live cluster by identifier or ARN through the AWS
// source (DescribeDBClusters and DescribeDBInstances, read-only), built by
// the same code as a live scan's clusters, with the settings and instances a
// migration copies. cfg gives the credentials and Region (an ARN's Region
// wins); build it with internal/awsapi so every call is bounded by the call
// timeout. It is how runbook, migrate and fix --check-aws read a cluster.
func LiveCluster(ctx context.Context, cfg aws.Config, ref string) (model.Cluster, error) {
	return awssource.DescribeCluster(ctx, cfg, ref)
}

// RegionOfARN returns the Region of a cluster ARN, or "" when ref is not an ARN.
func RegionOfARN(ref string) string { return awssource.RegionOf(ref) }

// AWSOptions configure a live scan of accounts × regions (the AWS source's
// options: credentials, Organizations fan-out, regions, concurrency,
// look-back, prices).
type AWSOptions = awssource.Options

// Defaults and coverage keys of live scans.
const (
	AWSDefaultConcurrency = awssource.DefaultConcurrency
	AWSDefaultLookback    = awssource.DefaultLookback

	CoverageScanned  = awssource.CoverageScanned
	CoverageFailed   = awssource.CoverageFailed
	CoverageSkipped  = awssource.CoverageSkipped
	CoverageAccounts = awssource.CoverageAccounts
	CoverageClusters = awssource.CoverageClusters
)

// AWS is a live scan of accounts × regions, as a Loader for Run; it also
// gives the per-account configuration (Security Hub import) and what the
// scan learned about the caller and prices.
type AWS struct{ s *awssource.Scanner }

// NewAWS resolves the accounts and regions to scan (read-only calls).
func NewAWS(ctx context.Context, o AWSOptions) (*AWS, error) {
	s, err := awssource.NewScanner(ctx, o)
	if err != nil {
		return nil, err
	}
	return &AWS{s: s}, nil
}

// Load scans every account-region; cancelled, it returns what it read with
// a SCAN_INTERRUPTED diagnostic.
func (a *AWS) Load(ctx context.Context) (model.Inventory, error) { return a.s.Scan(ctx) }

// ConfigFor returns the configuration of an account and Region.
func (a *AWS) ConfigFor(account, region string) (aws.Config, bool) {
	return a.s.ConfigFor(account, region)
}

// CallerAccount is the account of the credentials the scan started with.
func (a *AWS) CallerAccount() string { return a.s.CallerAccount() }

// PriceListError is why the AWS Price List API could not be used, if it was
// asked for and failed.
func (a *AWS) PriceListError() error { return a.s.PriceListError() }

// AWSProgress is the progress bar of a live scan on a terminal (nil
// elsewhere).
func AWSProgress(f *os.File) io.Writer { return awssource.ProgressWriter(f) }
