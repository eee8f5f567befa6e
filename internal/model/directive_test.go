package model

import (
	"strings"
	"testing"
	"time"
)

func TestParseIgnoreComment(t *testing.T) {
	loc := Location{File: "main.tf", Line: 3, Column: 1}
	tests := []struct {
		name      string
		in        string
		found     bool
		ids       []string
		reason    string
		until     string
		errSubstr string
	}{
		{"hash", `# kumoguard:ignore KG-BT-001 reason="legacy cluster, migration planned" until=2027-03-31`, true, []string{"KG-BT-001"}, "legacy cluster, migration planned", "2027-03-31", ""},
		{"slashes", `// kumoguard:ignore KG-BT-002 reason=short-lived`, true, []string{"KG-BT-002"}, "short-lived", "", ""},
		{"block", `/* kumoguard:ignore KG-BT-001,kg-bt-002 reason="x" */`, true, []string{"KG-BT-001", "KG-BT-002"}, "x", "", ""},
		{"escaped quote", `# kumoguard:ignore KG-BT-001 reason="the \"old\" db"`, true, []string{"KG-BT-001"}, `the "old" db`, "", ""},
		{"no directive", `# just a comment`, false, nil, "", "", ""},
		{"no reason", `# kumoguard:ignore KG-BT-001`, true, nil, "", "", "has no reason"},
		{"empty reason", `# kumoguard:ignore KG-BT-001 reason=""`, true, nil, "", "", "has no reason"},
		{"bad id", `# kumoguard:ignore CKV_AWS_326 reason="x"`, true, nil, "", "", "not a rule ID"},
		{"no id", `# kumoguard:ignore`, true, nil, "", "", "expected a rule ID"},
		{"bad date", `# kumoguard:ignore KG-BT-001 reason="x" until=31/03/2027`, true, nil, "", "", "not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sups, found, err := ParseIgnoreComment(tt.in, loc)
			if found != tt.found {
				t.Fatalf("found = %v, want %v", found, tt.found)
			}
			if tt.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errSubstr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.errSubstr)
				}
				if !strings.Contains(err.Error(), "main.tf:3:1") {
					t.Errorf("error %q does not name the location", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(sups) != len(tt.ids) {
				t.Fatalf("got %d suppressions, want %d", len(sups), len(tt.ids))
			}
			for i, s := range sups {
				if s.RuleID != tt.ids[i] || s.Reason != tt.reason || s.Source != "inline" || s.Location != loc {
					t.Errorf("suppression %d = %+v", i, s)
				}
				if tt.until == "" && s.Until != nil || tt.until != "" && (s.Until == nil || s.Until.Format("2006-01-02") != tt.until) {
					t.Errorf("until = %v, want %q", s.Until, tt.until)
				}
			}
		})
	}
}

func TestSuppressionActiveAt(t *testing.T) {
	until := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	s := Suppression{Until: &until}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2027, 3, 30, 12, 0, 0, 0, time.UTC), true},
		{time.Date(2027, 3, 31, 23, 59, 0, 0, time.UTC), true}, // the whole last day
		{time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := s.ActiveAt(tc.at); got != tc.want {
			t.Errorf("ActiveAt(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
	if !(Suppression{}).ActiveAt(time.Now()) {
		t.Error("a suppression without until must be active")
	}
}

func TestParseCheckovSkipComment(t *testing.T) {
	loc := Location{File: "main.tf", Line: 4, Column: 3}
	tests := []struct {
		comment string
		reasons []string // one KG-BT-001 suppression per reason
	}{
		{"#checkov:skip=CKV_AWS_326:nightly rebuild from snapshot", []string{"nightly rebuild from snapshot"}},
		{"# checkov:skip=CKV_AWS_326: legacy, OPS-12 ", []string{"legacy, OPS-12"}},
		{"// bridgecrew:skip=CKV_AWS_326:old spelling", []string{"old spelling"}},
		{"/* checkov:skip=ckv_aws_326:block comment */", []string{"block comment"}},
		{"#checkov:skip=CKV_AWS_326", []string{"checkov:skip=CKV_AWS_326 (Checkov skip without a reason)"}},
		{"#checkov:skip=CKV_AWS_128:IAM auth not used", nil},
		{"#checkov:skip=CKV_AWS_3260:not ours", nil},
		{"# kumoguard:ignore KG-BT-001 reason=\"x\"", nil},
	}
	for _, tt := range tests {
		got := ParseCheckovSkipComment(tt.comment, loc)
		if len(got) != len(tt.reasons) {
			t.Errorf("%q: %d suppressions, want %d", tt.comment, len(got), len(tt.reasons))
			continue
		}
		for i, s := range got {
			if s.RuleID != "KG-BT-001" || s.Reason != tt.reasons[i] || s.Source != "inline" || s.Location != loc || s.Until != nil {
				t.Errorf("%q: got %+v, want KG-BT-001 reason %q", tt.comment, s, tt.reasons[i])
			}
		}
	}
}
