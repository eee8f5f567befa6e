package pricing_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/pricing"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// The backtrack entries of the fake Price List (prices are per change
// record-hour, as the API gives them; 0.000000012 is us-east-1's, https://aws.amazon.com/rds/aurora/pricing/).
var (
	usEast1   = testenv.BacktrackProduct("us-east-1", "Aurora:BacktrackUsage", "CR-Hr", "0.0000000120")
	london    = testenv.BacktrackProduct("eu-west-2", "EUW2-Aurora:BacktrackUsage", "CR-Hr", "0.0000000140")
	tokyo     = testenv.BacktrackProduct("ap-northeast-1", "APN1-Aurora:BacktrackUsage", "CR-Hr", "0.0000000150")
	tokyoIO   = testenv.BacktrackProduct("ap-northeast-1", "APN1-Aurora:StorageIOUsage", "IOs", "0.0000002000")
	tokyoSnap = testenv.BacktrackProduct("ap-northeast-1", "APN1-Aurora:BackupUsage", "GB-Mo", "0.0210000000")
	// A product whose usage type only contains the backtrack one.
	tokyoLookalike = testenv.BacktrackProduct("ap-northeast-1", "APN1-Aurora:BacktrackUsageGlobal", "CR-Hr", "0.0000009990")
	// Same usage type, wrong unit: not a CR-Hr price.
	tokyoWrongUnit = testenv.BacktrackProduct("ap-northeast-1", "APN1-Aurora:BacktrackUsage", "Hrs", "0.0000009990")
)

func malformed(region, doc string) testenv.FakePriceListProduct {
	return testenv.FakePriceListProduct{ServiceCode: "AmazonRDS",
		Attributes: map[string]string{"regionCode": region, "productFamily": "System Operation"}, Doc: doc}
}

func fakePriceList(t *testing.T, products []testenv.FakePriceListProduct, pageSize int, deny bool) (*testenv.FakeAWS, pricing.GetProductsAPI) {
	t.Helper()
	fake := testenv.NewFakeAWS("", testenv.FakeOptions{
		PriceList: &testenv.FakePriceList{Products: products, PageSize: pageSize},
		Deny:      func(_, _, action string) bool { return deny && action == "pricing:GetProducts" },
	})
	t.Cleanup(fake.Close)
	return fake, pricing.NewPriceListClient(testenv.Config(fake.URL, "ap-northeast-1"))
}

func TestLookupBacktrackPrices(t *testing.T) {
	tests := []struct {
		name     string
		products []testenv.FakePriceListProduct
		pageSize int
		deny     bool
		regions  []string
		want     map[string]float64 // region → USD per 1M record-hours
		missing  map[string]string  // region → substring of the reason
		ignored  []string           // substrings of the ignored entries' reasons
		calls    int
		err      string
	}{
		{
			name:     "us-east-1 has no prefix, exact conversion",
			products: []testenv.FakePriceListProduct{usEast1, london},
			regions:  []string{"us-east-1"},
			want:     map[string]float64{"us-east-1": 0.012},
			calls:    1,
		},
		{
			name:     "region prefix",
			products: []testenv.FakePriceListProduct{usEast1, london},
			regions:  []string{"eu-west-2"},
			want:     map[string]float64{"eu-west-2": 0.014},
			calls:    1,
		},
		{
			name:     "other usage types of the family are ignored",
			products: []testenv.FakePriceListProduct{tokyoIO, tokyoSnap, tokyoLookalike, tokyoWrongUnit, tokyo},
			regions:  []string{"ap-northeast-1"},
			want:     map[string]float64{"ap-northeast-1": 0.015},
			ignored:  []string{"usagetype APN1-Aurora:BacktrackUsage has no OnDemand price dimension with unit CR-Hr"}, // the Hrs one
			calls:    1,
		},
		{
			name:     "pagination over two pages, the price on the second",
			products: []testenv.FakePriceListProduct{tokyoIO, tokyoSnap, tokyo},
			pageSize: 2,
			regions:  []string{"ap-northeast-1"},
			want:     map[string]float64{"ap-northeast-1": 0.015},
			calls:    2,
		},
		{
			name:     "a region without the product stays unknown",
			products: []testenv.FakePriceListProduct{usEast1, tokyoIO},
			regions:  []string{"ap-northeast-1", "us-east-1"},
			want:     map[string]float64{"us-east-1": 0.012},
			missing:  map[string]string{"ap-northeast-1": "no Aurora:BacktrackUsage (CR-Hr) product for regionCode ap-northeast-1"},
			calls:    2,
		},
		{
			name: "malformed entries are ignored with the reason",
			products: []testenv.FakePriceListProduct{
				malformed("ap-northeast-1", `{"product": `),
				malformed("ap-northeast-1", `{"product":{"attributes":{"usagetype":"APN1-Aurora:BacktrackUsage"}},"terms":{"OnDemand":{"x":{"priceDimensions":{"y":{"unit":"CR-Hr","pricePerUnit":{"USD":"cheap"}}}}}}}`),
				tokyo,
				malformed("eu-west-2", `{"product":{"attributes":{"usagetype":"EUW2-Aurora:BacktrackUsage"}},"terms":{"OnDemand":{}}}`),
			},
			regions: []string{"ap-northeast-1", "eu-west-2"},
			want:    map[string]float64{"ap-northeast-1": 0.015},
			missing: map[string]string{"eu-west-2": "1 malformed entries ignored"},
			ignored: []string{"not a JSON price document", `pricePerUnit.USD "cheap" is not a non-negative decimal`, "no OnDemand price dimension with unit CR-Hr"},
			calls:   2,
		},
		{
			name:     "conflicting prices in one region: unknown, not a pick",
			products: []testenv.FakePriceListProduct{tokyo, testenv.BacktrackProduct("ap-northeast-1", "APN1-Aurora:BacktrackUsage", "CR-Hr", "0.0000000200")},
			regions:  []string{"ap-northeast-1"},
			missing:  map[string]string{"ap-northeast-1": "conflicting"},
			calls:    1,
		},
		{
			name:     "AccessDenied is an error",
			products: []testenv.FakePriceListProduct{usEast1},
			deny:     true,
			regions:  []string{"us-east-1"},
			calls:    1,
			err:      "AccessDenied",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, client := fakePriceList(t, tt.products, tt.pageSize, tt.deny)
			got, err := pricing.LookupBacktrackPrices(testenv.WithTimeout(t, 20*time.Second), client, tt.regions)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "pricing:GetProducts") {
					t.Fatalf("error = %v, want one naming pricing:GetProducts and %s", err, tt.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if n := fake.Calls()["pricing:GetProducts"]; n != tt.calls {
				t.Errorf("GetProducts calls = %d, want %d (%v)", n, tt.calls, fake.Calls())
			}
			if len(got.Prices) != len(tt.want) {
				t.Errorf("prices = %+v, want %v", got.Prices, tt.want)
			}
			for region, want := range tt.want {
				p, ok := got.Prices[region]
				if !ok || p.USDPerMillionRecordHours != want || p.Region != region {
					t.Errorf("%s: got %+v, want exactly %v", region, p, want)
				}
				if !strings.HasPrefix(p.Source, "AWS Price List API, "+p.AsOf+" (") || !strings.Contains(p.Source, "Aurora:BacktrackUsage") || p.AsOf == "" {
					t.Errorf("%s: source %q / as of %q must name the Price List, the date and the usage type", region, p.Source, p.AsOf)
				}
			}
			if len(got.Missing) != len(tt.missing) {
				t.Errorf("missing = %v, want %v", got.Missing, tt.missing)
			}
			for region, want := range tt.missing {
				if !strings.Contains(got.Missing[region], want) {
					t.Errorf("%s: missing reason %q, want it to contain %q", region, got.Missing[region], want)
				}
			}
			if len(got.Ignored) != len(tt.ignored) {
				t.Errorf("ignored = %q, want %d entries", got.Ignored, len(tt.ignored))
			}
			for _, want := range tt.ignored {
				found := false
				for _, g := range got.Ignored {
					found = found || strings.Contains(g, want)
				}
				if !found {
					t.Errorf("no ignored entry says %q: %q", want, got.Ignored)
				}
			}
		})
	}
}

// The Resolver asks once per region per scan, even with concurrent callers,
// and after an API error falls back to the built-in table without calling again.
func TestResolver(t *testing.T) {
	ctx := testenv.WithTimeout(t, 20*time.Second)
	t.Run("cached per region", func(t *testing.T) {
		fake, client := fakePriceList(t, []testenv.FakePriceListProduct{usEast1, tokyo}, 0, false)
		r := pricing.NewResolver(client)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res := r.BacktrackPrice(ctx, "ap-northeast-1"); !res.Known || !res.FromPriceList || res.Price.USDPerMillionRecordHours != 0.015 {
					t.Errorf("ap-northeast-1: %+v", res)
				}
			}()
		}
		wg.Wait()
		if res := r.BacktrackPrice(ctx, "eu-west-1"); res.Known || !strings.Contains(res.Missing, "eu-west-1") || res.APIError != nil {
			t.Errorf("eu-west-1 has no product: must be unknown with why, got %+v", res)
		}
		if n := fake.Calls()["pricing:GetProducts"]; n != 2 {
			t.Errorf("GetProducts calls = %d, want 2 (one per region)", n)
		}
	})
	t.Run("AccessDenied falls back to the table", func(t *testing.T) {
		fake, client := fakePriceList(t, []testenv.FakePriceListProduct{usEast1, tokyo}, 0, true)
		r := pricing.NewResolver(client)
		res := r.BacktrackPrice(ctx, "us-east-1")
		if !res.Known || res.FromPriceList || res.Price.USDPerMillionRecordHours != 0.012 || !strings.HasPrefix(res.Price.Source, "https://") ||
			res.APIError == nil || !strings.Contains(res.APIError.Error(), "AccessDenied") {
			t.Errorf("us-east-1: want the table's price with the API error, got %+v", res)
		}
		res = r.BacktrackPrice(ctx, "ap-northeast-1")
		if res.Known || res.APIError == nil {
			t.Errorf("ap-northeast-1: not in the table, want unknown with the API error, got %+v", res)
		}
		if n := fake.Calls()["pricing:GetProducts"]; n != 1 {
			t.Errorf("GetProducts calls = %d, want 1: no call after the first AccessDenied", n)
		}
	})
	// Regions scanned in parallel: lookups run one at a time, each region
	// once, and after an AccessDenied no further call is made. With one
	// sync.Once per region (the old resolver) several regions called the
	// API concurrently and each got its own AccessDenied. The fake's
	// latency only widens the window in which concurrent calls would
	// overlap; no assertion depends on timing.
	for _, deny := range []bool{false, true} {
		t.Run(fmt.Sprintf("many goroutines, many regions, deny=%v", deny), func(t *testing.T) {
			regions := []string{"us-east-1", "ap-northeast-1", "eu-west-2", "eu-west-1", "us-west-2", "ap-south-1", "sa-east-1", "ca-central-1"}
			fake := testenv.NewFakeAWS("", testenv.FakeOptions{
				PriceList: &testenv.FakePriceList{Products: []testenv.FakePriceListProduct{usEast1, tokyo, london}},
				Deny:      func(_, _, action string) bool { return deny && action == "pricing:GetProducts" },
				Latency:   5 * time.Millisecond,
			})
			t.Cleanup(fake.Close)
			r := pricing.NewResolver(pricing.NewPriceListClient(testenv.Config(fake.URL, "us-east-1")))
			var wg sync.WaitGroup
			got := make([][]pricing.Resolution, len(regions))
			for i, region := range regions {
				got[i] = make([]pricing.Resolution, 6)
				for j := range got[i] {
					wg.Add(1)
					go func() {
						defer wg.Done()
						got[i][j] = r.BacktrackPrice(ctx, region)
					}()
				}
			}
			wg.Wait()
			calls := fake.Calls()["pricing:GetProducts"]
			switch {
			case deny && calls != 1:
				t.Errorf("GetProducts calls = %d, want 1: none after the first AccessDenied", calls)
			case !deny && calls != len(regions):
				t.Errorf("GetProducts calls = %d, want %d (one per region)", calls, len(regions))
			}
			if n := fake.MaxInFlight(); n != 1 {
				t.Errorf("%d GetProducts calls ran at once, want one lookup at a time", n)
			}
			for i, region := range regions {
				for _, res := range got[i] {
					if res != got[i][0] {
						t.Errorf("%s: callers got different answers: %+v and %+v", region, res, got[i][0])
					}
				}
				res, listed := got[i][0], region == "us-east-1" || region == "ap-northeast-1" || region == "eu-west-2"
				switch {
				case deny && (res.APIError == nil || res.FromPriceList || res.Known != (region == "us-east-1")):
					t.Errorf("%s: want the table's answer with the API error, got %+v", region, res)
				case !deny && listed && (!res.Known || !res.FromPriceList || res.APIError != nil):
					t.Errorf("%s: want the Price List's price, got %+v", region, res)
				case !deny && !listed && (res.Known || res.Missing == "" || res.APIError != nil):
					t.Errorf("%s: no product, want unknown with why, got %+v", region, res)
				}
			}
			if deny && (r.APIError() == nil || !strings.Contains(r.APIError().Error(), "AccessDenied")) {
				t.Errorf("APIError() = %v, want the AccessDenied", r.APIError())
			}
		})
	}
	t.Run("no client is the table", func(t *testing.T) {
		if res := pricing.NewResolver(nil).BacktrackPrice(ctx, "us-east-1"); !res.Known || res.FromPriceList || res.Price.USDPerMillionRecordHours != 0.012 {
			t.Errorf("got %+v", res)
		}
	})
}
