package awssource

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestScanExclusions: a live scan reads aurora_enhanced_binlog from each
// distinct cluster parameter group (DescribeDBClusterParameters, moto behind
// the fake) and the region's zero-ETL integrations once (DescribeIntegrations,
// the fake), and the policy takes those clusters out of scope; an engine
// version without backtrack fails. Both calls stay within the read-only
// IAM policy, and AccessDenied on them makes scope UNKNOWN, never in scope.
func TestScanExclusions(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	now := time.Now().UTC().Truncate(time.Second)
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{})
	defer fake.Close()
	c := rds.NewFromConfig(testenv.Config(fake.URL, "us-east-1"))

	for name, val := range map[string]string{"binlog-pg": "1", "plain-pg": "0"} {
		if _, err := c.CreateDBClusterParameterGroup(ctx, &rds.CreateDBClusterParameterGroupInput{
			DBClusterParameterGroupName: aws.String(name), DBParameterGroupFamily: aws.String("aurora-mysql8.0"), Description: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ModifyDBClusterParameterGroup(ctx, &rds.ModifyDBClusterParameterGroupInput{
			DBClusterParameterGroupName: aws.String(name),
			Parameters: []rdstypes.Parameter{
				{ParameterName: aws.String("aurora_enhanced_binlog"), ParameterValue: aws.String(val), ApplyMethod: rdstypes.ApplyMethodPendingReboot},
				{ParameterName: aws.String("binlog_format"), ParameterValue: aws.String("ROW"), ApplyMethod: rdstypes.ApplyMethodPendingReboot},
			}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, fc := range []struct {
		id, engine, version, group string
		window                     int64
	}{
		{"binlog-db", "aurora-mysql", "8.0.mysql_aurora.3.05.2", "binlog-pg", 0},
		{"binlog-db-2", "aurora-mysql", "8.0.mysql_aurora.3.05.2", "binlog-pg", 0},
		{"plain-db", "aurora-mysql", "8.0.mysql_aurora.3.04.3", "plain-pg", 86400},
		{"default-db", "aurora-mysql", "8.0.mysql_aurora.3.08.0", "", 86400},
		{"etl-db", "aurora-mysql", "8.0.mysql_aurora.3.05.2", "", 0},
		{"legacy-db", "aurora-mysql", "5.7.mysql_aurora.2.05.0", "", 86400},
		{"pg", "aurora-postgresql", "15.4", "", 0},
	} {
		in := &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String(fc.id), Engine: aws.String(fc.engine),
			EngineVersion: aws.String(fc.version), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1")}
		if fc.group != "" {
			in.DBClusterParameterGroupName = aws.String(fc.group)
		}
		if fc.window > 0 {
			in.BacktrackWindow = aws.Int64(fc.window)
		}
		out, err := c.CreateDBCluster(ctx, in)
		if err != nil {
			t.Fatalf("create %s: %v", fc.id, err)
		}
		if fc.id == "etl-db" {
			if _, err := c.CreateIntegration(ctx, &rds.CreateIntegrationInput{IntegrationName: aws.String("etl-to-redshift"),
				SourceArn: out.DBCluster.DBClusterArn,
				TargetArn: aws.String("arn:aws:redshift-serverless:us-east-1:123456789012:namespace/11111111-2222-3333-4444-555555555555")}); err != nil {
				t.Fatalf("create integration: %v", err)
			}
		}
	}

	scanEnv(t)
	scan := func(f *testenv.FakeAWS) (model.Inventory, map[string]model.Finding) {
		t.Helper()
		f.ResetCalls()
		inv, err := Scan(ctx, Options{EndpointURL: f.URL, Regions: []string{"us-east-1"}, Now: func() time.Time { return now }, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]model.Finding{}
		for _, fd := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: now}) {
			if fd.RuleID == "KG-BT-001" {
				got[fd.Resource.Name] = fd
			}
		}
		return inv, got
	}

	inv, got := scan(fake)
	want := map[string]string{
		"binlog-db":   "NOT_APPLICABLE ENHANCED_BINLOG",
		"binlog-db-2": "NOT_APPLICABLE ENHANCED_BINLOG",
		"plain-db":    "PASS BACKTRACK_ENABLED",
		"default-db":  "PASS BACKTRACK_ENABLED",
		"etl-db":      "NOT_APPLICABLE ZERO_ETL_INTEGRATION",
		"legacy-db":   "FAIL ENGINE_VERSION_WITHOUT_BACKTRACK",
		"pg":          "NOT_APPLICABLE ENGINE_NOT_AURORA_MYSQL",
	}
	for id, w := range want {
		if g := string(got[id].Status) + " " + string(got[id].Reason); g != w {
			t.Errorf("%s = %q, want %q: %s", id, g, w, got[id].Message.EN)
		}
	}
	if m := got["binlog-db"].Message.EN; !strings.Contains(m, "binlog-pg") {
		t.Errorf("the message should name the parameter group: %s", m)
	}
	if m := got["etl-db"].Message.EN; !strings.Contains(m, "etl-to-redshift") {
		t.Errorf("the message should name the integration: %s", m)
	}
	groups := map[string]bool{}
	for _, cl := range inv.Clusters {
		if cl.Engine.V == "aurora-mysql" {
			groups[cl.Settings.ClusterParameterGroup] = true
		}
	}
	calls := fake.Calls()
	if calls["rds:DescribeIntegrations"] != 1 || calls["rds:DescribeDBClusterParameters"] != len(groups) || len(groups) != 3 {
		t.Errorf("calls %v for parameter groups %v: want one DescribeIntegrations and one DescribeDBClusterParameters per distinct group", calls, groups)
	}
	allowed, _ := PolicyActions(ScannerPolicyJSON)
	for _, act := range fake.Actions() {
		if !slices.Contains(allowed, act) {
			t.Errorf("the scan called %s, which the scanner IAM policy does not allow", act)
		}
	}
	checkGolden(t, "exclusions.golden.json", policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: now}))

	// AccessDenied on the two reads: every Aurora MySQL cluster's scope is
	// UNKNOWN with the error and a way out (grant the permissions).
	denied := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{Deny: func(_, _, action string) bool {
		return action == "rds:DescribeIntegrations" || action == "rds:DescribeDBClusterParameters"
	}})
	defer denied.Close()
	inv, got = scan(denied)
	if len(inv.Diagnostics) != 0 {
		t.Errorf("diagnostics %+v", inv.Diagnostics)
	}
	for id := range want {
		f := got[id]
		if id == "pg" {
			if f.Status != model.StatusNotApplicable {
				t.Errorf("pg = %s", f.Status)
			}
			continue
		}
		if f.Status != model.StatusUnknown || f.Reason != model.ReasonUnresolvedValue || !strings.Contains(f.Message.EN, "AccessDenied") ||
			f.Resolution == nil || f.Resolution.Step != model.StepGrantScopeRead || f.Message.JA == "" {
			t.Errorf("%s with the reads denied = %s/%s %+v: %s", id, f.Status, f.Reason, f.Resolution, f.Message.EN)
		}
	}
}
