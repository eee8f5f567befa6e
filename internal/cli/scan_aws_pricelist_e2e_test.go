package cli_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/kumoguard/kumoguard/internal/cli"
	awssource "github.com/kumoguard/kumoguard/internal/source/aws"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestCLIScanAWSPriceList runs `kumoguard scan aws` against moto behind the
// fake (which answers the Price List API moto lacks) with an Aurora MySQL
// cluster in Tokyo and one in us-east-1:
//   - without --price-list, Tokyo's cost is unknown (the built-in table has
//     us-east-1 only) and the scan calls no pricing action;
//   - with --price-list, Tokyo gets monthly_cost_usd from the Price List with
//     details.price_source naming it, and the only extra action is
//     pricing:GetProducts (allowed by iam/pricelist-policy.json), once per region;
//   - when the Price List answers AccessDenied, us-east-1 falls back to the
//     table (price_source says so and why), Tokyo is unknown with the reason,
//     and stderr warns.
func TestCLIScanAWSPriceList(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	for _, region := range []string{"us-east-1", "ap-northeast-1"} {
		if _, err := rds.NewFromConfig(testenv.Config(moto.URL, region)).CreateDBCluster(ctx, &rds.CreateDBClusterInput{
			DBClusterIdentifier: aws.String("orders-" + region), Engine: aws.String("aurora-mysql"), BacktrackWindow: aws.Int64(86400),
			MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1")}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	// Prices per change-record-hour as the API gives them. The Tokyo figure
	// is test data only (no Tokyo price is cited anywhere in kumoguard).
	priceList := &testenv.FakePriceList{Products: []testenv.FakePriceListProduct{
		testenv.BacktrackProduct("us-east-1", "Aurora:BacktrackUsage", "CR-Hr", "0.0000000120"),
		testenv.BacktrackProduct("ap-northeast-1", "APN1-Aurora:StorageIOUsage", "IOs", "0.0000002000"),
		testenv.BacktrackProduct("ap-northeast-1", "APN1-Aurora:BacktrackUsage", "CR-Hr", "0.0000000150"),
	}, PageSize: 1}
	newFake := func(denyPricing bool) *testenv.FakeAWS {
		f := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{
			EarliestBacktrackTime: func(_, _, _ string) *time.Time { t := now.Add(-25 * time.Hour); return &t },
			ConsumedChangeRecords: func(_, _, _ string) *int64 { n := int64(2_000_000); return &n },
			PriceList:             priceList,
			Deny:                  func(_, _, action string) bool { return denyPricing && action == "pricing:GetProducts" },
		})
		t.Cleanup(f.Close)
		return f
	}
	testenv.SetFakeCredentials(t)
	dir := t.TempDir()

	type finding struct {
		RuleID   string `json:"rule_id"`
		Resource struct{ Region string }
		Details  map[string]any
	}
	scan := func(fake *testenv.FakeAWS, name string, extra ...string) (map[string]finding, string) {
		t.Helper()
		out := filepath.Join(dir, name+".json")
		var stdout, stderr bytes.Buffer
		args := append([]string{"scan", "aws", "--endpoint-url", fake.URL, "--regions", "us-east-1,ap-northeast-1",
			"--format", "json", "--output", out, "--fail-on", "none"}, extra...)
		if code := cli.Run(args, &stdout, &stderr); code != cli.ExitOK {
			t.Fatalf("%s: exit %d\n%s%s", name, code, stdout.String(), stderr.String())
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var rep struct{ Findings []finding }
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		byRegion := map[string]finding{}
		for _, f := range rep.Findings {
			if f.RuleID == "KG-BT-003" {
				byRegion[f.Resource.Region] = f
			}
		}
		if len(byRegion) != 2 {
			t.Fatalf("%s: want a KG-BT-003 finding per region, got %+v", name, rep.Findings)
		}
		return byRegion, stderr.String()
	}
	cost := func(f finding) float64 {
		v, _ := f.Details["monthly_cost_usd"].(float64)
		return v
	}
	str := func(f finding, key string) string { s, _ := f.Details[key].(string); return s }
	// 2,000,000 records × price per 1M record-hours × 730 h.
	const usEast1Cost, tokyoCost = 2 * 0.012 * 730, 2 * 0.015 * 730

	plain := newFake(false)
	off, _ := scan(plain, "off")
	if f := off["ap-northeast-1"]; f.Details["monthly_cost_usd"] != nil || !strings.Contains(str(f, "monthly_cost_unknown_reason"), "--price-list") {
		t.Errorf("without --price-list Tokyo's cost must be unknown, pointing at --price-list: %v", f.Details)
	}
	if f := off["us-east-1"]; math.Abs(cost(f)-usEast1Cost) > 0.005 || !strings.Contains(str(f, "price_source"), "built-in price table") {
		t.Errorf("without --price-list us-east-1 uses the table: %v", f.Details)
	}
	actionsOff := plain.Actions()

	withPL := newFake(false)
	on, stderr := scan(withPL, "on", "--price-list")
	tokyo := on["ap-northeast-1"]
	if math.Abs(cost(tokyo)-tokyoCost) > 0.005 || tokyo.Details["price_usd_per_million_record_hours"] != 0.015 {
		t.Errorf("Tokyo with --price-list: want USD %.2f at 0.015 per 1M, got %v", tokyoCost, tokyo.Details)
	}
	if src := str(tokyo, "price_source"); !strings.HasPrefix(src, "AWS Price List API, ") || !strings.Contains(src, "APN1-Aurora:BacktrackUsage") {
		t.Errorf("Tokyo's price_source must name the Price List and usage type: %q", src)
	}
	if src := str(on["us-east-1"], "price_source"); !strings.HasPrefix(src, "AWS Price List API, ") {
		t.Errorf("us-east-1's price_source with --price-list: %q", src)
	}
	if strings.Contains(stderr, "warning") {
		t.Errorf("no warning expected when the Price List answers: %s", stderr)
	}
	// Two regions, two pages each (page size 1, Tokyo has 2 System Operation products; us-east-1 1).
	if n := withPL.Calls()["pricing:GetProducts"]; n != 3 {
		t.Errorf("GetProducts calls = %d, want 3 (us-east-1: 1 page, Tokyo: 2 pages)", n)
	}
	var extra []string
	for _, a := range withPL.Actions() {
		if !slices.Contains(actionsOff, a) {
			extra = append(extra, a)
		}
	}
	if !slices.Equal(extra, []string{"pricing:GetProducts"}) || slices.Contains(actionsOff, "pricing:GetProducts") {
		t.Errorf("--price-list must add exactly pricing:GetProducts; without: %v, with: %v", actionsOff, withPL.Actions())
	}
	var allowed []string
	for _, doc := range [][]byte{awssource.ScannerPolicyJSON, awssource.PriceListPolicyJSON} {
		a, err := awssource.PolicyActions(doc)
		if err != nil {
			t.Fatal(err)
		}
		allowed = append(allowed, a...)
	}
	for _, a := range withPL.Actions() {
		if !slices.Contains(allowed, a) {
			t.Errorf("the --price-list scan called %s, outside the scanner and price-list policies", a)
		}
	}

	denied := newFake(true)
	fb, stderr := scan(denied, "denied", "--price-list")
	if f := fb["us-east-1"]; math.Abs(cost(f)-usEast1Cost) > 0.005 ||
		!strings.Contains(str(f, "price_source"), "built-in price table") || !strings.Contains(str(f, "price_source"), "AccessDenied") {
		t.Errorf("AccessDenied: us-east-1 must fall back to the table and say why: %v", f.Details)
	}
	if f := fb["ap-northeast-1"]; f.Details["monthly_cost_usd"] != nil ||
		!strings.Contains(str(f, "monthly_cost_unknown_reason"), "Price List API failed") || !strings.Contains(str(f, "monthly_cost_unknown_reason"), "AccessDenied") {
		t.Errorf("AccessDenied: Tokyo must be unknown with the reason: %v", f.Details)
	}
	if !strings.Contains(stderr, "warning: the AWS Price List API failed") {
		t.Errorf("stderr must warn about the fallback: %s", stderr)
	}
	if n := denied.Calls()["pricing:GetProducts"]; n != 1 {
		t.Errorf("after AccessDenied the scan must stop calling the Price List: %d calls", n)
	}
}
