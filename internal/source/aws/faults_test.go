package awssource

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// synthFleet generates n Aurora MySQL clusters with a 24 h window, achieved.
func synthFleet(n int, now time.Time) func(account, region string) []testenv.SyntheticCluster {
	return func(account, region string) []testenv.SyntheticCluster {
		out := make([]testenv.SyntheticCluster, n)
		for i := range out {
			e := now.Add(-25 * time.Hour)
			out[i] = testenv.SyntheticCluster{
				ID: fmt.Sprintf("db-%03d", i), Engine: "aurora-mysql", EngineVersion: "8.0.mysql_aurora.3.08.0",
				EngineMode: "provisioned", Status: "available", BacktrackWindow: aws.Int64(86400),
				EarliestBacktrackTime: &e, Writer: fmt.Sprintf("db-%03d-w", i),
			}
		}
		return out
	}
}

// TestScanFaults: throttling is retried (adaptive mode), a region that
// answers AccessDenied is one ERROR diagnostic and the scan goes on, a
// CloudWatch denial leaves metrics unknown with the AWS code, and 250
// clusters come in 3 DescribeDBClusters pages with 2 GetMetricData calls
// (750 queries / 500).
func TestScanFaults(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	now := time.Now().UTC().Truncate(time.Second)
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{
		Synthetic:     synthFleet(250, now),
		ThrottleEvery: 3,
		Deny: func(account, region, action string) bool {
			return (region == "ap-east-1" && strings.HasPrefix(action, "rds:")) ||
				(region == "eu-west-1" && action == "cloudwatch:GetMetricData")
		},
	})
	defer fake.Close()
	scanEnv(t)
	inv, err := Scan(ctx, Options{EndpointURL: fake.URL, Regions: []string{"us-east-1", "eu-west-1", "ap-east-1"},
		Now: func() time.Time { return now }, MaxAttempts: 5})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Coverage[CoverageScanned] != 2 || inv.Coverage[CoverageFailed] != 1 || inv.Coverage[CoverageClusters] != 500 {
		t.Errorf("coverage: %v", inv.Coverage)
	}
	if len(inv.Diagnostics) != 1 {
		t.Fatalf("diagnostics: %+v", inv.Diagnostics)
	}
	d := inv.Diagnostics[0]
	if d.Reason != model.ReasonAccessDenied || d.Resource.Region != "ap-east-1" || d.Resource.Account != testenv.DefaultAccount ||
		!strings.Contains(d.Message.EN, "AccessDenied") || !strings.Contains(d.Message.EN, "rds:DescribeDBClusters") {
		t.Errorf("diagnostic: %+v", d)
	}
	calls, throttled := fake.Calls(), fake.Throttled()
	// 2 scanned regions × 3 pages, plus the denied region's one call; every
	// throttled attempt was retried (how many of the throttles land on
	// DescribeDBClusters depends on how the regions' calls interleave).
	if n, th := calls["rds:DescribeDBClusters"], throttled["rds:DescribeDBClusters"]; n-th != 7 {
		t.Errorf("DescribeDBClusters calls = %d, throttled %d: want 7 answered", n, th)
	}
	if total := len(throttled); total == 0 {
		t.Error("no call was throttled: the retry path was not exercised")
	}
	if n := calls["cloudwatch:GetMetricData"]; n != 4 { // 2 per region (750 queries), eu-west-1's denied
		t.Errorf("GetMetricData calls = %d, want 4", n)
	}
	for _, c := range inv.Clusters {
		switch c.Region {
		case "eu-west-1":
			if c.Live.WindowAlerts.IsKnown() || !strings.Contains(c.Live.WindowAlerts.Why.EN, "AccessDenied") {
				t.Fatalf("denied metrics must be unknown with the code: %+v", c.Live.WindowAlerts)
			}
			if !c.Live.ActualWindowSeconds.IsKnown() {
				t.Fatalf("the actual window comes from DescribeDBClusters and stays known")
			}
		case "us-east-1":
			if !c.Live.ActualWindowSeconds.IsKnown() {
				t.Fatalf("actual window unknown: %+v", c.Live.ActualWindowSeconds)
			}
		}
	}
}

// TestScanCancelGivesPartialReport: cancelling mid-scan returns what was
// collected, counts the rest as skipped, and says the report is partial.
func TestScanCancelGivesPartialReport(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	now := time.Now().UTC()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel when the second region's first RDS call arrives: with one
	// worker the first region is then complete and six are not started,
	// whatever the machine's speed (a fixed sleep left none scanned under
	// -race on a loaded machine).
	var mu sync.Mutex
	rdsRegions := map[string]bool{}
	observe := func(_, region, action string) bool {
		if strings.HasPrefix(action, "rds:") {
			mu.Lock()
			rdsRegions[region] = true
			if len(rdsRegions) == 2 {
				cancel()
			}
			mu.Unlock()
		}
		return false
	}
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{Synthetic: synthFleet(3, now), Latency: 40 * time.Millisecond, Deny: observe})
	defer fake.Close()
	scanEnv(t)
	s, err := NewScanner(ctx, Options{EndpointURL: fake.URL, Concurrency: 1,
		Regions: []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-northeast-1"}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc, sk := inv.Coverage[CoverageScanned], inv.Coverage[CoverageSkipped]
	if sc == 0 || sk == 0 || sc+sk+inv.Coverage[CoverageFailed] != 8 {
		t.Errorf("coverage: %v", inv.Coverage)
	}
	if len(inv.Clusters) != 3*sc {
		t.Errorf("clusters %d for %d scanned regions", len(inv.Clusters), sc)
	}
	last := inv.Diagnostics[len(inv.Diagnostics)-1]
	if last.Reason != model.ReasonScanInterrupted || last.Message.JA == "" {
		t.Errorf("want a SCAN_INTERRUPTED diagnostic, got %+v", last)
	}
}

// TestScanRejectsBadInput: setup errors are fatal and say what was expected.
func TestScanRejectsBadInput(t *testing.T) {
	moto := testenv.SharedMoto(t)
	scanEnv(t)
	ctx := testenv.WithTimeout(t, 20*time.Second)
	for _, tt := range []struct {
		o    Options
		want string
	}{
		{Options{Accounts: []string{"12345"}}, "12-digit"},
		{Options{Org: true}, "--role-name"},
		{Options{Accounts: []string{"111122223333"}}, "needs --role-name"},
	} {
		tt.o.EndpointURL = moto.URL
		_, err := Scan(ctx, tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err %v, want %q", tt.o, err, tt.want)
		}
	}
}

// TestScanOrgAccountNotMember: --accounts with --org names an account that
// is not in the organization: one ERROR diagnostic, the others are scanned.
func TestScanOrgAccountNotMember(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	members := createOrg(t, ctx, moto.URL, 1)
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{})
	defer fake.Close()
	scanEnv(t)
	inv, err := Scan(ctx, Options{Org: true, RoleName: "R", EndpointURL: fake.URL, Regions: []string{"us-east-1"},
		Accounts: []string{members[0], "999999999999"}})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Coverage[CoverageScanned] != 1 || inv.Coverage[CoverageFailed] != 1 || len(inv.Diagnostics) != 1 ||
		inv.Diagnostics[0].Resource.Account != "999999999999" || !strings.Contains(inv.Diagnostics[0].Message.EN, "not an active account") {
		t.Errorf("coverage %v diagnostics %+v", inv.Coverage, inv.Diagnostics)
	}
}

// TestScanScopeFromLiveFields: binlog replication (both directions), the
// legacy engine "aurora", and a region listed as not offering backtrack,
// as DescribeDBClusters reports them, reach the same scope verdicts as IaC.
func TestScanScopeFromLiveFields(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	now := time.Now().UTC()
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{
		Synthetic: func(account, region string) []testenv.SyntheticCluster {
			c := func(id string, mut func(*testenv.SyntheticCluster)) testenv.SyntheticCluster {
				sc := testenv.SyntheticCluster{ID: id, Engine: "aurora-mysql", EngineVersion: "8.0.mysql_aurora.3.08.0",
					EngineMode: "provisioned", Status: "available", BacktrackWindow: aws.Int64(0), Writer: id + "-w"}
				mut(&sc)
				return sc
			}
			if region == "af-south-1" {
				return []testenv.SyntheticCluster{c("cape", func(*testenv.SyntheticCluster) {})}
			}
			return []testenv.SyntheticCluster{
				c("replica", func(s *testenv.SyntheticCluster) {
					s.ReplicationSource = "arn:aws:rds:us-west-2:" + account + ":cluster:src"
				}),
				c("source", func(s *testenv.SyntheticCluster) {
					s.ReadReplicas = []string{"arn:aws:rds:eu-west-1:" + account + ":cluster:r"}
				}),
				c("legacy", func(s *testenv.SyntheticCluster) {
					s.Engine, s.EngineVersion, s.BacktrackWindow = "aurora", "5.6.10a", aws.Int64(86400)
					e := now.Add(-30 * time.Hour)
					s.EarliestBacktrackTime = &e
				}),
			}
		},
	})
	defer fake.Close()
	scanEnv(t)
	inv, err := Scan(ctx, Options{EndpointURL: fake.URL, Regions: []string{"us-east-1", "af-south-1"}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: 86400, Now: now}) {
		got[f.Resource.Name+" "+f.RuleID] = string(f.Status) + " " + string(f.Reason)
	}
	for key, want := range map[string]string{
		"replica KG-BT-001": "NOT_APPLICABLE BINLOG_REPLICATION",
		"source KG-BT-001":  "NOT_APPLICABLE BINLOG_REPLICATION",
		"cape KG-BT-001":    "NOT_APPLICABLE REGION_UNSUPPORTED",
		"legacy KG-BT-001":  "PASS BACKTRACK_ENABLED",
		"legacy KG-BT-003":  "UNKNOWN METRICS_UNAVAILABLE", // no alert datapoints in the fake
	} {
		if got[key] != want {
			t.Errorf("%s = %q, want %q", key, got[key], want)
		}
	}
}

// TestScanPartialCallsAreNeverSilent: AccessDenied on DescribeDBInstances or
// DescribeGlobalClusters in an account-region otherwise scanned is a
// KG-BT-000 finding (the scan is incomplete, counted in coverage) and the
// verdicts that rest on the call are UNKNOWN, never assumed.
func TestScanPartialCallsAreNeverSilent(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	now := time.Now().UTC()
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{
		Synthetic: func(account, region string) []testenv.SyntheticCluster {
			return []testenv.SyntheticCluster{{ID: "orders", Engine: "aurora-mysql", EngineVersion: "8.0.mysql_aurora.3.08.0",
				EngineMode: "provisioned", Status: "available", BacktrackWindow: aws.Int64(86400), Writer: "orders-w"}}
		},
		Deny: func(_, _, action string) bool {
			return action == "rds:DescribeDBInstances" || action == "rds:DescribeGlobalClusters"
		},
	})
	defer fake.Close()
	scanEnv(t)
	inv, err := Scan(ctx, Options{EndpointURL: fake.URL, Regions: []string{"us-east-1"}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Coverage[CoverageScanned] != 1 || inv.Coverage[CoveragePartial] != 1 {
		t.Errorf("coverage %v", inv.Coverage)
	}
	calls := map[string]bool{}
	for _, d := range inv.Diagnostics {
		if d.Status == model.StatusUnknown && d.Reason == model.ReasonAccessDenied {
			for _, c := range []string{"rds:DescribeDBInstances", "rds:DescribeGlobalClusters"} {
				if strings.Contains(d.Message.EN, c) {
					calls[c] = true
				}
			}
		}
	}
	if len(calls) != 2 {
		t.Errorf("diagnostics %+v", inv.Diagnostics)
	}
	for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: 86400, Now: now}) {
		if f.RuleID == "KG-BT-001" && f.Status != model.StatusUnknown {
			t.Errorf("KG-BT-001 on a cluster whose global membership could not be read: %s %s", f.Status, f.Reason)
		}
	}
}
