package fix

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

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
			DBInstanceIdentifier: aws.String(id + "-" + itoa(int64(i+1))), DBClusterIdentifier: aws.String(id),
			Engine: aws.String("aurora-mysql"), DBInstanceClass: aws.String("db.r6g.large"),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadClusterFromMoto(t *testing.T) {
	mo := testenv.SharedMoto(t)
	mo.Reset(t)
	api := rds.NewFromConfig(testenv.Config(mo.URL, "ap-northeast-1"))
	createSource(t, api, "orders-prod", 1)
	ctx := testenv.WithTimeout(t, 30*time.Second)

	f, err := ReadCluster(ctx, api, "orders-prod")
	if err != nil {
		t.Fatal(err)
	}
	if f.Account != testenv.DefaultAccount || f.Region != "ap-northeast-1" || f.EngineVersion != "8.0.mysql_aurora.3.04.0" || f.BacktrackWindow != 0 {
		t.Errorf("facts %+v", f)
	}
	if len(f.Instances) != 2 || !f.Instances[0].Writer || f.Instances[0].Class != "db.r6g.large" {
		t.Errorf("instances %+v", f.Instances)
	}
	if len(f.SecurityGroups) != 1 || f.Tags["team"] != "payments" {
		t.Errorf("security groups %v, tags %v", f.SecurityGroups, f.Tags)
	}
	// By ARN too.
	if g, err := ReadCluster(ctx, api, f.ARN); err != nil || g.Identifier != "orders-prod" {
		t.Errorf("by ARN: %v %+v", err, g.Identifier)
	}
	if _, err := ReadCluster(ctx, api, "nope"); !errors.Is(err, ErrClusterNotFound) {
		t.Errorf("missing cluster: %v", err)
	}
	md := Runbook(f, RunbookOptions{Lang: "en", WindowSeconds: 86400})
	for _, want := range []string{"--vpc-security-group-ids sg-0123456789abcdef0", "--db-instance-identifier orders-prod-2-bt", "--region ap-northeast-1"} {
		if !strings.Contains(md, want) {
			t.Errorf("runbook lacks %q", want)
		}
	}
	if strings.Contains(md, "not-a-real-password-1") {
		t.Error("runbook shows the master password")
	}
}
