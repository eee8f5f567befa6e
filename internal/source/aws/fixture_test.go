package awssource

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestMain(m *testing.M) { testenv.MotoMain(m) }

// accountConfig is a moto config acting as account acct (x-moto-account-id;
// only for building fixtures, never for the scan itself).
func accountConfig(moto, acct, region string) aws.Config {
	cfg := testenv.Config(moto, region)
	if acct != "" {
		cfg.APIOptions = append(cfg.APIOptions, smithyhttp.AddHeaderValue("x-moto-account-id", acct))
	}
	return cfg
}

// fixtureCluster is one cluster to create in moto.
type fixtureCluster struct {
	id, engine, mode string
	window           int64
	writerClass      string // "" = no instance
	serverlessV2     bool
	global           string
	earliestAgo      time.Duration // injected by the fake; 0 = none
}

func createClusters(t *testing.T, ctx context.Context, cfg aws.Config, cs []fixtureCluster) {
	t.Helper()
	c := rds.NewFromConfig(cfg)
	for _, fc := range cs {
		if fc.global != "" {
			_, err := c.CreateGlobalCluster(ctx, &rds.CreateGlobalClusterInput{
				GlobalClusterIdentifier: aws.String(fc.global), Engine: aws.String(fc.engine)})
			if err != nil {
				t.Fatalf("create global cluster %s: %v", fc.global, err)
			}
		}
		in := &rds.CreateDBClusterInput{
			DBClusterIdentifier: aws.String(fc.id),
			Engine:              aws.String(fc.engine),
			MasterUsername:      aws.String("admin"),
			MasterUserPassword:  aws.String("not-a-real-password-1"),
			Tags:                []rdstypes.Tag{{Key: aws.String("team"), Value: aws.String("payments")}},
		}
		if fc.mode != "" {
			in.EngineMode = aws.String(fc.mode)
		}
		if fc.mode == "serverless" {
			in.ScalingConfiguration = &rdstypes.ScalingConfiguration{MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(4)}
		}
		if fc.window > 0 {
			in.BacktrackWindow = aws.Int64(fc.window)
		}
		if fc.serverlessV2 {
			in.ServerlessV2ScalingConfiguration = &rdstypes.ServerlessV2ScalingConfiguration{MinCapacity: aws.Float64(0.5), MaxCapacity: aws.Float64(8)}
		}
		if fc.global != "" {
			in.GlobalClusterIdentifier = aws.String(fc.global)
		}
		if _, err := c.CreateDBCluster(ctx, in); err != nil {
			t.Fatalf("create cluster %s: %v", fc.id, err)
		}
		if fc.writerClass != "" {
			_, err := c.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
				DBInstanceIdentifier: aws.String(fc.id + "-writer"),
				DBClusterIdentifier:  aws.String(fc.id),
				DBInstanceClass:      aws.String(fc.writerClass),
				Engine:               aws.String(fc.engine),
			})
			if err != nil {
				t.Fatalf("create instance for %s: %v", fc.id, err)
			}
		}
	}
}

// putMetric writes datapoints for an AWS/RDS metric.
func putMetric(t *testing.T, ctx context.Context, cfg aws.Config, metric, dim, value string, now time.Time, vals ...float64) {
	t.Helper()
	var data []cwtypes.MetricDatum
	for i, v := range vals {
		data = append(data, cwtypes.MetricDatum{
			MetricName: aws.String(metric),
			Dimensions: []cwtypes.Dimension{{Name: aws.String(dim), Value: aws.String(value)}},
			Timestamp:  aws.Time(now.Add(-time.Duration(i+1) * time.Hour)),
			Value:      aws.Float64(v),
		})
	}
	// PutMetricData is gzip-compressed by default, which moto cannot read.
	noGzip := func(o *cloudwatch.Options) { o.DisableRequestCompression = true }
	if _, err := NewCloudWatchClient(cfg).PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/RDS"), MetricData: data}, noGzip); err != nil {
		t.Fatalf("put %s: %v", metric, err)
	}
}

// createOrg makes an organization in the default (management) account and
// n member accounts; it returns their IDs.
func createOrg(t *testing.T, ctx context.Context, moto string, n int) []string {
	t.Helper()
	org := organizations.NewFromConfig(testenv.Config(moto, "us-east-1"))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatalf("create organization: %v", err)
	}
	var ids []string
	for i := 0; i < n; i++ {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{
			AccountName: aws.String("member"), Email: aws.String("member@example.com")})
		if err != nil {
			t.Fatalf("create account: %v", err)
		}
		ids = append(ids, aws.ToString(out.CreateAccountStatus.AccountId))
	}
	return ids
}

// scanEnv points the standard credential chain at static test credentials
// and away from any local AWS configuration.
func scanEnv(t *testing.T) { testenv.SetFakeCredentials(t) }
