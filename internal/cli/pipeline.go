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
	format string
	// output is the file --format goes to (-o FILE); outputs are the values
	// of -o, FORMAT=FILE ones each one more report of the same scan.
	output       string
	outputs      []string
	failOn       string
	minWindow    string
	configPath   string
	allowPartial bool
	selectFlags
	baseline       string
	createBaseline string
}

func addReportFlags(cmd *cobra.Command, r *reportFlags) {
	f := cmd.Flags()
	f.StringVarP(&r.format, "format", "f", "table", "report format on standard output (or the bare -o FILE): "+strings.Join(report.Formats(), ", "))
	f.StringArrayVarP(&r.outputs, "output", "o", nil, "FORMAT=FILE: also write this format to FILE (repeatable: -o sarif=kumoguard.sarif -o json=report.json); "+
		"a bare FILE takes --format's report instead of standard output (\"-\": standard output); devices, FIFOs and symlink targets are written as they are")
	f.StringVar(&r.failOn, "fail-on", "", "comma-separated statuses that make the exit code 1: FAIL, UNKNOWN, ERROR, or none (default FAIL)")
	f.StringVar(&r.minWindow, "min-window", "", "minimum target backtrack window: 24h, 86400s, 1d (default 24h, at most 72h)")
	f.StringVar(&r.configPath, "config", "", "kumoguard.yaml with settings and suppressions (default ./kumoguard.yaml when present)")
	f.BoolVar(&r.allowPartial, "allow-partial", false, "exit by --fail-on alone even when the scan is incomplete (default: exit 3 when anything in scope could not be evaluated)")
	f.StringVar(&r.baseline, "baseline", "", "a previous JSON report: report only the findings that are new or changed since (by fingerprint and status)")
	f.StringVar(&r.createBaseline, "create-baseline", "", "write this scan's JSON report to FILE, to be given to --baseline later")
	addSelectFlags(cmd, &r.selectFlags)
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(report.Formats()...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", completeFailOn)
	_ = cmd.RegisterFlagCompletionFunc("min-window", fixedCompletion("24h", "48h", "72h", "1d", "2d", "3d"))
}

// outputSpec is one report a scan writes: a format, where (empty: standard
// output) and its reporter.
type outputSpec struct {
	format   string
	path     string
	reporter report.Reporter
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
	// extra are the FORMAT=FILE outputs, written after the main one.
	extra     []outputSpec
	selection selection
	baseline  *baselineSet
}

// wants reports whether any output of the scan is in format.
func (s settings) wants(format string) bool {
	if s.format == format {
		return true
	}
	for _, o := range s.extra {
		if o.format == format {
			return true
		}
	}
	return false
}

// setReporter replaces the reporter of every output in format (ASFF needs
// the scan's account and Region).
func (s *settings) setReporter(format string, r report.Reporter) {
	if s.format == format {
		s.reporter = r
	}
	for i := range s.extra {
		if s.extra[i].format == format {
			s.extra[i].reporter = r
		}
	}
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
		return s, usageErr("%s", errIn(err))
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
	if err := r.splitOutputs(&s); err != nil {
		return s, err
	}
	if s.selection, err = r.selectFlags.resolve(); err != nil {
		return s, err
	}
	if r.baseline != "" {
		if s.baseline, err = readBaseline(r.baseline); err != nil {
			return s, err
		}
	}
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

// splitOutputs sorts the -o values: FORMAT=FILE (FORMAT a known format)
// adds an output; anything else is the file --format goes to, as before
// -o was repeatable. Two bare files, or one file named twice, are errors.
func (r *reportFlags) splitOutputs(s *settings) error {
	if len(r.outputs) == 0 {
		return nil // r.output set directly (fix, runbook, migrate, tests)
	}
	r.output = ""
	seen := map[string]bool{}
	for _, v := range r.outputs {
		name, file, ok := strings.Cut(v, "=")
		var rep report.Reporter
		if ok && name != "" && file != "" {
			rep, _ = report.ByName(name)
		}
		if rep == nil {
			if r.output != "" {
				return usageErr(msg("--output: %q and %q both take --format's report; name the format of the others as FORMAT=FILE (formats: %s)",
					"--output：%q と %q の両方が --format のレポートの出力先になっています。ほかは FORMAT=FILE の形で形式を指定してください（形式：%s）"),
					r.output, v, strings.Join(report.Formats(), ", "))
			}
			r.output, file = v, v
		} else {
			s.extra = append(s.extra, outputSpec{format: strings.ToLower(name), path: file, reporter: rep})
		}
		if file != "-" && seen[file] {
			return usageErr(msg("--output: %s is named twice", "--output：%s が 2 回指定されています"), file)
		}
		seen[file] = true
	}
	return nil
}

// failOnValues are the values --fail-on accepts.
var failOnValues = []string{"FAIL", "UNKNOWN", "ERROR", "none"}

func completeFailOn(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	}
	var out []string
	for _, v := range failOnValues {
		if prefix != "" && v == "none" {
			continue
		}
		out = append(out, prefix+v)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// parseFailOn reads --fail-on: FAIL, UNKNOWN and ERROR in any combination,
// or none alone. Anything else is rejected naming only those values.
func parseFailOn(v string) (map[model.Status]bool, error) {
	out := map[model.Status]bool{}
	expected := msg("expected FAIL, UNKNOWN and ERROR, comma-separated, or none alone", "FAIL、UNKNOWN、ERROR をカンマ区切りで、または none だけを指定してください")
	parts := strings.Split(v, ",")
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if strings.EqualFold(part, "none") || strings.EqualFold(part, "never") {
			if len(parts) > 1 {
				return nil, fmt.Errorf(msg("%q cannot be combined with statuses (%s)", "%q はほかの状態と併用できません（%s）"), part, expected)
			}
			continue
		}
		st, err := model.ParseStatus(part)
		if err != nil || st == model.StatusPass || st == model.StatusNotApplicable {
			return nil, fmt.Errorf(msg("%q cannot fail a scan (%s)", "%q ではスキャンを失敗にできません（%s）"), part, expected)
		}
		out[st] = true
	}
	return out, nil
}

// scanSettings are the pipeline's settings for a scan made with s.
func (s settings) scanSettings() scan.Settings {
	edits := report.NeedsOf(s.format).Edits
	for _, o := range s.extra {
		edits = edits || report.NeedsOf(o.format).Edits
	}
	return scan.Settings{Policy: s.policy, Suppressions: s.suppressions,
		Edits: edits, Tool: model.Tool{Name: "kumoguard", Version: ToolVersion()}}
}

// emit writes the report and returns the exit error: 130 for an
// interrupted scan, 3 for an incomplete one (unless --allow-partial), 1 when
// unsuppressed findings reach --fail-on.
func (r *reportFlags) emit(cmd *cobra.Command, s settings, full model.Report) error {
	rep := s.selection.checked(full)
	if r.createBaseline != "" {
		if err := writeBaseline(r.createBaseline, cmd.OutOrStdout(), rep); err != nil {
			return fatalErr(msg("writing %s: %v", "%s を書き込めませんでした：%v"), r.createBaseline, err)
		}
		if !s.selection.quiet {
			fmt.Fprintf(cmd.ErrOrStderr(), msg("wrote the baseline %s (%d findings)", "ベースライン %s を書き出しました（検出結果 %d 件）")+"\n", r.createBaseline, len(rep.Findings))
		}
	}
	if s.baseline != nil {
		var known int
		rep, known = s.baseline.newOrChanged(rep)
		if !s.selection.quiet {
			fmt.Fprintf(cmd.ErrOrStderr(), msg("baseline %s: %d findings unchanged since, not reported", "ベースライン %s：変化のない検出結果 %d 件は報告していません")+"\n", s.baseline.path, known)
		}
	}
	shown := s.selection.shown(rep, s.failOn)
	opts := report.Options{Lang: s.lang, Color: s.color, Width: s.width, RootLabel: rootLabel(rep.Scan.Root)}
	outs := append([]outputSpec{{format: s.format, path: r.output, reporter: s.reporter}}, s.extra...)
	for i, o := range outs {
		if o.path == "" {
			w := bufio.NewWriter(cmd.OutOrStdout())
			if err := o.reporter(w, shown, opts); err != nil {
				return fatalErr(msg("writing %s report: %v", "%s レポートを書き込めませんでした：%v"), o.format, err)
			}
			if err := w.Flush(); err != nil {
				return fatalErr(msg("writing report: %v", "レポートを書き込めませんでした：%v"), err)
			}
			continue
		}
		oo := opts
		if i > 0 {
			oo.Color, oo.Width = false, 0 // extra files get neither colour nor the terminal's width
		}
		if err := writeOutput(o.path, cmd.OutOrStdout(), func(w io.Writer) error { return o.reporter(w, shown, oo) }); err != nil {
			return fatalErr(msg("writing %s: %v", "%s を書き込めませんでした：%v"), o.path, err)
		}
		if o.path != "-" && !s.selection.quiet {
			fmt.Fprintf(cmd.ErrOrStderr(), "%s\n", summaryLine(rep, s.lang, o.path))
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
