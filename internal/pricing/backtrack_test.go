package pricing

import (
	"math"
	"strings"
	"testing"
)

func TestBacktrackPrice(t *testing.T) {
	tests := []struct {
		region string
		want   float64
		known  bool
	}{
		{"us-east-1", 0.012, true},
		{"ap-northeast-1", 0, false}, // not found in any source: unknown, never guessed
		{"eu-west-1", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		p, ok := BacktrackPrice(tt.region)
		if ok != tt.known || p.USDPerMillionRecordHours != tt.want {
			t.Errorf("%q: got %v %v, want %v %v", tt.region, p.USDPerMillionRecordHours, ok, tt.want, tt.known)
		}
	}
	for _, p := range BacktrackPrices() {
		if !strings.HasPrefix(p.Source, "https://") || p.AsOf == "" {
			t.Errorf("%s: every price needs a cited source and date, got %q %q", p.Region, p.Source, p.AsOf)
		}
	}
}

// Worked examples at USD 0.012 per 1M change-record-hours and 730 h a month
// (https://aws.amazon.com/rds/aurora/pricing/): 240,000 records → USD
// 0.00288/h ≈ 2.10/month; 72,000,000 → 0.864/h = 630.72/month; 288,000,000 → 3.456/h = 2522.88/month.
func TestMonthlyCostWorkedExamples(t *testing.T) {
	for _, tt := range []struct{ stored, want float64 }{
		{240000, 2.1024}, {72e6, 630.72}, {288e6, 2522.88},
	} {
		if got := MonthlyCostUSD(tt.stored, 0.012, 730); math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("stored %v: got %v, want %v", tt.stored, got, tt.want)
		}
	}
}
