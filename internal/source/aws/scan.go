// Package awssource is the live AWS source: it scans accounts × regions with
// aws-sdk-go-v2 and builds model.Cluster values (with live state from
// DescribeDBClusters and CloudWatch) plus model.Diagnostic values for the
// account-regions it could not scan. It never decides a verdict: policy does.
//
// The directory is internal/source/aws; the package is named awssource so it
// does not collide with the SDK's aws package.
package awssource

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/kumoguard/kumoguard/internal/awsapi"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/pricing"
)

// Coverage keys in model.Inventory.Coverage.
const (
	CoverageScanned = "account_regions_scanned"
	CoverageFailed  = "account_regions_failed"
	CoverageSkipped = "account_regions_skipped"
	// CoveragePartial counts account-regions scanned in part: a call the
	// verdicts rest on (DescribeDBInstances, DescribeGlobalClusters) failed.
	CoveragePartial  = "account_regions_partial"
	CoverageAccounts = "accounts"
	CoverageClusters = "clusters"
)

// Defaults.
const (
	DefaultConcurrency = 16
	DefaultLookback    = 7 * 24 * time.Hour
	DefaultCallTimeout = awsapi.DefaultCallTimeout
	DefaultMaxAttempts = awsapi.DefaultMaxAttempts
	// DefaultRegion is the Region of the calls that are not per region
	// (STS, Organizations, account:ListRegions) when none is configured.
	DefaultRegion = "us-east-1"
	// SessionName is the role session name used for every AssumeRole.
	SessionName = "kumoguard"
)

// Options configure a live scan. Zero values take the defaults.
type Options struct {
	// Profile selects a shared config profile (--profile); empty uses the
	// standard chain: environment, shared config, SSO, web identity, IMDS.
	Profile string
	// Region is the Region of the calls that are not per region (STS,
	// Organizations, account:ListRegions) (--region); empty takes the
	// profile's or AWS_REGION, then DefaultRegion.
	Region string
	// EndpointURL sends every call to an emulator (--endpoint-url).
	EndpointURL string
	// Org lists the organization's active accounts (--org); RoleName is
	// assumed in each (arn:aws:iam::ACCOUNT:role/RoleName, session
	// "kumoguard"), with ExternalID when set.
	Org        bool
	RoleName   string
	ExternalID string
	// Accounts restricts the scan to these account IDs (--accounts). Without
	// Org and RoleName only the caller's own account can be scanned.
	Accounts []string
	// Regions: nil or empty = the regions enabled for each account
	// (account:ListRegions); ["all"] = every region ListRegions knows, the
	// disabled ones counted as skipped; otherwise the explicit list.
	Regions []string
	// Concurrency bounds the account × region workers (--concurrency).
	Concurrency int
	// Lookback is the CloudWatch period for KG-BT-003 (--lookback).
	Lookback time.Duration
	// CallTimeout bounds each API call (each page of a paginated call, each
	// AssumeRole), retries included (awsapi.WithCallTimeout).
	CallTimeout time.Duration
	// MaxAttempts is the SDK's attempt limit per call, with adaptive retry
	// (client-side rate limiting on throttling errors); 0 takes
	// AWS_MAX_ATTEMPTS or DefaultMaxAttempts.
	MaxAttempts int
	// Now is the clock (tests); nil uses time.Now.
	Now func() time.Time
	// Progress receives a progress bar (the CLI passes stderr only when it is
	// a terminal; see ProgressWriter). nil draws nothing.
	Progress io.Writer
	// Config, when set, replaces loading the standard chain (tests,
	// embedding); the endpoint, retry and timeout options still apply.
	Config *aws.Config
	// PriceList looks the backtrack price of each scanned region up in the
	// AWS Price List API (--price-list; pricing:GetProducts with the
	// caller's credentials, endpoint us-east-1 or EndpointURL), once per
	// region per scan. Off: only the built-in table (us-east-1).
	PriceList bool
}

func (o *Options) defaults() {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Lookback <= 0 {
		o.Lookback = DefaultLookback
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Scanner holds the credentials of one scan, so that outputs such as the
// Security Hub importer can reuse each account's credentials afterwards.
type Scanner struct {
	o             Options
	base          aws.Config
	callerAccount string
	callerARN     string

	mu       sync.Mutex
	accounts map[string]aws.CredentialsProvider

	// prices resolves each region's backtrack price once per scan.
	prices *pricing.Resolver
}

// Scan runs a complete live scan. The error is only for fatal setup
// problems (no credentials, Organizations not reachable); every per-account
// and per-region failure is a Diagnostic in the inventory.
func Scan(ctx context.Context, o Options) (model.Inventory, error) {
	s, err := NewScanner(ctx, o)
	if err != nil {
		return model.Inventory{}, err
	}
	return s.Scan(ctx)
}

// NewScanner loads the base credentials and resolves the caller identity.
func NewScanner(ctx context.Context, o Options) (*Scanner, error) {
	o.defaults()
	s := &Scanner{o: o, accounts: map[string]aws.CredentialsProvider{}}
	ao := awsapi.Options{Profile: o.Profile, Region: o.Region, DefaultRegion: DefaultRegion, EndpointURL: o.EndpointURL,
		CallTimeout: o.CallTimeout, MaxAttempts: o.MaxAttempts}
	var err error
	if o.Config != nil {
		s.base, err = awsapi.Configure(*o.Config, ao)
	} else {
		s.base, err = awsapi.Load(ctx, ao)
	}
	if err != nil {
		return nil, err
	}
	id, err := sts.NewFromConfig(s.base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("AWS credentials: %s", errorText(err))
	}
	s.callerAccount = aws.ToString(id.Account)
	s.callerARN = aws.ToString(id.Arn)
	if o.PriceList {
		s.prices = pricing.NewResolver(pricing.NewPriceListClient(s.base))
	} else {
		s.prices = pricing.NewResolver(nil)
	}
	return s, nil
}

// PriceListError is the AWS Price List API failure that made this scan use
// the built-in price table instead (nil without --price-list or when the
// API answered). Each affected finding says so in details.price_source or
// monthly_cost_unknown_reason; this is for a one-line warning.
func (s *Scanner) PriceListError() error { return s.prices.APIError() }

// CallerAccount is the account of the base credentials.
func (s *Scanner) CallerAccount() string { return s.callerAccount }

// ConfigFor returns an SDK configuration with the credentials used for
// account (the caller's own, or the assumed role) in region. ok is false for
// an account the scan did not (or could not) assume a role in.
func (s *Scanner) ConfigFor(account, region string) (aws.Config, bool) {
	if account == "" || account == s.callerAccount {
		return awsapi.For(s.base, nil, region), true
	}
	s.mu.Lock()
	p, ok := s.accounts[account]
	s.mu.Unlock()
	if !ok {
		return awsapi.For(s.base, nil, region), false
	}
	return awsapi.For(s.base, p, region), true
}

// scope is one account-region to scan.
type scope struct {
	account string
	region  string
	creds   aws.CredentialsProvider
}

// Scan runs the scan; see the package Scan.
func (s *Scanner) Scan(ctx context.Context) (model.Inventory, error) {
	o := s.o
	inv := model.Inventory{Coverage: map[string]int{CoverageScanned: 0, CoverageFailed: 0, CoverageSkipped: 0}}
	accounts, diags, err := s.listAccounts(ctx)
	if err != nil {
		return inv, err
	}
	inv.Diagnostics = append(inv.Diagnostics, diags...)
	inv.Coverage[CoverageFailed] += len(diags)
	inv.Coverage[CoverageAccounts] = len(accounts)

	// One bounded pool (a semaphore of Concurrency slots) runs two kinds of
	// work, pipelined: per account, assume the role and find the regions;
	// per account-region, collect. An account's regions start as soon as its
	// role is assumed, without waiting for the other accounts.
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		results []scopeResult
		sem     = make(chan struct{}, o.Concurrency)
		globals = newGlobalMembership()
		bar     = newProgress(o.Progress, 0)
	)
	acquire := func() bool {
		select {
		case sem <- struct{}{}:
			if ctx.Err() != nil {
				<-sem
				return false
			}
			return true
		case <-ctx.Done():
			return false
		}
	}
	record := func(r scopeResult, d []model.Diagnostic, failed, skipped int) {
		mu.Lock()
		defer mu.Unlock()
		if r.account != "" {
			results = append(results, r)
		}
		inv.Diagnostics = append(inv.Diagnostics, d...)
		inv.Coverage[CoverageFailed] += failed
		inv.Coverage[CoverageSkipped] += skipped
	}
	for _, acct := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unknownScopes := max(1, len(explicitRegions(o.Regions)))
			if !acquire() {
				record(scopeResult{}, nil, 0, unknownScopes)
				return
			}
			creds, d := s.credentialsFor(ctx, acct)
			var regions []string
			skipped := 0
			if d == nil {
				regions, skipped, d = s.regionsFor(ctx, acct, creds)
				if d != nil {
					unknownScopes = 1
				}
			}
			<-sem
			if d != nil {
				if ctx.Err() != nil {
					record(scopeResult{}, nil, 0, unknownScopes)
				} else {
					record(scopeResult{}, []model.Diagnostic{*d}, unknownScopes, 0)
				}
				return
			}
			record(scopeResult{}, nil, 0, skipped)
			bar.add(len(regions))
			for _, region := range regions {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sc := scope{account: acct, region: region, creds: creds}
					if !acquire() {
						record(scopeResult{account: acct, region: region, skipped: true}, nil, 0, 0)
						return
					}
					r := s.scanScope(ctx, sc, globals)
					<-sem
					r.account, r.region = acct, region
					record(r, nil, 0, 0)
					bar.step()
				}()
			}
		}()
	}
	wg.Wait()
	bar.done()
	sort.Slice(results, func(i, j int) bool {
		if results[i].account != results[j].account {
			return results[i].account < results[j].account
		}
		return results[i].region < results[j].region
	})
	for _, r := range results {
		switch {
		case r.skipped:
			inv.Coverage[CoverageSkipped]++
		case r.diag != nil:
			inv.Coverage[CoverageFailed]++
			inv.Diagnostics = append(inv.Diagnostics, *r.diag)
		default:
			inv.Coverage[CoverageScanned]++
			if len(r.partial) > 0 {
				inv.Coverage[CoveragePartial]++
				inv.Diagnostics = append(inv.Diagnostics, r.partial...)
			}
		}
		inv.Clusters = append(inv.Clusters, r.clusters...)
	}
	sort.SliceStable(inv.Diagnostics, func(i, j int) bool {
		a, b := inv.Diagnostics[i].Resource, inv.Diagnostics[j].Resource
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
	inv.Coverage[CoverageClusters] = len(inv.Clusters)
	if ctx.Err() != nil {
		inv.Diagnostics = append(inv.Diagnostics, model.Diagnostic{
			Status: model.StatusUnknown, Reason: model.ReasonScanInterrupted,
			Resource: model.Resource{Kind: model.SourceAWS, Type: "scan"},
			Message: model.T("The scan was interrupted (%v): %d account-regions scanned, %d failed, %d skipped; this report is partial.",
				"スキャンが中断されました（%v）。スキャン済み %d、失敗 %d、スキップ %d のアカウント×リージョン。このレポートは部分的です。",
				ctx.Err(), inv.Coverage[CoverageScanned], inv.Coverage[CoverageFailed], inv.Coverage[CoverageSkipped]),
			Remediation: model.T("Run the scan again to completion.", "スキャンを最後まで再実行してください。"),
		})
	}
	return inv, nil
}

func explicitRegions(rs []string) []string {
	if len(rs) == 1 && strings.EqualFold(rs[0], "all") {
		return nil
	}
	return rs
}
