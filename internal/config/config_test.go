package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	good := `min_window: 48h
fail_on: [FAIL, ERROR]
suppressions:
  - rule: KG-BT-001
    address: module.legacy.aws_rds_cluster.*
    reason: "legacy cluster, migration ticket OPS-123"
    until: 2027-03-31
  - rule: "*"
    file: sandbox/**
    reason: sandbox accounts are rebuilt nightly
`
	cfg, err := Parse("kumoguard.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinWindow != "48h" || len(cfg.FailOn) != 2 || len(cfg.Suppressions) != 2 {
		t.Fatalf("cfg = %+v", cfg)
	}
	s := cfg.Suppressions[0]
	if s.UntilTime() == nil || s.UntilTime().Format("2006-01-02") != "2027-03-31" {
		t.Errorf("until = %v", s.UntilTime())
	}
	if got := s.Location().String(); got != "kumoguard.yaml:4:5" {
		t.Errorf("location = %s, want kumoguard.yaml:4:5", got)
	}
	if got := cfg.Suppressions[1].Location().Line; got != 8 {
		t.Errorf("second entry line = %d, want 8", got)
	}

	bad := []struct {
		name, in, want string
	}{
		{"no reason", "suppressions:\n  - rule: KG-BT-001\n    address: x\n", "kumoguard.yaml:2:5: suppression of KG-BT-001 has no reason"},
		{"bad rule", "suppressions:\n  - rule: CKV_AWS_326\n    address: x\n    reason: r\n", `"CKV_AWS_326" is not a rule ID`},
		{"selects nothing", "suppressions:\n  - rule: KG-BT-001\n    reason: r\n", "selects nothing"},
		{"bad date", "suppressions:\n  - rule: KG-BT-001\n    address: x\n    reason: r\n    until: next year\n", `until "next year" is not a date`},
		{"unknown key", "suppresions: []\n", "kumoguard.yaml:1:1: field suppresions not found"},
		{"syntax", "suppressions: [\n", "kumoguard.yaml:2:1: did not find expected node content"},
		{"duplicate key", "min_window: 1d\nmin_window: 2d\n", `kumoguard.yaml:2:1: mapping key "min_window" already defined at line 1`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("kumoguard.yaml", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	dir := t.TempDir()
	if _, ok, err := Load(filepath.Join(dir, FileName), false); ok || err != nil {
		t.Fatalf("missing default config: ok=%v err=%v", ok, err)
	}
	if _, _, err := Load(filepath.Join(dir, "nope.yaml"), true); err == nil {
		t.Fatal("missing explicit config must be an error")
	}
	p := filepath.Join(dir, FileName)
	if err := os.WriteFile(p, []byte("min_window: 1d\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, ok, err := Load(p, false)
	if err != nil || !ok || cfg.MinWindow != "1d" {
		t.Fatalf("cfg=%+v ok=%v err=%v", cfg, ok, err)
	}
}

func TestDrillMaxAge(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"90d", 90 * 24 * time.Hour, false},
		{"12w", 12 * 7 * 24 * time.Hour, false},
		{"2160h", 2160 * time.Hour, false},
		{" 30d ", 30 * 24 * time.Hour, false},
		{"0d", 0, true},
		{"-5d", 0, true},
		{"-1h", 0, true},
		{"ninety", 0, true},
		{"d", 0, true},
		{"1.5d", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseAge(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	cfg, err := Parse("kumoguard.yaml", []byte("drill_max_age: 30d\n"))
	if err != nil || cfg.DrillMaxAge != "30d" {
		t.Errorf("drill_max_age: %+v %v", cfg, err)
	}
	if _, err := Parse("kumoguard.yaml", []byte("drill_max_age: soon\n")); err == nil || !strings.Contains(err.Error(), "drill_max_age") {
		t.Errorf("a bad drill_max_age: %v", err)
	}
}
