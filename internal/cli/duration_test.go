package cli

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"7d", 7 * 24 * time.Hour, true},
		{"1w", 7 * 24 * time.Hour, true},
		{"1d12h", 36 * time.Hour, true},
		{"168h", 168 * time.Hour, true},
		{"1m12s", 72 * time.Second, true},
		{"604800", 604800 * time.Second, true},
		{" 30S ", 30 * time.Second, true},
		{"", 0, false},
		{"7x", 0, false},
		{"-1h", 0, false},
		{"d", 0, false},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	for _, d := range []time.Duration{7 * 24 * time.Hour, 30 * time.Second, 2 * time.Hour, 90 * time.Minute} {
		if back, err := parseDuration(formatFlagDuration(d)); err != nil || back != d {
			t.Errorf("%v is shown as %q, which reads back as %v, %v", d, formatFlagDuration(d), back, err)
		}
	}
}
