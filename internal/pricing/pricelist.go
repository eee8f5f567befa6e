package pricing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspricing "github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// The Price List query for backtrack (aws pricing get-products --service-code
// AmazonRDS): https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html
const (
	PriceListServiceCode   = "AmazonRDS"
	PriceListProductFamily = "System Operation"
	// PriceListUnit is the price dimension unit: one change record for one hour.
	PriceListUnit = "CR-Hr"
	// PriceListEndpointRegion is where the client is sent unless an endpoint
	// URL is given: the Price List API answers only in us-east-1,
	// ap-south-1 and eu-central-1, for every region's prices.
	PriceListEndpointRegion = "us-east-1"
	// PriceListSource starts every Price.Source read from the API.
	PriceListSource = "AWS Price List API"
)

// backtrackUsageType matches "Aurora:BacktrackUsage" (us-east-1) and its
// region-prefixed forms such as "EUW2-Aurora:BacktrackUsage".
var backtrackUsageType = regexp.MustCompile(`(^|-)Aurora:BacktrackUsage$`)

// plainDecimal is a non-negative price as the Price List writes it.
var plainDecimal = regexp.MustCompile(`^[0-9]{1,30}(\.[0-9]{1,30})?$`)

// GetProductsAPI is the part of the Price List client the lookup uses
// (*pricing.Client implements it).
type GetProductsAPI interface {
	GetProducts(ctx context.Context, in *awspricing.GetProductsInput, optFns ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error)
}

// NewPriceListClient builds the Price List client from a scan's
// configuration: region us-east-1 (the API's home); when cfg.BaseEndpoint
// is set (--endpoint-url) every call goes there and the region only signs.
func NewPriceListClient(cfg aws.Config) *awspricing.Client {
	cfg = cfg.Copy()
	cfg.Region = PriceListEndpointRegion
	return awspricing.NewFromConfig(cfg)
}

// PriceListLookup is what the Price List said about some regions.
type PriceListLookup struct {
	// Prices holds the regions with one backtrack price.
	Prices map[string]Price
	// Missing says, for each asked region without a price, why: no
	// Aurora:BacktrackUsage product, only malformed entries, or conflicting
	// prices. Such a region stays unknown; it is never guessed.
	Missing map[string]string
	// Ignored lists the PriceList entries skipped as malformed, with why.
	Ignored []string
}

// LookupBacktrackPrices asks the Price List API for the backtrack price of
// each region: GetProducts with ServiceCode AmazonRDS and TERM_MATCH filters
// productFamily = System Operation and regionCode = region, every page. An
// entry counts when its usagetype matches (^|-)Aurora:BacktrackUsage$ and an
// OnDemand price dimension has unit CR-Hr; its USD price per
// change-record-hour is converted to USD per 1M record-hours in decimal
// arithmetic (0.000000012 → 0.012 exactly, no float rounding on the way).
// The error is an API failure (AccessDenied, throttling after the SDK's
// retries, ...): the caller falls back to the built-in table.
func LookupBacktrackPrices(ctx context.Context, client GetProductsAPI, regions []string) (PriceListLookup, error) {
	out := PriceListLookup{Prices: map[string]Price{}, Missing: map[string]string{}}
	asOf := time.Now().UTC().Format("2006-01-02")
	for _, region := range regions {
		if _, done := out.Prices[region]; done {
			continue
		}
		if _, done := out.Missing[region]; done {
			continue
		}
		var found []Price
		ignored := 0
		in := &awspricing.GetProductsInput{
			ServiceCode: aws.String(PriceListServiceCode),
			Filters: []pricingtypes.Filter{
				{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String("productFamily"), Value: aws.String(PriceListProductFamily)},
				{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String("regionCode"), Value: aws.String(region)},
			},
		}
		p := awspricing.NewGetProductsPaginator(client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return out, fmt.Errorf("pricing:GetProducts (regionCode %s): %w", region, err)
			}
			for i, doc := range page.PriceList {
				price, ok, why := parseBacktrackEntry(doc, region, asOf)
				switch {
				case why != "":
					ignored++
					out.Ignored = append(out.Ignored, fmt.Sprintf("regionCode %s, entry %d: %s", region, i, why))
				case ok:
					found = append(found, price)
				}
			}
		}
		switch {
		case len(found) == 0 && ignored > 0:
			out.Missing[region] = fmt.Sprintf("the Price List has no readable Aurora:BacktrackUsage (%s) price for regionCode %s (%d malformed entries ignored: %s)",
				PriceListUnit, region, ignored, out.Ignored[len(out.Ignored)-1])
		case len(found) == 0:
			out.Missing[region] = fmt.Sprintf("the Price List has no Aurora:BacktrackUsage (%s) product for regionCode %s", PriceListUnit, region)
		default:
			if conflict := conflicting(found); conflict != "" {
				out.Missing[region] = fmt.Sprintf("the Price List has conflicting Aurora:BacktrackUsage prices for regionCode %s: %s", region, conflict)
			} else {
				out.Prices[region] = found[0]
			}
		}
	}
	return out, nil
}

func conflicting(ps []Price) string {
	for _, p := range ps[1:] {
		if p.USDPerMillionRecordHours != ps[0].USDPerMillionRecordHours {
			var s []string
			for _, q := range ps {
				s = append(s, fmt.Sprintf("%g", q.USDPerMillionRecordHours))
			}
			sort.Strings(s)
			return strings.Join(s, ", ") + " USD per 1M record-hours"
		}
	}
	return ""
}

// priceListEntry is the part of one PriceList JSON document read here.
type priceListEntry struct {
	Product *struct {
		SKU        string            `json:"sku"`
		Attributes map[string]string `json:"attributes"`
	} `json:"product"`
	PublicationDate string `json:"publicationDate"`
	Terms           struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// parseBacktrackEntry reads one PriceList document. ok is true for a
// backtrack price of region; why is set for a malformed entry (ignored,
// with the reason); both zero for another product of the family (ignored).
func parseBacktrackEntry(doc, region, asOf string) (p Price, ok bool, why string) {
	var e priceListEntry
	if err := json.Unmarshal([]byte(doc), &e); err != nil {
		return p, false, "not a JSON price document: " + err.Error()
	}
	if e.Product == nil {
		return p, false, `no "product" object`
	}
	usage := e.Product.Attributes["usagetype"]
	if usage == "" {
		return p, false, `no "product.attributes.usagetype"`
	}
	if !backtrackUsageType.MatchString(usage) {
		return p, false, ""
	}
	if rc := e.Product.Attributes["regionCode"]; rc != "" && rc != region {
		return p, false, fmt.Sprintf("usagetype %s has regionCode %s, asked for %s", usage, rc, region)
	}
	var prices []string
	for _, term := range e.Terms.OnDemand {
		for _, d := range term.PriceDimensions {
			if d.Unit != PriceListUnit {
				continue
			}
			usd, has := d.PricePerUnit["USD"]
			if !has {
				return p, false, fmt.Sprintf("usagetype %s: %s price dimension without pricePerUnit.USD", usage, PriceListUnit)
			}
			prices = append(prices, usd)
		}
	}
	if len(prices) == 0 {
		return p, false, fmt.Sprintf("usagetype %s has no OnDemand price dimension with unit %s", usage, PriceListUnit)
	}
	var perMillion *big.Rat
	for _, s := range prices {
		// Plain decimals only, as the Price List writes them ("0.0000000120"):
		// no exponent (1e999999999 would make big.Rat compute a huge power).
		r, good := new(big.Rat).SetString(s)
		if !plainDecimal.MatchString(s) || !good {
			return p, false, fmt.Sprintf("usagetype %s: pricePerUnit.USD %q is not a non-negative decimal", usage, s)
		}
		r.Mul(r, big.NewRat(1_000_000, 1))
		if perMillion != nil && perMillion.Cmp(r) != 0 {
			return p, false, fmt.Sprintf("usagetype %s has several different OnDemand %s prices", usage, PriceListUnit)
		}
		perMillion = r
	}
	f, _ := perMillion.Float64()
	src := fmt.Sprintf("%s, %s (pricing:GetProducts ServiceCode %s, usagetype %s, unit %s", PriceListSource, asOf, PriceListServiceCode, usage, PriceListUnit)
	if e.Product.SKU != "" {
		src += ", SKU " + e.Product.SKU
	}
	if e.PublicationDate != "" {
		src += ", publicationDate " + e.PublicationDate
	}
	src += ")"
	return Price{Region: region, USDPerMillionRecordHours: f, Source: src, AsOf: asOf}, true, ""
}

// Resolution is the backtrack price of one region as a scan uses it.
type Resolution struct {
	Price Price
	Known bool
	// FromPriceList is true when Price came from the Price List API.
	FromPriceList bool
	// APIError is the Price List failure that made the scan fall back to the
	// built-in table (nil when the API answered or was not asked).
	APIError error
	// Missing is why the Price List has no price for the region. The price
	// is then unknown: the built-in table is not used against the Price
	// List's answer.
	Missing string
}

// Resolver gives each region's backtrack price once per scan. With a Price
// List client it asks the API; without one it is the built-in table.
//
// Concurrency (safe for concurrent use): lookups run one at a time (the
// Price List API is one endpoint for every region, so nothing is lost by
// queueing), and each region is looked up at most once: a caller asking for
// a region another caller is resolving waits for that answer. After the
// first API error (AccessDenied, throttling after the SDK's retries, a
// timeout) no further GetProducts call is made: every region not yet
// resolved uses the built-in table and says why. Serialising is what makes
// "no call after an error" hold when regions are scanned in parallel; with
// one lock per region, two regions could both call after an AccessDenied.
type Resolver struct {
	client GetProductsAPI
	// turn is the one lookup slot: a lookup holds it while calling the API.
	turn chan struct{}

	mu      sync.Mutex
	regions map[string]Resolution
	apiErr  error
}

// NewResolver returns a per-scan resolver; a nil client uses the table only.
func NewResolver(client GetProductsAPI) *Resolver {
	return &Resolver{client: client, turn: make(chan struct{}, 1), regions: map[string]Resolution{}}
}

// BacktrackPrice resolves region's price (safe for concurrent use).
func (r *Resolver) BacktrackPrice(ctx context.Context, region string) Resolution {
	if r == nil || r.client == nil {
		p, ok := BacktrackPrice(region)
		return Resolution{Price: p, Known: ok}
	}
	if res, ok := r.cached(region); ok {
		return res
	}
	select {
	case r.turn <- struct{}{}:
	case <-ctx.Done():
		// Given up while another region's lookup ran: not the API's
		// failure, so neither recorded nor cached; this caller falls back.
		p, ok := BacktrackPrice(region)
		return Resolution{Price: p, Known: ok, APIError: fmt.Errorf("waiting for the Price List lookup of another region: %w", ctx.Err())}
	}
	defer func() { <-r.turn }()
	// Another caller may have resolved region while this one waited.
	if res, ok := r.cached(region); ok {
		return res
	}
	res := r.resolve(ctx, region)
	r.mu.Lock()
	r.regions[region] = res
	r.mu.Unlock()
	return res
}

func (r *Resolver) cached(region string) (Resolution, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.regions[region]
	return res, ok
}

// APIError is the first Price List API failure of the scan (nil if none).
func (r *Resolver) APIError() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.apiErr
}

func (r *Resolver) resolve(ctx context.Context, region string) Resolution {
	r.mu.Lock()
	apiErr := r.apiErr
	r.mu.Unlock()
	if apiErr == nil {
		l, err := LookupBacktrackPrices(ctx, r.client, []string{region})
		switch {
		case err != nil && errors.Is(err, context.Canceled):
			// The scan was interrupted (Ctrl-C): not the API's fault, so
			// this region only falls back; a timeout is an API failure.
			apiErr = err
		case err != nil:
			r.mu.Lock()
			if r.apiErr == nil {
				r.apiErr = err
			}
			apiErr = r.apiErr
			r.mu.Unlock()
		default:
			if p, ok := l.Prices[region]; ok {
				return Resolution{Price: p, Known: true, FromPriceList: true}
			}
			return Resolution{Missing: l.Missing[region]}
		}
	}
	p, ok := BacktrackPrice(region)
	return Resolution{Price: p, Known: ok, APIError: apiErr}
}
