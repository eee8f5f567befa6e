package fix

import (
	"bytes"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

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
	api := rds.NewFromConfig(testenv.Config(fake.URL, region))
	ctx := testenv.WithTimeout(t, 60*time.Second)
	opts := MigrateOptions{WindowSeconds: 86400, PollInterval: 10 * time.Millisecond, Timeout: 30 * time.Second, Lang: "en"}

	// 1. Plan only: nothing is created.
	var out bytes.Buffer
	opts.Out = &out
	res, err := Migrate(ctx, api, "orders-prod", opts)
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
	_, err = Migrate(ctx, api, "orders-prod", opts)
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
	res, err = Migrate(ctx, api, "orders-prod", opts)
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
	res, err = Migrate(ctx, api, "orders-prod", opts)
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
	src, err := ReadCluster(ctx, direct, "orders-prod")
	if err != nil || src.BacktrackWindow != 0 || len(src.Instances) != 2 || src.Status != "available" {
		t.Errorf("source changed: %v %+v", err, src)
	}
}

func TestMigrateRefuses(t *testing.T) {
	mo := testenv.SharedMoto(t)
	mo.Reset(t)
	api := rds.NewFromConfig(testenv.Config(mo.URL, "us-east-1"))
	ctx := testenv.WithTimeout(t, 30*time.Second)
	opts := MigrateOptions{WindowSeconds: 86400, PollInterval: 10 * time.Millisecond, Timeout: 10 * time.Second, Apply: true}

	// A snapshot with the migration's name that kumoguard did not create.
	createSource(t, api, "billing", 0)
	if _, err := api.CreateDBClusterSnapshot(ctx, &rds.CreateDBClusterSnapshotInput{DBClusterIdentifier: aws.String("billing"),
		DBClusterSnapshotIdentifier: aws.String("billing-pre-backtrack")}); err != nil {
		t.Fatal(err)
	}
	if _, err := Migrate(ctx, api, "billing", opts); !errors.Is(err, ErrNotOurs) {
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
	if _, err := Migrate(ctx, api, "modern", opts); !errors.Is(err, ErrNoMigrationNeeded) {
		t.Errorf("cluster with backtrack: %v", err)
	}
	if _, err := Migrate(ctx, api, "missing", opts); !errors.Is(err, ErrClusterNotFound) {
		t.Errorf("missing cluster: %v", err)
	}
}
