package awssource

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/awsapi"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestDescribeCluster reads one cluster from moto by identifier and by ARN
// (whose Region wins over the configuration's) and gets what a scan builds,
// plus the settings and instances a migration copies.
func TestDescribeCluster(t *testing.T) {
	mo := testenv.SharedMoto(t)
	mo.Reset(t)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	region := "ap-northeast-1"
	api := rds.NewFromConfig(testenv.Config(mo.URL, region))
	if _, err := api.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String("orders-prod"), Engine: aws.String("aurora-mysql"),
		EngineVersion: aws.String("8.0.mysql_aurora.3.04.0"), MasterUsername: aws.String("admin"),
		MasterUserPassword: aws.String("not-a-real-password-1"), Port: aws.Int32(3306),
		VpcSecurityGroupIds: []string{"sg-0123456789abcdef0"},
		Tags:                []rdstypes.Tag{{Key: aws.String("team"), Value: aws.String("payments")}},
	}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		if _, err := api.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(fmt.Sprintf("orders-prod-%d", i)), DBClusterIdentifier: aws.String("orders-prod"),
			Engine: aws.String("aurora-mysql"), DBInstanceClass: aws.String("db.r6g.large")}); err != nil {
			t.Fatal(err)
		}
	}
	// An instance of another cluster is not one of its instances.
	if _, err := api.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String("other"), Engine: aws.String("aurora-mysql"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("other-1"),
		DBClusterIdentifier: aws.String("other"), Engine: aws.String("aurora-mysql"), DBInstanceClass: aws.String("db.t4g.medium")}); err != nil {
		t.Fatal(err)
	}

	c, err := DescribeCluster(ctx, testenv.Config(mo.URL, region), "orders-prod")
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != model.SourceAWS || c.Type != ClusterType || c.Account != testenv.DefaultAccount || c.Region != region ||
		c.Name != "orders-prod" || c.Address != c.ARN || c.Status != "available" || c.Tags["team"] != "payments" {
		t.Errorf("identity %+v", c)
	}
	if v, _ := c.EngineVersion.Get(); v != "8.0.mysql_aurora.3.04.0" {
		t.Errorf("engine version %q", v)
	}
	if bt, ok := c.BacktrackWindow.Get(); !ok || bt != 0 {
		t.Errorf("window %+v", c.BacktrackWindow)
	}
	if c.Settings == nil || c.Settings.Port != 3306 || len(c.Settings.SecurityGroups) != 1 || c.Settings.SecurityGroups[0] != "sg-0123456789abcdef0" {
		t.Errorf("settings %+v", c.Settings)
	}
	if len(c.Instances) != 2 || !c.Instances[0].Writer || c.Instances[0].Class != "db.r6g.large" || c.Instances[1].Writer ||
		len(c.InstanceClasses) != 2 {
		t.Errorf("instances %+v classes %v", c.Instances, c.InstanceClasses)
	}
	if v, ok := c.ServerlessV2.Get(); !ok || v {
		t.Errorf("serverless v2 %+v", c.ServerlessV2)
	}

	// By ARN, with a configuration in another Region.
	byARN, err := DescribeCluster(ctx, testenv.Config(mo.URL, "us-east-1"), c.ARN)
	if err != nil || byARN.Name != "orders-prod" || byARN.Region != region {
		t.Errorf("by ARN: %v %s %s", err, byARN.Name, byARN.Region)
	}
	if _, err := DescribeCluster(ctx, testenv.Config(mo.URL, region), "nope"); !errors.Is(err, ErrClusterNotFound) {
		t.Errorf("missing cluster: %v", err)
	}
}

// TestDescribeClusterCallTimeout: against an endpoint that never answers,
// DescribeCluster fails with the call timeout instead of hanging.
func TestDescribeClusterCallTimeout(t *testing.T) {
	cfg, err := awsapi.Configure(testenv.Config(testenv.SilentEndpoint(t), "us-east-1"), awsapi.Options{CallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testenv.WithTimeout(t, 2*time.Minute)
	if _, err := DescribeCluster(ctx, cfg, "orders-prod"); !errors.Is(err, awsapi.ErrCallTimeout) {
		t.Fatalf("err = %v, want the call timeout", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the outer context expired")
	}
}

// TestScannerCallTimeout: a scan against an endpoint that never answers
// fails at its first call (GetCallerIdentity) with the call timeout.
func TestScannerCallTimeout(t *testing.T) {
	scanEnv(t)
	ctx := testenv.WithTimeout(t, 2*time.Minute)
	_, err := NewScanner(ctx, Options{EndpointURL: testenv.SilentEndpoint(t), CallTimeout: 300 * time.Millisecond, Regions: []string{"us-east-1"}})
	if err == nil || !strings.Contains(err.Error(), "call timeout") || ctx.Err() != nil {
		t.Fatalf("err = %v, outer context %v", err, ctx.Err())
	}
}
