package awsapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/kumoguard/kumoguard/internal/awsapi"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestMain(m *testing.M) { testenv.MotoMain(m) }

// cleanEnv gives the standard chain static test credentials and nothing else.
func cleanEnv(t *testing.T) {
	testenv.SetFakeCredentials(t)
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_MAX_ATTEMPTS", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_RDS"} {
		t.Setenv(k, "")
	}
}

func TestLoadRegion(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     string // AWS_REGION
		o       awsapi.Options
		want    string
		wantErr error
	}{
		{name: "flag", o: awsapi.Options{Region: "eu-west-1"}, want: "eu-west-1"},
		{name: "flag wins over environment", env: "ap-northeast-1", o: awsapi.Options{Region: "eu-west-1"}, want: "eu-west-1"},
		{name: "environment", env: "ap-northeast-1", want: "ap-northeast-1"},
		{name: "environment wins over default", env: "ap-northeast-1", o: awsapi.Options{DefaultRegion: "us-east-1"}, want: "ap-northeast-1"},
		{name: "default", o: awsapi.Options{DefaultRegion: "us-east-1"}, want: "us-east-1"},
		{name: "none is an error", wantErr: awsapi.ErrNoRegion},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			t.Setenv("AWS_REGION", tt.env)
			cfg, err := awsapi.Load(context.Background(), tt.o)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if cfg.Region != tt.want {
				t.Errorf("region %q, want %q", cfg.Region, tt.want)
			}
		})
	}
}

// TestEndpointOverride: with --endpoint-url every call goes to moto_server,
// whose default account answers GetCallerIdentity; the standard chain's
// static credentials are used.
func TestEndpointOverride(t *testing.T) {
	mo := testenv.SharedMoto(t)
	cleanEnv(t)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	cfg, err := awsapi.Load(ctx, awsapi.Options{Region: "eu-west-1", EndpointURL: mo.URL, CallTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(cfg.BaseEndpoint) != mo.URL {
		t.Fatalf("BaseEndpoint %q", aws.ToString(cfg.BaseEndpoint))
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != testenv.DefaultAccount {
		t.Errorf("account %q: the call did not reach moto", aws.ToString(id.Account))
	}
	// An assumed role goes through the same endpoint and gets the role's account.
	role := awsapi.AssumeRole(cfg, awsapi.RoleARN(cfg.Region, "210987654321", "Scanner"), awsapi.AssumeRoleOptions{SessionName: "kumoguard"})
	id, err = sts.NewFromConfig(awsapi.For(cfg, role, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != "210987654321" || !strings.Contains(aws.ToString(id.Arn), "assumed-role/Scanner/kumoguard") {
		t.Errorf("assumed identity %s %s", aws.ToString(id.Account), aws.ToString(id.Arn))
	}
}

func TestMaxAttempts(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  string
		opt  int
		want int
	}{
		{name: "default", want: awsapi.DefaultMaxAttempts},
		{name: "AWS_MAX_ATTEMPTS", env: "3", want: 3},
		{name: "option wins", env: "3", opt: 5, want: 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			t.Setenv("AWS_MAX_ATTEMPTS", tt.env)
			cfg, err := awsapi.Load(context.Background(), awsapi.Options{Region: "us-east-1", MaxAttempts: tt.opt})
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Retryer().MaxAttempts(); got != tt.want {
				t.Errorf("MaxAttempts %d, want %d", got, tt.want)
			}
		})
	}
}

// TestCallTimeoutAgainstSilentEndpoint: every kind of call (a plain call, a
// paginator's page, a waiter's poll, an AssumeRole for credentials) against
// an endpoint that accepts connections and never answers fails with
// ErrCallTimeout instead of hanging. The outer context is generous so that a
// regression fails instead of hanging the suite.
func TestCallTimeoutAgainstSilentEndpoint(t *testing.T) {
	cleanEnv(t)
	silent := testenv.SilentEndpoint(t)
	ctx := testenv.WithTimeout(t, 2*time.Minute)
	cfg, err := awsapi.Load(ctx, awsapi.Options{Region: "us-east-1", EndpointURL: silent, CallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		call func(context.Context) error
	}{
		{name: "call", call: func(ctx context.Context) error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}},
		{name: "page", call: func(ctx context.Context) error {
			_, err := rds.NewDescribeDBClustersPaginator(rds.NewFromConfig(cfg), &rds.DescribeDBClustersInput{}).NextPage(ctx)
			return err
		}},
		{name: "waiter", call: func(ctx context.Context) error {
			return rds.NewDBClusterAvailableWaiter(rds.NewFromConfig(cfg)).Wait(ctx,
				&rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("x")}, time.Hour)
		}},
		{name: "assume role", call: func(ctx context.Context) error {
			_, err := awsapi.AssumeRole(cfg, awsapi.RoleARN("us-east-1", "210987654321", "Scanner"), awsapi.AssumeRoleOptions{SessionName: "kumoguard"}).Retrieve(ctx)
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(ctx)
			if !errors.Is(err, awsapi.ErrCallTimeout) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want the call timeout", err)
			}
			if ctx.Err() != nil {
				t.Fatal("the outer context expired: the call was not bounded by the call timeout")
			}
			if !strings.Contains(err.Error(), "300ms") {
				t.Errorf("the error does not say the timeout: %v", err)
			}
		})
	}
}

// TestCallTimeoutIsPerPage: the timeout bounds each page, not the whole
// paginated call: an endpoint that answers the first page and hangs on the
// second gives one page and then ErrCallTimeout.
func TestCallTimeoutIsPerPage(t *testing.T) {
	cleanEnv(t)
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "Marker=page2") {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClustersResult>`+
			`<DBClusters><DBCluster><DBClusterIdentifier>one</DBClusterIdentifier></DBCluster></DBClusters><Marker>page2</Marker>`+
			`</DescribeDBClustersResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeDBClustersResponse>`)
	}))
	defer srv.Close()
	defer close(hang)
	ctx := testenv.WithTimeout(t, 2*time.Minute)
	// Long enough for the first page to be answered on a loaded machine.
	cfg, err := awsapi.Load(ctx, awsapi.Options{Region: "us-east-1", EndpointURL: srv.URL, CallTimeout: 3 * time.Second, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := rds.NewDescribeDBClustersPaginator(rds.NewFromConfig(cfg), &rds.DescribeDBClustersInput{})
	page, err := p.NextPage(ctx)
	if err != nil || len(page.DBClusters) != 1 || !p.HasMorePages() {
		t.Fatalf("first page: %v", err)
	}
	if _, err := p.NextPage(ctx); !errors.Is(err, awsapi.ErrCallTimeout) {
		t.Fatalf("second page: %v, want the call timeout", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the outer context expired")
	}
}

// TestOuterCancelIsNotACallTimeout: when the caller's own context ends, the
// error says so and is not reported as a call timeout.
func TestOuterCancelIsNotACallTimeout(t *testing.T) {
	cleanEnv(t)
	silent := testenv.SilentEndpoint(t)
	cfg, err := awsapi.Load(context.Background(), awsapi.Options{Region: "us-east-1", EndpointURL: silent, CallTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil || errors.Is(err, awsapi.ErrCallTimeout) {
		t.Fatalf("err = %v, want the caller's deadline only", err)
	}
}

// TestConfigureTwice: applying the options again replaces the timeout
// instead of stacking a second one.
func TestConfigureTwice(t *testing.T) {
	cleanEnv(t)
	silent := testenv.SilentEndpoint(t)
	ctx := testenv.WithTimeout(t, 2*time.Minute)
	cfg, err := awsapi.Configure(testenv.Config(silent, "us-east-1"), awsapi.Options{CallTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err = awsapi.Configure(cfg, awsapi.Options{CallTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if !errors.Is(err, awsapi.ErrCallTimeout) || !strings.Contains(err.Error(), "200ms") {
		t.Fatalf("err = %v, want the 200ms call timeout", err)
	}
}
