package migrate

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/awsapi"
	awssource "github.com/kumoguard/kumoguard/internal/source/aws"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// One moto_server for the package; tests that need it skip without it.
func TestMain(m *testing.M) { testenv.MotoMain(m) }

// createSource creates an aurora-mysql cluster without backtrack and its
// instances in moto, the way a legacy cluster looks.
func createSource(t *testing.T, api *rds.Client, id string, readers int) {
	t.Helper()
	ctx := testenv.WithTimeout(t, 30*time.Second)
	_, err := api.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String(id), Engine: aws.String("aurora-mysql"),
		EngineVersion: aws.String("8.0.mysql_aurora.3.04.0"), MasterUsername: aws.String("admin"),
		MasterUserPassword: aws.String("not-a-real-password-1"), Port: aws.Int32(3306),
		VpcSecurityGroupIds: []string{"sg-0123456789abcdef0"}, DeletionProtection: aws.Bool(false),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("payments")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= readers; i++ {
		_, err := api.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(fmt.Sprintf("%s-%d", id, i+1)), DBClusterIdentifier: aws.String(id),
			Engine: aws.String("aurora-mysql"), DBInstanceClass: aws.String("db.r6g.large"),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// mutating lists every RDS action that changes something. Migrate may call
// only the three Create actions of its plan.
func mutatingCalls(calls map[string]int) map[string]int {
	out := map[string]int{}
	for a, n := range calls {
		name := strings.TrimPrefix(a, "rds:")
		if strings.HasPrefix(name, "Describe") || strings.HasPrefix(name, "List") {
			continue
		}
		out[name] = n
	}
	return out
}

func TestMigrateAgainstMoto(t *testing.T) {
	mo := testenv.SharedMoto(t)
	mo.Reset(t)
	region := "ap-northeast-1"
	direct := rds.NewFromConfig(testenv.Config(mo.URL, region))
	createSource(t, direct, "orders-prod", 1)
	var denyInstances atomic.Bool
	fake := testenv.NewFakeAWS(mo.URL, testenv.FakeOptions{Deny: func(_, _, action string) bool {
		return denyInstances.Load() && action == "rds:CreateDBInstance"
	}})
	defer fake.Close()
	cfg := testenv.Config(fake.URL, region)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	opts := Options{WindowSeconds: 86400, PollInterval: 10 * time.Millisecond, Timeout: 30 * time.Second, Lang: "en"}

	// 1. Plan only: nothing is created.
	var out bytes.Buffer
	opts.Out = &out
	res, err := Run(ctx, cfg, "orders-prod", opts)
	if err != nil {
		t.Fatal(err)
	}
	if m := mutatingCalls(fake.Calls()); len(m) != 0 {
		t.Fatalf("plan without --apply called %v", m)
	}
	if len(res.Steps) != 4 || res.Steps[0].State != StepPlanned || !strings.Contains(out.String(), "run again with --apply") {
		t.Fatalf("plan: %+v\n%s", res.Steps, out.String())
	}

	// 2. Interrupted: the instances cannot be created.
	denyInstances.Store(true)
	opts.Apply = true
	_, err = Run(ctx, cfg, "orders-prod", opts)
	if err == nil || !strings.Contains(err.Error(), "CreateDBInstance") {
		t.Fatalf("interrupted run: %v", err)
	}
	first := mutatingCalls(fake.Calls())
	if first["CreateDBClusterSnapshot"] != 1 || first["RestoreDBClusterFromSnapshot"] != 1 {
		t.Fatalf("interrupted run calls %v", first)
	}

	// 3. Resumed: only what is missing is created.
	denyInstances.Store(false)
	fake.ResetCalls()
	out.Reset()
	res, err = Run(ctx, cfg, "orders-prod", opts)
	if err != nil {
		t.Fatalf("resumed run: %v\n%s", err, out.String())
	}
	if m := mutatingCalls(fake.Calls()); len(m) != 1 || m["CreateDBInstance"] != 2 {
		t.Errorf("resumed run calls %v, want only 2 CreateDBInstance", m)
	}
	if !res.Verified || res.Steps[0].State != StepExists || res.Steps[1].State != StepExists || res.Steps[2].State != StepCreated {
		t.Errorf("resumed steps %+v verified %v", res.Steps, res.Verified)
	}
	if !strings.Contains(out.String(), "exists, resumed") {
		t.Errorf("output does not say it resumed:\n%s", out.String())
	}

	// 4. Again: nothing to do, still verified.
	fake.ResetCalls()
	res, err = Run(ctx, cfg, "orders-prod", opts)
	if err != nil || !res.Verified {
		t.Fatalf("third run: %v %+v", err, res)
	}
	if m := mutatingCalls(fake.Calls()); len(m) != 0 {
		t.Errorf("third run calls %v", m)
	}

	// The new cluster has backtrack, the instances of the source, and the tag.
	nc, err := direct.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("orders-prod-bt")})
	if err != nil {
		t.Fatal(err)
	}
	if bt := aws.ToInt64(nc.DBClusters[0].BacktrackWindow); bt != 86400 || !hasTag(nc.DBClusters[0].TagList, "orders-prod") {
		t.Errorf("new cluster window %d tags %v", bt, nc.DBClusters[0].TagList)
	}
	ins, _ := direct.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{Filters: []types.Filter{{Name: aws.String("db-cluster-id"), Values: []string{"orders-prod-bt"}}}})
	var got []string
	for _, i := range ins.DBInstances {
		if aws.ToString(i.DBClusterIdentifier) == "orders-prod-bt" {
			got = append(got, aws.ToString(i.DBInstanceIdentifier)+"/"+aws.ToString(i.DBInstanceClass))
		}
	}
	if strings.Join(got, ",") != "orders-prod-1-bt/db.r6g.large,orders-prod-2-bt/db.r6g.large" {
		t.Errorf("new instances %v", got)
	}
	// The source is untouched.
	src, err := awssource.DescribeCluster(ctx, testenv.Config(mo.URL, region), "orders-prod")
	if bt, _ := src.BacktrackWindow.Get(); err != nil || bt != 0 || len(src.Instances) != 2 || src.Status != "available" {
		t.Errorf("source changed: %v %+v", err, src)
	}
}

func TestMigrateRefuses(t *testing.T) {
	mo := testenv.SharedMoto(t)
	mo.Reset(t)
	cfg := testenv.Config(mo.URL, "us-east-1")
	api := rds.NewFromConfig(cfg)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	opts := Options{WindowSeconds: 86400, PollInterval: 10 * time.Millisecond, Timeout: 10 * time.Second, Apply: true}

	// A snapshot with the migration's name that kumoguard did not create.
	createSource(t, api, "billing", 0)
	if _, err := api.CreateDBClusterSnapshot(ctx, &rds.CreateDBClusterSnapshotInput{DBClusterIdentifier: aws.String("billing"),
		DBClusterSnapshotIdentifier: aws.String("billing-pre-backtrack")}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, cfg, "billing", opts); !errors.Is(err, ErrNotOurs) {
		t.Errorf("foreign snapshot: %v", err)
	}
	if _, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("billing-bt")}); err == nil {
		t.Error("migrate went on after a foreign snapshot")
	}

	// A cluster that already has backtrack.
	if _, err := api.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String("modern"), Engine: aws.String("aurora-mysql"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1"), BacktrackWindow: aws.Int64(3600)}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, cfg, "modern", opts); !errors.Is(err, ErrNoMigrationNeeded) {
		t.Errorf("cluster with backtrack: %v", err)
	}
	if _, err := Run(ctx, cfg, "missing", opts); !errors.Is(err, awssource.ErrClusterNotFound) {
		t.Errorf("missing cluster: %v", err)
	}
}

// TestRunAgainstSilentEndpoint: against an endpoint that never answers, Run
// fails with the call timeout instead of hanging (with and without --apply).
func TestRunAgainstSilentEndpoint(t *testing.T) {
	silent := testenv.SilentEndpoint(t)
	cfg, err := awsapi.Configure(testenv.Config(silent, "us-east-1"), awsapi.Options{CallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testenv.WithTimeout(t, 2*time.Minute)
	for _, apply := range []bool{false, true} {
		_, err := Run(ctx, cfg, "orders-prod", Options{Apply: apply, PollInterval: 10 * time.Millisecond, Timeout: time.Hour})
		if !errors.Is(err, awsapi.ErrCallTimeout) {
			t.Errorf("apply=%v: err = %v, want the call timeout", apply, err)
		}
	}
	if ctx.Err() != nil {
		t.Fatal("the outer context expired: Run was not bounded by the call timeout")
	}
}
