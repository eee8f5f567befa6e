package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestMigratePlanThenApply(t *testing.T) {
	mo := startMoto(t)
	api := rds.NewFromConfig(testenv.Config(mo.URL, "eu-west-1"))
	ctx := testenv.WithTimeout(t, 30*time.Second)
	if _, err := api.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String("legacy"), Engine: aws.String("aurora-mysql"),
		EngineVersion: aws.String("8.0.mysql_aurora.3.04.0"), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("secret-pw-123")}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("legacy-1"),
		DBClusterIdentifier: aws.String("legacy"), Engine: aws.String("aurora-mysql"), DBInstanceClass: aws.String("db.r6g.large")}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	common := []string{"--region", "eu-west-1", "--endpoint-url", mo.URL, "--poll-interval", "10ms", "--timeout", "20s"}

	r := runAWS(t, dir, append([]string{"migrate", "legacy"}, common...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "RestoreDBClusterFromSnapshot legacy-bt: to do") || !strings.Contains(r.stdout, "--apply") {
		t.Fatalf("plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("legacy-bt")}); err == nil {
		t.Fatal("the plan created the new cluster")
	}
	r = runAWS(t, dir, append([]string{"migrate", "legacy", "--apply", "--min-window", "48h", "--lang", "ja"}, common...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "確認済み：legacy-bt の BacktrackWindow は 172800 です") {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("legacy-bt")})
	if err != nil || aws.ToInt64(out.DBClusters[0].BacktrackWindow) != 172800 {
		t.Fatalf("new cluster: %v", err)
	}
	// Running it again resumes and changes nothing.
	r = runAWS(t, dir, append([]string{"migrate", "legacy", "--apply", "--min-window", "48h"}, common...)...)
	if r.code != 0 || strings.Count(r.stdout, "exists, resumed") != 3 || strings.Contains(r.stdout, "Created") {
		t.Errorf("second apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "secret-pw-123") {
		t.Error("the password leaked")
	}
}
