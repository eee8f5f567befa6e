package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// durationFlag is a duration flag that reads what --min-window reads:
// Go durations ("168h", "90m", "30s", "1h30m"), days ("7d", "1d12h") and a
// bare number of seconds ("604800"), so that every duration of kumoguard is
// written the same way.
type durationFlag struct{ d *time.Duration }

func durationVar(fl *pflag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fl.Var(durationFlag{p}, name, usage)
}

func (f durationFlag) Type() string   { return "duration" }
func (f durationFlag) String() string { return formatFlagDuration(*f.d) }
func (f durationFlag) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

// parseDuration reads a duration written as for --min-window (without its
// 72-hour bound) and --drill-max-age: "7d", "1w", "1d12h", "168h", "1m12s",
// "604800".
func parseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(strings.ToLower(s))
	bad := fmt.Errorf(msg("invalid duration %q (expected e.g. 7d, 1w, 24h, 90m, 30s or a number of seconds)",
		"期間 %q を読み取れません（7d、1w、24h、90m、30s、秒数のいずれかで指定してください）"), s)
	if in == "" {
		return 0, bad
	}
	if n, err := strconv.ParseInt(in, 10, 64); err == nil {
		if n < 0 || n > int64(1<<62)/int64(time.Second) {
			return 0, bad
		}
		return time.Duration(n) * time.Second, nil
	}
	var days int64
	rest := in
	if i := strings.Index(rest, "w"); i > 0 {
		w, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || w < 0 || w > 10000 {
			return 0, bad
		}
		days, rest = 7*w, rest[i+1:]
	}
	if i := strings.Index(rest, "d"); i > 0 {
		d, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || d < 0 || d > 100000 {
			return 0, bad
		}
		days, rest = days+d, rest[i+1:]
	}
	var dur time.Duration
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return 0, bad
		}
		dur = d
	}
	return time.Duration(days)*24*time.Hour + dur, nil
}

// formatFlagDuration writes a default value the way it is read: "7d",
// "30s", "2h".
func formatFlagDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	s := d.String() // "2h0m0s", "1h30m0s", "30s"
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
