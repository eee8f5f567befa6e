package model

import (
	"strings"
	"testing"
)

func TestParseWindow(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{"24h", 86400, ""}, {"86400s", 86400, ""}, {"1d", 86400, ""}, {"86400", 86400, ""},
		{"1d12h", 129600, ""}, {"90m", 5400, ""}, {"72h", 259200, ""}, {"3d", 259200, ""},
		{"73h", 0, "above the 259200"}, {"0", 0, "positive"}, {"-1h", 0, "positive"}, {"soon", 0, "invalid window"},
		{"1.5s", 0, "whole seconds"}, {"", 0, "empty"},
	} {
		got, err := ParseWindow(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseWindow(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseWindow(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for in, want := range map[int64]string{86400: "24h", 259200: "72h", 72: "1m12s", 5400: "1h30m", 45: "45s", 0: "0s", 3661: "1h1m1s", 3605: "1h5s", -5: "-5s"} {
		if got := FormatDuration(in); got != want {
			t.Errorf("FormatDuration(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestDurationIn(t *testing.T) {
	tests := []struct {
		sec    int64
		en, ja string
	}{
		{72, "1m12s", "1 分 12 秒"},
		{86400, "24h", "24 時間"},
		{5400, "1h30m", "1 時間 30 分"},
		{259200, "72h", "72 時間"},
		{604800, "168h", "7 日"},
		{3605, "1h5s", "1 時間 5 秒"},
	}
	for _, tt := range tests {
		d := Duration(tt.sec)
		if d.In("en") != tt.en || d.String() != tt.en || d.In("ja") != tt.ja {
			t.Errorf("%d: %q/%q, want %q/%q", tt.sec, d.In("en"), d.In("ja"), tt.en, tt.ja)
		}
	}
	args := []any{Duration(72), 3}
	got := T("window %s, %d", "ウィンドウ %s、%d", args...)
	if got.EN != "window 1m12s, 3" || got.JA != "ウィンドウ 1 分 12 秒、3" {
		t.Errorf("T with a Duration: %+v", got)
	}
	if _, ok := args[0].(Duration); !ok {
		t.Error("T changed the caller's arguments")
	}
}
