package securityhub

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/report"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestMain(m *testing.M) { testenv.MotoMain(m) }

func liveFinding(acct, id string, st model.Status) model.Finding {
	arn := fmt.Sprintf("arn:aws:rds:us-east-1:%s:cluster:%s", acct, id)
	res := model.Resource{Kind: model.SourceAWS, Type: "AWS::RDS::DBCluster", Address: arn, Name: id, Account: acct, Region: "us-east-1", ARN: arn}
	return model.Finding{RuleID: "KG-BT-001", Status: st, Reason: model.ReasonBacktrackDisabled, Severity: model.SeverityHigh,
		Resource: res, Location: model.Location{Account: acct, Region: "us-east-1", ARN: arn},
		Message: model.T("Backtracking is disabled.", "バックトラックが無効です。"), Fingerprint: model.Fingerprint("KG-BT-001", res, "")}
}

// TestImportBatchesAndUpdates imports 233 findings (3 batches of at most
// 100), imports them again, and checks Security Hub holds 233, not 466:
// stable IDs update findings. Findings of an account without credentials are
// imported into the caller's account.
func TestImportBatchesAndUpdates(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{})
	defer fake.Close()
	ctx := testenv.WithTimeout(t, 30*time.Second)
	caller := testenv.DefaultAccount
	var r model.Report
	r.Scan.StartedAt = time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)
	for i := 0; i < 230; i++ {
		r.Findings = append(r.Findings, liveFinding(caller, fmt.Sprintf("db-%03d", i), model.StatusFail))
	}
	for i := 0; i < 3; i++ {
		r.Findings = append(r.Findings, liveFinding("999999999999", fmt.Sprintf("other-%d", i), model.StatusPass))
	}
	o := Options{
		Defaults: report.ASFFDefaults{Account: caller, Region: "us-east-1"},
		ConfigFor: func(account, region string) (aws.Config, bool) {
			return testenv.Config(fake.URL, region), account == caller
		},
	}
	for round := 0; round < 2; round++ {
		res, err := Import(ctx, r, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != 233 || res.Failed != 0 || res.Calls != 3 {
			t.Fatalf("round %d: %+v", round, res)
		}
	}
	if n := fake.Calls()["securityhub:BatchImportFindings"]; n != 6 {
		t.Errorf("BatchImportFindings calls = %d, want 6", n)
	}
	client := securityhub.NewFromConfig(testenv.Config(moto.URL, "us-east-1"))
	p := securityhub.NewGetFindingsPaginator(client, &securityhub.GetFindingsInput{MaxResults: aws.Int32(100)})
	ids := map[string]bool{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Findings {
			ids[aws.ToString(f.Id)] = true
			if aws.ToString(f.AwsAccountId) != caller {
				t.Errorf("finding %s imported into %s", aws.ToString(f.Id), aws.ToString(f.AwsAccountId))
			}
			if f.Compliance == nil || f.Compliance.Status == "" || len(f.Resources) != 1 {
				t.Errorf("finding lost fields: %+v", f)
			}
		}
	}
	if len(ids) != 233 {
		t.Errorf("Security Hub holds %d findings, want 233 (re-import must update, not duplicate)", len(ids))
	}
	want := report.ASFFFindingID(r.Findings[0])
	if !ids[want] {
		t.Errorf("stable ID %s not found", want)
	}
}

// TestImportIntoHomeRegion: with Options.Region every finding goes to that
// region's Security Hub, whatever region its resource is in.
func TestImportIntoHomeRegion(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	caller := testenv.DefaultAccount
	var r model.Report
	f := liveFinding(caller, "tokyo-db", model.StatusFail)
	f.Resource.Region, f.Location.Region = "ap-northeast-1", "ap-northeast-1"
	r.Findings = []model.Finding{f}
	var regions []string
	res, err := Import(ctx, r, Options{
		Defaults: report.ASFFDefaults{Account: caller, Region: "us-east-1"},
		Region:   "eu-west-1",
		ConfigFor: func(account, region string) (aws.Config, bool) {
			regions = append(regions, region)
			return testenv.Config(moto.URL, region), true
		},
	})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	out, err := securityhub.NewFromConfig(testenv.Config(moto.URL, "eu-west-1")).GetFindings(ctx, &securityhub.GetFindingsInput{})
	if err != nil || len(out.Findings) != 1 {
		t.Fatalf("eu-west-1 holds %d findings (%v)", len(out.Findings), err)
	}
	got := out.Findings[0]
	if aws.ToString(got.Region) != "eu-west-1" || aws.ToString(got.Resources[0].Region) != "ap-northeast-1" {
		t.Errorf("finding region %s, resource region %s", aws.ToString(got.Region), aws.ToString(got.Resources[0].Region))
	}
	for _, rg := range regions {
		if rg != "eu-west-1" {
			t.Errorf("called Security Hub in %s", rg)
		}
	}
}
