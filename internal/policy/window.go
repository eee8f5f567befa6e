package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
