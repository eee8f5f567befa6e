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
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Coverage keys in model.Inventory.Coverage.
const (
	CoverageScanned  = "account_regions_scanned"
	CoverageFailed   = "account_regions_failed"
	CoverageSkipped  = "account_regions_skipped"
	CoverageAccounts = "accounts"
	CoverageClusters = "clusters"
)

// Defaults.
const (
	DefaultConcurrency = 16
	DefaultLookback    = 7 * 24 * time.Hour
	DefaultCallTimeout = 30 * time.Second
	DefaultMaxAttempts = 8
	// SessionName is the role session name used for every AssumeRole.
	SessionName = "kumoguard"
)

// Options configure a live scan. Zero values take the defaults.
type Options struct {
	// Profile selects a shared config profile (--profile); empty uses the
	// standard chain: environment, shared config, SSO, web identity, IMDS.
	Profile string
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
	// CallTimeout bounds each API call (each page of a paginated call).
	CallTimeout time.Duration
	// MaxAttempts is the SDK's attempt limit per call, with adaptive retry
	// (client-side rate limiting on throttling errors).
	MaxAttempts int
	// Now is the clock (tests); nil uses time.Now.
	Now func() time.Time
	// Progress receives a progress bar (the CLI passes stderr only when it is
	// a terminal; see ProgressWriter). nil draws nothing.
	Progress io.Writer
	// Config, when set, replaces config.LoadDefaultConfig (tests, embedding).
	Config *aws.Config
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
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
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
	if o.Config != nil {
		s.base = o.Config.Copy()
	} else {
		var lo []func(*config.LoadOptions) error
		if o.Profile != "" {
			lo = append(lo, config.WithSharedConfigProfile(o.Profile))
		}
		// AWS_CA_BUNDLE needs a buildable client (a plain *http.Client fails).
		lo = append(lo, config.WithHTTPClient(awshttp.NewBuildableClient()))
		cfg, err := config.LoadDefaultConfig(ctx, lo...)
		if err != nil {
			return nil, fmt.Errorf("load AWS configuration: %w", err)
		}
		s.base = cfg
	}
	if o.EndpointURL != "" {
		s.base.BaseEndpoint = aws.String(o.EndpointURL)
	}
	if s.base.Region == "" {
		s.base.Region = "us-east-1"
	}
	// Adaptive retry: exponential backoff plus a client-side token bucket
	// that slows down on throttling errors, shared by every client of the scan.
	maxAttempts := o.MaxAttempts
	s.base.Retryer = func() aws.Retryer {
		return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
			ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = maxAttempts
				so.MaxBackoff = 5 * time.Second
			})
		})
	}
	cctx, cancel := context.WithTimeout(ctx, o.CallTimeout)
	defer cancel()
	id, err := sts.NewFromConfig(s.base).GetCallerIdentity(cctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("AWS credentials: %s", errorText(err))
	}
	s.callerAccount = aws.ToString(id.Account)
	s.callerARN = aws.ToString(id.Arn)
	return s, nil
}

// CallerAccount is the account of the base credentials.
func (s *Scanner) CallerAccount() string { return s.callerAccount }

// ConfigFor returns an SDK configuration with the credentials used for
// account (the caller's own, or the assumed role) in region. ok is false for
// an account the scan did not (or could not) assume a role in.
func (s *Scanner) ConfigFor(account, region string) (aws.Config, bool) {
	cfg := s.base.Copy()
	if region != "" {
		cfg.Region = region
	}
	if account == "" || account == s.callerAccount {
		return cfg, true
	}
	s.mu.Lock()
	p, ok := s.accounts[account]
	s.mu.Unlock()
	if !ok {
		return cfg, false
	}
	cfg.Credentials = p
	return cfg, true
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
	accounts, err := s.listAccounts(ctx)
	if err != nil {
		return inv, err
	}
	inv.Coverage[CoverageAccounts] = len(accounts)

	// Phase 1, per account (bounded): assume the role and find the regions.
	var (
		mu     sync.Mutex
		scopes []scope
	)
	add := func(d []model.Diagnostic, sc []scope, failed, skipped int) {
		mu.Lock()
		defer mu.Unlock()
		inv.Diagnostics = append(inv.Diagnostics, d...)
		scopes = append(scopes, sc...)
		inv.Coverage[CoverageFailed] += failed
		inv.Coverage[CoverageSkipped] += skipped
	}
	forEach(ctx, len(accounts), o.Concurrency, func(i int) {
		acct := accounts[i]
		if ctx.Err() != nil {
			add(nil, nil, 0, max(1, len(explicitRegions(o.Regions))))
			return
		}
		creds, d := s.credentialsFor(ctx, acct)
		if d != nil {
			add([]model.Diagnostic{*d}, nil, max(1, len(explicitRegions(o.Regions))), 0)
			return
		}
		regions, skipped, d := s.regionsFor(ctx, acct, creds)
		if d != nil {
			add([]model.Diagnostic{*d}, nil, 1, 0)
			return
		}
		sc := make([]scope, 0, len(regions))
		for _, r := range regions {
			sc = append(sc, scope{account: acct, region: r, creds: creds})
		}
		add(nil, sc, 0, skipped)
	})
	sort.Slice(scopes, func(i, j int) bool {
		if scopes[i].account != scopes[j].account {
			return scopes[i].account < scopes[j].account
		}
		return scopes[i].region < scopes[j].region
	})

	// Phase 2, per account-region (bounded worker pool).
	bar := newProgress(o.Progress, len(scopes))
	globals := newGlobalMembership()
	results := make([]scopeResult, len(scopes))
	forEach(ctx, len(scopes), o.Concurrency, func(i int) {
		if ctx.Err() != nil {
			results[i] = scopeResult{skipped: true}
			return
		}
		results[i] = s.scanScope(ctx, scopes[i], globals)
		bar.step()
	})
	bar.done()
	for _, r := range results {
		switch {
		case r.skipped:
			inv.Coverage[CoverageSkipped]++
		case r.diag != nil:
			inv.Coverage[CoverageFailed]++
			inv.Diagnostics = append(inv.Diagnostics, *r.diag)
		default:
			inv.Coverage[CoverageScanned]++
		}
		inv.Clusters = append(inv.Clusters, r.clusters...)
	}
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

// forEach runs fn(0..n-1) on at most limit goroutines; it stops handing out
// work when ctx is cancelled (fn still sees every index so it can count it).
func forEach(ctx context.Context, n, limit int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	if limit > n {
		limit = n
	}
	for w := 0; w < limit; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// call bounds one API call with the per-call timeout.
func (s *Scanner) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.o.CallTimeout)
}

func explicitRegions(rs []string) []string {
	if len(rs) == 1 && strings.EqualFold(rs[0], "all") {
		return nil
	}
	return rs
}
