package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kumoguard/kumoguard/internal/config"
	"github.com/kumoguard/kumoguard/internal/i18n"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/report"
	"github.com/kumoguard/kumoguard/internal/scan"
)

// reportFlags are the flags every scan command shares: what to check, how to
// report, when to fail.
type reportFlags struct {
	format     string
	output     string
	failOn     string
	minWindow  string
	configPath string
}

func addReportFlags(cmd *cobra.Command, r *reportFlags) {
	f := cmd.Flags()
	f.StringVarP(&r.format, "format", "f", "table", "report format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&r.output, "output", "o", "", "write the report to this file instead of standard output")
	f.StringVar(&r.failOn, "fail-on", "", "comma-separated statuses that make the exit code 1: FAIL, UNKNOWN, ERROR, or none (default FAIL)")
	f.StringVar(&r.minWindow, "min-window", "", "minimum target backtrack window: 24h, 86400s, 1d (default 24h, at most 72h)")
	f.StringVar(&r.configPath, "config", "", "kumoguard.yaml with settings and suppressions (default ./kumoguard.yaml when present)")
}

// settings is what the flags and kumoguard.yaml resolve to.
type settings struct {
	lang         string
	color        bool
	failOn       map[model.Status]bool
	policy       policy.Options
	suppressions []config.Suppression
	reporter     report.Reporter
	format       string
}

func (r *reportFlags) resolve(g *globalFlags, stdout io.Writer) (settings, error) {
	var s settings
	lang := i18n.FromEnv(os.Getenv)
	if g.lang != "" {
		l, err := i18n.Parse(g.lang)
		if err != nil {
			return s, usageErr("--lang: %v", err)
		}
		lang = l
	}
	s.lang = lang

	path, explicit := r.configPath, r.configPath != ""
	if !explicit {
		path = config.FileName
	}
	cfg, _, err := config.Load(path, explicit)
	if err != nil {
		return s, usageErr("%v", err)
	}
	s.suppressions = cfg.Suppressions

	s.policy = policy.DefaultOptions()
	mw := r.minWindow
	if mw == "" {
		mw = cfg.MinWindow
	}
	if mw != "" {
		sec, err := model.ParseWindow(mw)
		if err != nil {
			return s, usageErr("--min-window: %v", err)
		}
		s.policy.MinWindowSeconds = sec
	}

	fo := r.failOn
	if fo == "" && len(cfg.FailOn) > 0 {
		fo = strings.Join(cfg.FailOn, ",")
	}
	if fo == "" {
		fo = "FAIL"
	}
	s.failOn, err = parseFailOn(fo)
	if err != nil {
		return s, usageErr("--fail-on: %v", err)
	}

	s.reporter, err = report.ByName(r.format)
	if err != nil {
		return s, usageErr("--format: %v", err)
	}
	s.format = strings.ToLower(r.format)
	if r.output == "" && !g.noColor && os.Getenv("NO_COLOR") == "" {
		if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			s.color = true
		}
	}
	return s, nil
}

func parseFailOn(v string) (map[model.Status]bool, error) {
	out := map[model.Status]bool{}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if strings.EqualFold(part, "none") || strings.EqualFold(part, "never") {
			continue
		}
		st, err := model.ParseStatus(part)
		if err != nil {
			return nil, err
		}
		if st == model.StatusPass || st == model.StatusNotApplicable {
			return nil, fmt.Errorf("%s cannot fail a scan (expected FAIL, UNKNOWN, ERROR or none)", st)
		}
		out[st] = true
	}
	return out, nil
}

// scanSettings are the pipeline's settings for a scan made with s.
func (s settings) scanSettings() scan.Settings {
	return scan.Settings{Policy: s.policy, Suppressions: s.suppressions,
		Edits: report.NeedsOf(s.format).Edits, Tool: model.Tool{Name: "kumoguard", Version: ToolVersion()}}
}

// emit writes the report and returns the exit error when unsuppressed
// findings reach --fail-on.
func (r *reportFlags) emit(cmd *cobra.Command, s settings, rep model.Report) error {
	opts := report.Options{Lang: s.lang, Color: s.color}
	if r.output == "" {
		w := bufio.NewWriter(cmd.OutOrStdout())
		if err := s.reporter(w, rep, opts); err != nil {
			return fatalErr("writing %s report: %v", s.format, err)
		}
		if err := w.Flush(); err != nil {
			return fatalErr("writing report: %v", err)
		}
	} else {
		if err := writeFileAtomic(r.output, func(w io.Writer) error { return s.reporter(w, rep, opts) }); err != nil {
			return fatalErr("writing %s: %v", r.output, err)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "%s\n", summaryLine(rep, s.lang, r.output))
	}
	if exitCode(rep, s.failOn) != ExitOK {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

// exitCode is 1 when an unsuppressed finding has a --fail-on status.
func exitCode(rep model.Report, failOn map[model.Status]bool) int {
	for _, f := range rep.Findings {
		if f.Suppressed == nil && failOn[f.Status] {
			return ExitFindings
		}
	}
	return ExitOK
}

func summaryLine(rep model.Report, lang, path string) string {
	var parts []string
	for _, st := range model.Statuses {
		parts = append(parts, fmt.Sprintf("%s %d", st, rep.Summary[st]))
	}
	if lang == i18n.JA {
		return fmt.Sprintf("%s にレポートを書き出しました：%s、抑制 %d", path, strings.Join(parts, "、"), rep.Scan.Suppressed)
	}
	return fmt.Sprintf("wrote %s: %s, suppressed %d", path, strings.Join(parts, ", "), rep.Scan.Suppressed)
}

// writeFileAtomic writes through a temporary file in the same directory and
// renames it, so a failed write never leaves half a report behind.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".kumoguard-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := write(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func usageErr(format string, args ...any) error {
	return &ExitError{Code: ExitFatal, Msg: fmt.Sprintf(format, args...)}
}

func fatalErr(format string, args ...any) error {
	return &ExitError{Code: ExitFatal, Msg: fmt.Sprintf(format, args...)}
}
