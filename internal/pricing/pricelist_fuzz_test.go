package pricing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseBacktrackEntry feeds arbitrary PriceList documents to the parser:
// it must never panic, and a price it accepts is a finite non-negative
// number with a Price List source, while a malformed entry says why.
func FuzzParseBacktrackEntry(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "pricelist", "*.json"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "eu-west-2")
	}
	f.Add(`{"product":{"attributes":{"usagetype":"Aurora:BacktrackUsage"}},"terms":{"OnDemand":{"a":{"priceDimensions":{"b":{"unit":"CR-Hr","pricePerUnit":{"USD":"1e999999999"}}}}}}}`, "us-east-1")
	f.Add(`{"product":null}`, "")
	f.Fuzz(func(t *testing.T, doc, region string) {
		p, ok, why := parseBacktrackEntry(doc, region, "2026-11-25")
		if ok {
			if why != "" || p.USDPerMillionRecordHours < 0 || p.USDPerMillionRecordHours != p.USDPerMillionRecordHours ||
				!strings.HasPrefix(p.Source, PriceListSource+", 2026-11-25 (") || p.Region != region {
				t.Fatalf("accepted %q as %+v (why %q)", doc, p, why)
			}
		}
	})
}
