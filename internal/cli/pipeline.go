package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
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
	format       string
	output       string
	failOn       string
	minWindow    string
	configPath   string
	allowPartial bool
}

func addReportFlags(cmd *cobra.Command, r *reportFlags) {
	f := cmd.Flags()
	f.StringVarP(&r.format, "format", "f", "table", "report format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&r.output, "output", "o", "", "write the report to this file (\"-\": standard output); devices, FIFOs and symlink targets are written as they are")
	f.StringVar(&r.failOn, "fail-on", "", "comma-separated statuses that make the exit code 1: FAIL, UNKNOWN, ERROR, or none (default FAIL)")
	f.StringVar(&r.minWindow, "min-window", "", "minimum target backtrack window: 24h, 86400s, 1d (default 24h, at most 72h)")
	f.StringVar(&r.configPath, "config", "", "kumoguard.yaml with settings and suppressions (default ./kumoguard.yaml when present)")
	f.BoolVar(&r.allowPartial, "allow-partial", false, "exit by --fail-on alone even when the scan is incomplete (default: exit 3 when anything in scope could not be evaluated)")
}

// settings is what the flags and kumoguard.yaml resolve to.
type settings struct {
	lang         string
	color        bool
	width        int // terminal columns for the table; 0: not a terminal
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
	if cfg.DrillMaxAge != "" { // validated by config.Parse
		if d, err := config.ParseAge(cfg.DrillMaxAge); err == nil {
			s.policy.DrillMaxAge = d
		}
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
	if r.output == "" || r.output == "-" {
		tty := false
		if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			tty = true
			if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
				s.width = w
			}
		}
		s.color = tty && r.output == "" && !g.noColor && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
		// COLUMNS, as shells export it, sets the width where there is no
		// terminal to ask (CI logs, less -R, tests).
		if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 20 {
			s.width = n
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

// emit writes the report and returns the exit error: 130 for an
// interrupted scan, 3 for an incomplete one (unless --allow-partial), 1 when
// unsuppressed findings reach --fail-on.
func (r *reportFlags) emit(cmd *cobra.Command, s settings, rep model.Report) error {
	opts := report.Options{Lang: s.lang, Color: s.color, Width: s.width, RootLabel: rootLabel(rep.Scan.Root)}
	if r.output == "" {
		w := bufio.NewWriter(cmd.OutOrStdout())
		if err := s.reporter(w, rep, opts); err != nil {
			return fatalErr("writing %s report: %v", s.format, err)
		}
		if err := w.Flush(); err != nil {
			return fatalErr("writing report: %v", err)
		}
	} else {
		if err := writeOutput(r.output, cmd.OutOrStdout(), func(w io.Writer) error { return s.reporter(w, rep, opts) }); err != nil {
			return fatalErr("writing %s: %v", r.output, err)
		}
		if r.output != "-" {
			fmt.Fprintf(cmd.ErrOrStderr(), "%s\n", summaryLine(rep, s.lang, r.output))
		}
	}
	code := exitCode(rep, s.failOn, r.allowPartial)
	switch code {
	case ExitOK:
		return nil
	case ExitInterrupted:
		return &ExitError{Code: code, Msg: model.T("the scan was interrupted; the report above is partial.",
			"スキャンが中断されました。レポートは途中までの結果です。").In(s.lang)}
	case ExitIncomplete:
		return &ExitError{Code: code, Msg: model.T("the scan is incomplete: %d input(s), account(s), region(s) or call(s) could not be evaluated (KG-BT-000); exit 3. Use --allow-partial to exit by --fail-on alone.",
			"スキャンが不完全です。%d 件の入力・アカウント・リージョン・呼び出しを評価できませんでした（KG-BT-000）。終了コード 3。--fail-on だけで終了コードを決めるには --allow-partial を指定してください。",
			rep.Scan.Coverage["not_evaluated"]).In(s.lang)}
	}
	return &ExitError{Code: code}
}

// exitCode decides the exit code of a scan: 130 when it was interrupted, 3
// when something in scope could not be evaluated (unless allowPartial), 1
// when an unsuppressed finding has a --fail-on status, else 0.
func exitCode(rep model.Report, failOn map[model.Status]bool, allowPartial bool) int {
	if rep.Scan.Interrupted {
		return ExitInterrupted
	}
	if rep.Scan.Incomplete && !allowPartial {
		return ExitIncomplete
	}
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

func usageErr(format string, args ...any) error {
	return &ExitError{Code: ExitFatal, Msg: fmt.Sprintf(format, args...)}
}

func fatalErr(format string, args ...any) error {
	return &ExitError{Code: ExitFatal, Msg: fmt.Sprintf(format, args...)}
}

// rootLabel names the scan root as the user sees it: relative to the working
// directory when it is inside it ("." for the directory itself).
func rootLabel(root string) string {
	if root == "" {
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(wd, filepath.FromSlash(root))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}
