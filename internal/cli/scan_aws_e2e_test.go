package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/kumoguard/kumoguard/internal/cli"
	"github.com/kumoguard/kumoguard/internal/report"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestCLIScanAWS runs `kumoguard scan aws --org` end to end against moto
// behind the fake, with one member whose role cannot be assumed: the JSON
// report is valid and carries the coverage, --fail-on ERROR fails CI on the
// denied account (exit 1), --fail-on none does not (exit 0), and asff is an
// array with one finding per report finding.
func TestCLIScanAWS(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	org := organizations.NewFromConfig(testenv.Config(moto.URL, "us-east-1"))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("denied"), Email: aws.String("d@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	denied := aws.ToString(out.CreateAccountStatus.AccountId)
	if _, err := rds.NewFromConfig(testenv.Config(moto.URL, "us-east-1")).CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String("orders"), Engine: aws.String("aurora-mysql"), BacktrackWindow: aws.Int64(86400),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1")}); err != nil {
		t.Fatal(err)
	}
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{
		Deny: func(account, region, action string) bool { return action == "sts:AssumeRole" && account == denied },
	})
	defer fake.Close()
	testenv.SetFakeCredentials(t)
	dir := t.TempDir()
	t.Chdir(dir)

	run := func(args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		base := []string{"scan", "aws", "--org", "--role-name", "KumoguardScanner", "--endpoint-url", fake.URL}
		code := cli.Run(append(base, args...), &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}

	// A denied account leaves the scan incomplete: exit 3 whatever --fail-on
	// says; with --allow-partial, --fail-on decides.
	code, msg := run("--format", "json", "--output", filepath.Join(dir, "r.json"), "--fail-on", "ERROR")
	if code != cli.ExitIncomplete {
		t.Fatalf("a denied account: exit %d, want 3\n%s", code, msg)
	}
	if code, msg := run("--format", "json", "--fail-on", "ERROR", "--allow-partial"); code != cli.ExitFindings {
		t.Errorf("--fail-on ERROR --allow-partial with a denied account: exit %d, want 1\n%s", code, msg)
	}
	if !strings.Contains(msg, "1 failed") {
		t.Errorf("stderr must give the coverage: %s", msg)
	}
	data, err := os.ReadFile(filepath.Join(dir, "r.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := report.ValidateJSON(data); err != nil {
		t.Fatalf("JSON report invalid: %v", err)
	}
	var rep struct {
		Scan struct {
			Kind     string
			Coverage map[string]int
		}
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Status   string
			Reason   string
			Resource struct{ Account, Region, ARN string }
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Scan.Kind != "aws" || rep.Scan.Coverage["account_regions_failed"] != 1 || rep.Scan.Coverage["account_regions_scanned"] != 2 {
		t.Errorf("scan info: %+v", rep.Scan)
	}
	var sawDenied, sawLive bool
	for _, f := range rep.Findings {
		if f.RuleID == "KG-BT-000" && f.Status == "ERROR" && f.Reason == "ACCESS_DENIED" && f.Resource.Account == denied {
			sawDenied = true
		}
		if f.RuleID == "KG-BT-001" && f.Status == "PASS" && strings.HasSuffix(f.Resource.ARN, ":cluster:orders") && f.Resource.Region == "us-east-1" {
			sawLive = true
		}
	}
	if !sawDenied || !sawLive {
		t.Errorf("findings: denied=%v live=%v %+v", sawDenied, sawLive, rep.Findings)
	}

	if code, msg := run("--format", "json", "--fail-on", "none", "--allow-partial"); code != cli.ExitOK {
		t.Errorf("--fail-on none --allow-partial: exit %d\n%s", code, msg)
	}
	if code, msg := run("--format", "json", "--fail-on", "none"); code != cli.ExitIncomplete {
		t.Errorf("--fail-on none with a denied account: exit %d, want 3 (never a silent green)\n%s", code, msg)
	}

	code, msg = run("--format", "asff", "--fail-on", "none", "--allow-partial")
	if code != cli.ExitOK {
		t.Fatalf("asff: exit %d\n%s", code, msg)
	}
	var asff []map[string]any
	if err := json.Unmarshal([]byte(msg[:strings.LastIndex(msg, "]")+1]), &asff); err != nil {
		t.Fatalf("asff is not a JSON array: %v\n%s", err, msg)
	}
	if len(asff) != len(rep.Findings) {
		t.Errorf("asff has %d findings, report %d", len(asff), len(rep.Findings))
	}
	for _, f := range asff {
		if f["AwsAccountId"] == "" || f["Region"] == "" {
			t.Errorf("asff finding without account/region: %v", f["Id"])
		}
	}

	if code, msg := run("--concurrency", "0"); code != cli.ExitFatal {
		t.Errorf("--concurrency 0: exit %d, want 2\n%s", code, msg)
	}
}
