package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The limits of Aurora MySQL's target backtrack window. BacktrackWindow is
// in seconds, 0 disables backtracking, and AWS accepts 0 to 259,200 (72 h):
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
const (
	// MaxWindowSeconds is the largest window AWS accepts: 259,200 s = 72 h.
	MaxWindowSeconds = 259200
	// DefaultMinWindowSeconds is kumoguard's default policy minimum: 24 h.
	DefaultMinWindowSeconds = 86400
	// LikelyHoursMaxSeconds is the largest window read as hours written as
	// seconds: "backtrack_window = 72" is 72 seconds, not 72 hours.
	LikelyHoursMaxSeconds = 72
)

// FormatDuration renders seconds the way people say windows: "24h",
// "1h30m", "72s", "1h5s".
func FormatDuration(sec int64) string {
	if sec <= 0 {
		return fmt.Sprintf("%ds", sec)
	}
	h, m, s := sec/3600, sec%3600/60, sec%60
	out := ""
	if h > 0 {
		out += strconv.FormatInt(h, 10) + "h"
	}
	if m > 0 {
		out += strconv.FormatInt(m, 10) + "m"
	}
	if s > 0 {
		out += strconv.FormatInt(s, 10) + "s"
	}
	return out
}

// FormatHours renders seconds as the hours the console asks for ("24",
// "1.5"): the console takes the target window in hours.
func FormatHours(sec int64) string {
	return strconv.FormatFloat(float64(sec)/3600, 'f', -1, 64)
}

// ParseWindow reads a window length: "24h", "90m", "86400s", "1d", "1d12h",
// or a bare number of seconds ("86400"). The result must be 1 s .. 72 h.
func ParseWindow(s string) (int64, error) {
	in := strings.TrimSpace(strings.ToLower(s))
	if in == "" {
		return 0, fmt.Errorf("empty window (expected e.g. 24h, 86400s or 1d)")
	}
	var sec int64
	if n, err := strconv.ParseInt(in, 10, 64); err == nil {
		sec = n
	} else {
		rest := in
		var days int64
		if i := strings.Index(rest, "d"); i > 0 {
			d, err := strconv.ParseInt(rest[:i], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("invalid window %q (expected e.g. 24h, 86400s or 1d)", s)
			}
			days = d
			rest = rest[i+1:]
		}
		var dur time.Duration
		if rest != "" {
			d, err := time.ParseDuration(rest)
			if err != nil {
				return 0, fmt.Errorf("invalid window %q (expected e.g. 24h, 86400s or 1d)", s)
			}
			dur = d
		}
		if dur%time.Second != 0 {
			return 0, fmt.Errorf("invalid window %q: backtrack windows are whole seconds", s)
		}
		sec = days*86400 + int64(dur/time.Second)
	}
	if sec <= 0 {
		return 0, fmt.Errorf("window %q must be positive", s)
	}
	if sec > MaxWindowSeconds {
		return 0, fmt.Errorf("window %q is %d s, above the 259200 s (72 h) that Aurora allows", s, sec)
	}
	return sec, nil
}

// Duration is a number of seconds shown to people: "1m12s" in English,
// "1 分 12 秒" in Japanese. Given to T, each language gets its own
// rendering; formatted with %s elsewhere it is the English one.
type Duration int64

// String is the English rendering (FormatDuration).
func (d Duration) String() string { return FormatDuration(int64(d)) }

// In renders the duration in a language: FormatDuration in English; in
// Japanese the units of the AWS Japanese console (時間, 分, 秒), and days
// (日) beyond the 72-hour backtrack range ("7 日" for a week's look-back).
func (d Duration) In(lang string) string {
	if lang != "ja" {
		return d.String()
	}
	sec := int64(d)
	if sec <= 0 {
		return strconv.FormatInt(sec, 10) + " 秒"
	}
	var parts []string
	if sec > MaxWindowSeconds && sec >= 86400 {
		parts = append(parts, strconv.FormatInt(sec/86400, 10)+" 日")
		sec %= 86400
	}
	for _, u := range []struct {
		n    int64
		name string
	}{{3600, "時間"}, {60, "分"}, {1, "秒"}} {
		if sec >= u.n {
			parts = append(parts, strconv.FormatInt(sec/u.n, 10)+" "+u.name)
			sec %= u.n
		}
	}
	return strings.Join(parts, " ")
}
