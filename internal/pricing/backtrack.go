// Package pricing holds the per-region price of Aurora backtrack change
// records, each with its source. A region missing from the table has an
// unknown price: kumoguard says so rather than guess. Prices differ by
// Region (https://aws.amazon.com/rds/aurora/pricing/), and only the Price
// List API says what they are.
package pricing

import "sort"

// Price is the backtrack price in one region.
type Price struct {
	Region string
	// USDPerMillionRecordHours is the price of storing one million change
	// records for one hour (Price List usage type Aurora:BacktrackUsage, unit CR-Hr).
	USDPerMillionRecordHours float64
	// Source is where the price was read, and AsOf when.
	Source string
	AsOf   string
}

// backtrackPrices is the one documented price table.
//
// Sources searched on 2026-11-25 for regions other than us-east-1: the Aurora
// pricing page (English and Japanese), third-party pricing guides, and public
// code (Infracost-style price data). None of the stored copies shows a
// regional backtrack price: the pricing page renders regional prices from a
// script the stored copies do not contain. So only us-east-1 is listed; every
// other region is unknown until a price is added here with its source (for
// example from `aws pricing get-products --service-code AmazonRDS
// --filters Type=TERM_MATCH,Field=usagetype,Value=<REGION-PREFIX>-Aurora:BacktrackUsage`).
var backtrackPrices = map[string]Price{
	"us-east-1": {
		Region:                   "us-east-1",
		USDPerMillionRecordHours: 0.012,
		Source:                   "https://aws.amazon.com/rds/aurora/pricing/ (USD 0.012 per 1 million change-record-hours, usage type Aurora:BacktrackUsage, unit CR-Hr)",
		AsOf:                     "2026-11",
	},
}

// BacktrackPrice returns the price in region, and false when it is unknown.
func BacktrackPrice(region string) (Price, bool) {
	p, ok := backtrackPrices[region]
	return p, ok
}

// BacktrackPrices lists the known prices, ordered by region.
func BacktrackPrices() []Price {
	out := make([]Price, 0, len(backtrackPrices))
	for _, p := range backtrackPrices {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Region < out[j].Region })
	return out
}

// MonthlyCostUSD is the cost of keeping storedRecords change records for a
// month of hoursPerMonth hours (kumoguard uses 730 h): stored / 1e6 × price × hours.
func MonthlyCostUSD(storedRecords, usdPerMillionRecordHours, hoursPerMonth float64) float64 {
	return storedRecords / 1e6 * usdPerMillionRecordHours * hoursPerMonth
}
