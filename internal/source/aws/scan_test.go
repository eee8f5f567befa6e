package awssource

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/fix"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestScanOrganization scans a moto Organization with a management account
// and two members over two enabled regions (plus one disabled), through the
// fake for what moto lacks: real pagination (2 clusters per page),
// EarliestBacktrackTime, an absent BacktrackWindow, and AccessDenied on one
// member's AssumeRole. It then runs the policy on the result, checks the
// call log against the least-privilege IAM policy, and the coverage.
func TestScanOrganization(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	moto.Seed(t, 42) // deterministic account IDs for the golden file
	ctx := testenv.WithTimeout(t, 60*time.Second)
	now := time.Now().UTC().Truncate(time.Second)

	members := createOrg(t, ctx, moto.URL, 2)
	acctA, acctB := members[0], members[1]
	mgmt := testenv.DefaultAccount

	fixA := []fixtureCluster{
		{id: "mysql-72h", engine: "aurora-mysql", window: 259200, writerClass: "db.r6g.large", earliestAgo: 73 * time.Hour},
		{id: "mysql-none", engine: "aurora-mysql", writerClass: "db.r6g.large"},
		{id: "mysql-short", engine: "aurora-mysql", window: 3600, writerClass: "db.r6g.large", earliestAgo: 30 * time.Minute},
		{id: "mysql-alerts", engine: "aurora-mysql", window: 86400, writerClass: "db.r6g.large", earliestAgo: 25 * time.Hour},
		{id: "pg", engine: "aurora-postgresql", writerClass: "db.r6g.large"},
		{id: "sls-v1", engine: "aurora-mysql", mode: "serverless"},
		{id: "sls-v2", engine: "aurora-mysql", window: 86400, writerClass: "db.serverless", serverlessV2: true, earliestAgo: 24*time.Hour + 5*time.Minute},
		{id: "global-member", engine: "aurora-mysql", writerClass: "db.r6g.large", global: "gdb"},
	}
	fixATokyo := []fixtureCluster{
		{id: "tokyo", engine: "aurora-mysql", window: 86400, writerClass: "db.r6g.large", earliestAgo: 25 * time.Hour},
	}
	fixMgmt := []fixtureCluster{
		{id: "mgmt-db", engine: "aurora-mysql", window: 86400, writerClass: "db.r6g.large"}, // no EarliestBacktrackTime
	}
	createClusters(t, ctx, accountConfig(moto.URL, acctA, "us-east-1"), fixA)
	createClusters(t, ctx, accountConfig(moto.URL, acctA, "ap-northeast-1"), fixATokyo)
	createClusters(t, ctx, accountConfig(moto.URL, mgmt, "us-east-1"), fixMgmt)
	createClusters(t, ctx, accountConfig(moto.URL, acctB, "us-east-1"), fixMgmt) // never seen: B is denied

	cwA := accountConfig(moto.URL, acctA, "us-east-1")
	putMetric(t, ctx, cwA, "BacktrackChangeRecordsStored", "DBClusterIdentifier", "mysql-72h", now, 1e6, 1e6, 1e6)
	putMetric(t, ctx, cwA, "BacktrackChangeRecordsCreationRate", "DBClusterIdentifier", "mysql-72h", now, 1000, 3000)
	putMetric(t, ctx, cwA, "BacktrackWindowAlert", "DBInstanceIdentifier", "mysql-72h-writer", now, 0, 0)
	putMetric(t, ctx, cwA, "BacktrackWindowAlert", "DBInstanceIdentifier", "mysql-alerts-writer", now, 1, 2)
	putMetric(t, ctx, accountConfig(moto.URL, acctA, "ap-northeast-1"), "BacktrackChangeRecordsStored", "DBClusterIdentifier", "tokyo", now, 5e5)

	earliest := map[string]time.Duration{}
	for _, f := range append(append([]fixtureCluster{}, fixA...), fixATokyo...) {
		if f.earliestAgo > 0 {
			earliest[acctA+"/"+f.id] = f.earliestAgo
		}
	}
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{
		PageSize:                2,
		OmitZeroBacktrackWindow: true,
		EarliestBacktrackTime: func(account, region, id string) *time.Time {
			if d, ok := earliest[account+"/"+id]; ok {
				t := now.Add(-d)
				return &t
			}
			return nil
		},
		ConsumedChangeRecords: func(account, region, id string) *int64 {
			if id == "sls-v2" {
				n := int64(5e6)
				return &n
			}
			return nil
		},
		Deny: func(account, region, action string) bool { return action == "sts:AssumeRole" && account == acctB },
	})
	defer fake.Close()

	scanEnv(t)
	inv, err := Scan(ctx, Options{
		Org: true, RoleName: "KumoguardScanner", EndpointURL: fake.URL,
		Now: func() time.Time { return now }, Concurrency: 4, MaxAttempts: 2,
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}

	t.Run("coverage", func(t *testing.T) {
		want := map[string]int{CoverageAccounts: 3, CoverageScanned: 4, CoverageFailed: 1, CoverageSkipped: 2, CoverageClusters: 10}
		for k, v := range want {
			if inv.Coverage[k] != v {
				t.Errorf("coverage %s = %d, want %d (all: %v)", k, inv.Coverage[k], v, inv.Coverage)
			}
		}
	})

	t.Run("denied account is an ERROR diagnostic with the AWS code", func(t *testing.T) {
		if len(inv.Diagnostics) != 1 {
			t.Fatalf("diagnostics: %+v", inv.Diagnostics)
		}
		d := inv.Diagnostics[0]
		if d.Status != model.StatusError || d.Reason != model.ReasonAccessDenied || d.Resource.Account != acctB || d.Resource.Kind != model.SourceAWS {
			t.Errorf("diagnostic: %+v", d)
		}
		if !strings.Contains(d.Message.EN, "AccessDenied") || !strings.Contains(d.Message.JA, "AccessDenied") || !strings.Contains(d.Message.EN, "not authorized") {
			t.Errorf("message must carry the AWS error code and message: %+v", d.Message)
		}
	})

	byName := map[string]model.Cluster{}
	for _, c := range inv.Clusters {
		byName[c.Account+"/"+c.Region+"/"+c.Name] = c
	}
	t.Run("cluster fields", func(t *testing.T) {
		c, ok := byName[acctA+"/us-east-1/mysql-72h"]
		if !ok {
			t.Fatalf("mysql-72h missing; have %v", keys(byName))
		}
		wantARN := fmt.Sprintf("arn:aws:rds:us-east-1:%s:cluster:mysql-72h", acctA)
		if c.ARN != wantARN || c.Address != wantARN || c.Source != model.SourceAWS || c.Type != ClusterType ||
			c.Location.Account != acctA || c.Location.Region != "us-east-1" || c.Location.ARN != wantARN {
			t.Errorf("identity: %+v", c)
		}
		if c.Tags["team"] != "payments" || c.Status != "available" {
			t.Errorf("tags/status: %v %q", c.Tags, c.Status)
		}
		if len(c.BacktrackWindow.Provenance) == 0 || c.BacktrackWindow.Provenance[0].Kind != model.OriginAPI {
			t.Errorf("window provenance: %+v", c.BacktrackWindow)
		}
		if got, _ := c.Live.ActualWindowSeconds.Get(); got != int64((73 * time.Hour).Seconds()) {
			t.Errorf("actual window = %d", got)
		}
		if got, ok := c.Live.ChangeRecordsStoredAvg.Get(); !ok || got != 1e6 {
			t.Errorf("stored = %v %v (%v)", got, ok, c.Live.ChangeRecordsStoredAvg.Why)
		}
		if got, ok := c.Live.WindowAlerts.Get(); !ok || got != 0 {
			t.Errorf("alerts = %v %v (%v)", got, ok, c.Live.WindowAlerts.Why)
		}
		if got, ok := c.Live.ChangeRecordsCreationRate.Get(); !ok || got != 2000 {
			t.Errorf("rate = %v %v", got, ok)
		}
		none := byName[acctA+"/us-east-1/mysql-none"]
		if none.BacktrackWindow.State != model.Known || none.BacktrackWindow.V != 0 || none.BacktrackWindow.Why.IsZero() {
			t.Errorf("absent BacktrackWindow must be a known 0 that says it was absent: %+v", none.BacktrackWindow)
		}
		if sv2, ok := byName[acctA+"/us-east-1/sls-v2"].ServerlessV2.Get(); !ok || !sv2 {
			t.Errorf("sls-v2 not detected as Serverless v2")
		}
		if sv2, ok := byName[acctA+"/us-east-1/mysql-72h"].ServerlessV2.Get(); !ok || sv2 {
			t.Errorf("mysql-72h wrongly Serverless v2")
		}
		if !slices.Contains(byName[acctA+"/us-east-1/sls-v2"].InstanceClasses, "db.serverless") {
			t.Errorf("instance classes: %v", byName[acctA+"/us-east-1/sls-v2"].InstanceClasses)
		}
	})

	findings := policy.Evaluate(inv, policy.Options{MinWindowSeconds: 86400, Now: now})
	fix.Enrich(findings) // the remediation text users see
	got := map[string]string{}
	for _, f := range findings {
		name := f.Resource.Name
		if name == "" {
			name = f.Resource.Address
		}
		got[f.Resource.Account+"/"+f.Resource.Region+"/"+name+" "+f.RuleID] = string(f.Status) + " " + string(f.Reason)
	}
	t.Run("verdicts", func(t *testing.T) {
		A := acctA + "/us-east-1/"
		tests := []struct{ key, want string }{
			{A + "mysql-72h KG-BT-001", "PASS BACKTRACK_ENABLED"},
			{A + "mysql-72h KG-BT-002", "PASS WINDOW_MEETS_MINIMUM"},
			{A + "mysql-72h KG-BT-003", "PASS ACTUAL_WINDOW_MEETS_TARGET"},
			{A + "mysql-none KG-BT-001", "FAIL BACKTRACK_DISABLED"},
			{A + "mysql-none KG-BT-003", "NOT_APPLICABLE BACKTRACK_DISABLED"},
			{A + "mysql-short KG-BT-002", "FAIL WINDOW_BELOW_MINIMUM"},
			{A + "mysql-short KG-BT-003", "FAIL ACTUAL_WINDOW_BELOW_TARGET"},
			{A + "mysql-alerts KG-BT-003", "FAIL BACKTRACK_WINDOW_ALERTS"},
			{A + "pg KG-BT-001", "NOT_APPLICABLE ENGINE_NOT_AURORA_MYSQL"},
			{A + "sls-v1 KG-BT-001", "NOT_APPLICABLE SERVERLESS_V1"},
			{A + "sls-v2 KG-BT-001", "PASS BACKTRACK_ENABLED"},
			// No BacktrackWindowAlert datapoints: the window held now, but over
			// the look-back is unknown, so not a PASS.
			{A + "sls-v2 KG-BT-003", "UNKNOWN METRICS_UNAVAILABLE"},
			{A + "global-member KG-BT-001", "NOT_APPLICABLE GLOBAL_DATABASE_MEMBER"},
			{acctA + "/ap-northeast-1/tokyo KG-BT-003", "UNKNOWN METRICS_UNAVAILABLE"},
			{mgmt + "/us-east-1/mgmt-db KG-BT-003", "UNKNOWN METRICS_UNAVAILABLE"},
			{acctB + "//" + acctB + " KG-BT-000", "ERROR ACCESS_DENIED"},
		}
		for _, tt := range tests {
			if got[tt.key] != tt.want {
				t.Errorf("%s = %q, want %q", tt.key, got[tt.key], tt.want)
			}
		}
		for k := range got {
			if strings.HasPrefix(k, acctB+"/us-east-1/") {
				t.Errorf("denied account's cluster must not be reported: %s", k)
			}
		}
	})

	t.Run("golden", func(t *testing.T) {
		checkGolden(t, "org-scan.findings.json", findings)
	})

	t.Run("KG-BT-003 details and cost", func(t *testing.T) {
		for _, f := range findings {
			if f.RuleID != "KG-BT-003" {
				continue
			}
			switch f.Resource.Name {
			case "mysql-72h":
				if f.Details["monthly_cost_usd"] != 8.76 || f.Details["actual_window_seconds"] != int64(73*3600) ||
					f.Details["target_window_seconds"] != int64(259200) || f.Details["window_alerts"] != 0.0 || f.Details["change_records_stored"] != 1e6 {
					t.Errorf("mysql-72h details: %v", f.Details)
				}
			case "sls-v2":
				// No CloudWatch data: the cost comes from DescribeDBClusters'
				// BacktrackConsumedChangeRecords (5e6 × 0.012 × 730 / 1e6 = 43.80).
				if f.Details["monthly_cost_usd"] != 43.8 || f.Details["change_records_stored"] != 5e6 {
					t.Errorf("sls-v2 details: %v", f.Details)
				}
			case "tokyo":
				if f.Details["monthly_cost_usd"] != nil || !strings.Contains(fmt.Sprint(f.Details["monthly_cost_unknown_reason"]), "ap-northeast-1 is unknown") {
					t.Errorf("tokyo cost must be unknown with the reason: %v", f.Details)
				}
			}
		}
	})

	t.Run("API calls: paginated, batched", func(t *testing.T) {
		calls := fake.Calls()
		// Pages of 2: mgmt us-east-1 1 cluster → 1, mgmt ap-northeast-1 0 → 1,
		// A us-east-1 8 → 4, A ap-northeast-1 1 → 1.
		if calls["rds:DescribeDBClusters"] != 7 {
			t.Errorf("DescribeDBClusters calls = %d, want 7", calls["rds:DescribeDBClusters"])
		}
		// One GetMetricData per account-region with enabled clusters.
		if calls["cloudwatch:GetMetricData"] != 3 {
			t.Errorf("GetMetricData calls = %d, want 3", calls["cloudwatch:GetMetricData"])
		}
		if calls["sts:AssumeRole"] != 2 || calls["organizations:ListAccounts"] != 1 || calls["account:ListRegions"] != 2 {
			t.Errorf("calls: %v", calls)
		}
		// Global clusters are listed once per account, not per region.
		if calls["rds:DescribeGlobalClusters"] != 2 {
			t.Errorf("DescribeGlobalClusters calls = %d, want 2", calls["rds:DescribeGlobalClusters"])
		}
	})

	t.Run("least privilege", func(t *testing.T) {
		var allowed []string
		for _, doc := range [][]byte{ScannerPolicyJSON, ManagementPolicyJSON} {
			a, err := PolicyActions(doc)
			if err != nil {
				t.Fatal(err)
			}
			allowed = append(allowed, a...)
		}
		for _, act := range fake.Actions() {
			if !slices.Contains(allowed, act) {
				t.Errorf("the scan called %s, which the README's IAM policy does not allow", act)
			}
		}
		scanner, _ := PolicyActions(ScannerPolicyJSON)
		for _, a := range scanner {
			op := a[strings.Index(a, ":")+1:]
			if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") {
				t.Errorf("scanner policy must be read-only, has %s", a)
			}
		}
	})
}

// checkGolden compares the findings (without volatile fields) with
// testdata/<name>; -update rewrites it.
func checkGolden(t *testing.T, name string, fs []model.Finding) {
	t.Helper()
	type row struct {
		Rule, Status, Reason, Account, Region, Name, ARN string
		Message, Remediation                             model.Text
		Notes                                            []model.Text   `json:",omitempty"`
		Details                                          map[string]any `json:",omitempty"`
	}
	var rows []row
	for _, f := range fs {
		d := map[string]any{}
		for k, v := range f.Details {
			if k != "earliest_backtrack_time" { // absolute time: volatile
				d[k] = v
			}
		}
		rows = append(rows, row{f.RuleID, string(f.Status), string(f.Reason), f.Resource.Account, f.Resource.Region,
			f.Resource.Name, f.Resource.ARN, f.Message, f.Remediation, f.Notes, d})
	}
	got, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testenv.Golden(t, filepath.Join("testdata", name), append(got, '\n'))
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var _ = context.Background
