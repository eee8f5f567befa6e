// Package awsbench benchmarks the live AWS scanner at organisation scale:
// 200 member accounts × 4 regions × 10 clusters, through testenv.FakeAWS
// (synthetic RDS and CloudWatch answers, real pagination, an injected
// per-call latency) in front of a real moto_server (Organizations, STS).
// CloudWatch is synthetic here only so that the benchmark measures the
// scanner rather than moto's Python CloudWatch (800 GetMetricData calls take
// moto longer than the whole scan); the moto round trip of GetMetricData is
// covered by internal/source/aws tests.
//
//	go test ./bench/aws/ -run '^$' -bench . -benchtime 1x
//
// Reported per scan: wall time, API calls by action, calls per
// account-region, the latency bound latency × calls / concurrency, and the
// Go heap peak and process max RSS.
package awsbench

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	awssource "github.com/kumoguard/kumoguard/internal/source/aws"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestMain(m *testing.M) { testenv.MotoMain(m) }

const (
	benchLatency     = 20 * time.Millisecond
	benchConcurrency = 32
)

const benchMembers = 200

var (
	orgOnce   sync.Once
	memberIDs []string
)

// setupOrg creates the organization once per process: the management
// account plus members.
func setupOrg(b *testing.B, moto *testenv.Moto) {
	members := benchMembers
	orgOnce.Do(func() {
		moto.Reset(b)
		ctx := context.Background()
		org := organizations.NewFromConfig(testenv.Config(moto.URL, "us-east-1"))
		if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < members; i++ {
			out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{
				AccountName: aws.String(fmt.Sprintf("member-%d", i)), Email: aws.String(fmt.Sprintf("m%d@example.com", i))})
			if err != nil {
				b.Fatal(err)
			}
			memberIDs = append(memberIDs, aws.ToString(out.CreateAccountStatus.AccountId))
		}
		sort.Strings(memberIDs)
	})
	if len(memberIDs) != members {
		b.Fatalf("organization has %d members, want %d", len(memberIDs), members)
	}
}

func fleet(n int) func(account, region string) []testenv.SyntheticCluster {
	return func(account, region string) []testenv.SyntheticCluster {
		now := time.Now()
		out := make([]testenv.SyntheticCluster, n)
		for i := range out {
			e := now.Add(-25 * time.Hour)
			c := testenv.SyntheticCluster{
				ID: fmt.Sprintf("db-%04d", i), Engine: "aurora-mysql", EngineVersion: "8.0.mysql_aurora.3.08.0",
				EngineMode: "provisioned", Status: "available", BacktrackWindow: aws.Int64(86400),
				EarliestBacktrackTime: &e, Writer: fmt.Sprintf("db-%04d-w", i),
			}
			switch i % 5 {
			case 1:
				c.BacktrackWindow = nil // disabled, absent
				c.EarliestBacktrackTime = nil
			case 2:
				c.Engine = "aurora-postgresql"
				c.BacktrackWindow, c.EarliestBacktrackTime = aws.Int64(0), nil
			case 3:
				c.ServerlessV2 = true
			}
			out[i] = c
		}
		return out
	}
}

var fourRegions = map[string]string{
	"us-east-1": "ENABLED_BY_DEFAULT", "us-west-2": "ENABLED_BY_DEFAULT",
	"eu-west-1": "ENABLED_BY_DEFAULT", "ap-northeast-1": "ENABLED_BY_DEFAULT",
	"ap-east-1": "DISABLED",
}

// peakHeap samples the Go heap until stop is closed.
func peakHeap(stop <-chan struct{}) *atomic.Uint64 {
	var peak atomic.Uint64
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return &peak
}

// runScan scans the organization, limited to the first `accounts` members
// (0 = every account, the management account included).
func runScan(b *testing.B, moto *testenv.Moto, accounts, clusters int) {
	setupOrg(b, moto)
	var only []string
	wantAccounts := benchMembers + 1
	if accounts > 0 {
		only, wantAccounts = memberIDs[:accounts], accounts
	}
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{
		Synthetic: fleet(clusters),
		Latency:   benchLatency,
		Regions:   func(string) map[string]string { return fourRegions },
		SyntheticMetrics: func(account, region, metric, dim string) []float64 {
			switch metric {
			case "BacktrackChangeRecordsStored":
				return []float64{2.4e5}
			case "BacktrackChangeRecordsCreationRate":
				return []float64{830}
			}
			return []float64{0}
		},
	})
	defer fake.Close()
	testenv.SetFakeCredentials(b)

	var lastCalls map[string]int
	var lastInv struct{ scanned, clusters int }
	var wall time.Duration
	stop := make(chan struct{})
	peak := peakHeap(stop)
	b.ResetTimer()
	for b.Loop() {
		fake.ResetCalls()
		start := time.Now()
		inv, err := awssource.Scan(context.Background(), awssource.Options{
			Org: true, RoleName: "KumoguardScanner", EndpointURL: fake.URL, Concurrency: benchConcurrency, Accounts: only,
		})
		wall = time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if len(inv.Diagnostics) > 0 {
			b.Fatalf("unexpected diagnostics: %+v", inv.Diagnostics[0])
		}
		lastCalls = fake.Calls()
		lastInv.scanned, lastInv.clusters = inv.Coverage[awssource.CoverageScanned], inv.Coverage[awssource.CoverageClusters]
	}
	b.StopTimer()
	close(stop)

	total := 0
	names := make([]string, 0, len(lastCalls))
	for k, v := range lastCalls {
		total += v
		names = append(names, k)
	}
	sort.Strings(names)
	scopes := lastInv.scanned
	if scopes != wantAccounts*4 || lastInv.clusters != scopes*clusters {
		b.Fatalf("scanned %d account-regions and %d clusters, want %d and %d", scopes, lastInv.clusters, wantAccounts*4, wantAccounts*4*clusters)
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	bound := time.Duration(total) * benchLatency / benchConcurrency
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(bound.Seconds(), "latency-bound-s")
	b.ReportMetric(float64(total), "api-calls")
	b.ReportMetric(float64(total)/float64(scopes), "calls/account-region")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(ru.Maxrss)/1024, "max-rss-MiB")
	b.ReportMetric(float64(fake.MaxInFlight()), "max-in-flight")
	b.Logf("%d account-regions, %d clusters, wall %v, latency bound %v (%d calls × %v / %d)",
		scopes, lastInv.clusters, wall.Round(time.Millisecond), bound.Round(time.Millisecond), total, benchLatency, benchConcurrency)
	for _, n := range names {
		b.Logf("  %-36s %6d", n, lastCalls[n])
	}
}

// BenchmarkScanOrganization is the target: 200 accounts × 4 regions
// × 10 clusters (plus the management account).
func BenchmarkScanOrganization(b *testing.B) {
	runScan(b, testenv.SharedMoto(b), 0, 10)
}

// BenchmarkScanClustersPerRegion shows that calls grow with account-regions,
// not clusters: one DescribeDBClusters page per 100 clusters and one
// GetMetricData per 500 queries (3 per enabled cluster). 20 accounts × 4
// regions.
func BenchmarkScanClustersPerRegion(b *testing.B) {
	for _, n := range []int{10, 100, 250} {
		b.Run(fmt.Sprintf("clusters=%d", n), func(b *testing.B) {
			runScan(b, testenv.SharedMoto(b), 20, n)
		})
	}
}
