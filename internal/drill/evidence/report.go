package evidence

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ReportOptions shape an auditor's report of drill evidence.
type ReportOptions struct {
	// Format is "markdown" or "html".
	Format string
	// Lang is "en" or "ja".
	Lang string
	// Generated is when the report was made.
	Generated time.Time
	// KeyID identifies the expected public key the results were verified
	// with; "" when none was given (then who signed is not established, and
	// the report says so).
	KeyID string
	// Version is kumoguard's version, for the footer.
	Version string
}

// Controls are the control objectives drill evidence serves, as the report
// lists them. The texts paraphrase each control; the frameworks' own wording
// is authoritative.
var Controls = []struct {
	ID, Framework string
	EN, JA        string
}{
	{"A1.3", "AICPA SOC 2 (Trust Services Criteria, Availability)",
		"Recovery plan procedures supporting system recovery are tested. Each drill is a test of the rewind procedure on a clone, with its measured recovery time.",
		"システム復旧を支える復旧計画の手順がテストされていること。各訓練はクローン上で巻き戻し手順をテストし、復旧時間を測定しています。"},
	{"A.8.13", "ISO/IEC 27001:2022 Annex A (Information backup)",
		"Backup copies are maintained and regularly tested. The backtrack change records are the backup; the drill tests that they restore a consistent state.",
		"バックアップを維持し、定期的にテストすること。バックトラックの変更レコードがバックアップに当たり、訓練はそれで整合した状態に戻せることをテストしています。"},
	{"A.5.30", "ISO/IEC 27001:2022 Annex A (ICT readiness for business continuity)",
		"ICT readiness is planned, implemented, maintained and tested against continuity objectives. The drill tests the rewind and records the production window actually available.",
		"ICT の継続準備を計画・実施・維持し、継続目標に照らしてテストすること。訓練は巻き戻しをテストし、本番で実際に利用可能だったウィンドウを記録しています。"},
	{"CP-4", "NIST SP 800-53 Rev. 5 (Contingency Plan Testing)",
		"The contingency plan is tested to determine its effectiveness and readiness to execute. Each drill runs the rewind as the plan would, and records the outcome per phase.",
		"コンティンジェンシー計画をテストし、有効性と実行準備を確認すること。各訓練は計画どおりに巻き戻しを実行し、フェーズごとの結果を記録しています。"},
	{"CP-9(1)", "NIST SP 800-53 Rev. 5 (System Backup: Testing for Reliability and Integrity)",
		"Backup information is tested to verify media reliability and information integrity. The data check compares row counts and checksums before and after the rewind.",
		"バックアップ情報をテストし、媒体の信頼性と情報の完全性を確認すること。データチェックは巻き戻しの前後で行数とチェックサムを比較しています。"},
}

type block struct {
	Kind  string // h1 h2 h3 p table
	Text  string
	ID    string
	Head  []string
	Rows  [][]string
	Class string // p: "ok" or "bad" for status lines
}

// Report writes an auditor's report of the verified documents: per source
// cluster and per drill, in start order, the phases with their durations,
// requested and actual backtrack times, the data check, production's achieved
// window, the verification status, and the controls the evidence serves.
func Report(w io.Writer, results []Result, o ReportOptions) error {
	l := labelsFor(o.Lang)
	blocks := reportBlocks(results, o, l)
	switch strings.ToLower(o.Format) {
	case "markdown", "md", "":
		return writeMarkdown(w, blocks)
	case "html":
		return writeHTML(w, blocks, o.Lang, l)
	}
	return fmt.Errorf("unknown report format %q (expected markdown or html)", o.Format)
}

func reportBlocks(results []Result, o ReportOptions, l labels) []block {
	var b []block
	add := func(x block) { b = append(b, x) }
	add(block{Kind: "h1", Text: l.title})
	ok, bad := 0, 0
	for _, r := range results {
		if o.reportOK(r) {
			ok++
		} else {
			bad++
		}
	}
	key := l.noKey
	if o.KeyID != "" {
		key = fmt.Sprintf(l.keyFmt, o.KeyID)
	}
	add(block{Kind: "table", Head: []string{l.item, l.value}, Rows: [][]string{
		{l.generated, o.Generated.UTC().Format(time.RFC3339)},
		{l.documents, fmt.Sprintf(l.docCountFmt, len(results), ok, bad)},
		{l.expectedKey, key},
	}})
	if bad > 0 {
		add(block{Kind: "p", Class: "bad", Text: l.someBad})
	}

	// Group by source, oldest drill first.
	idx := make([]int, len(results))
	for i := range idx {
		idx[i] = i
	}
	src := func(r Result) string {
		if r.Doc == nil {
			return ""
		}
		return r.Doc.Source.ARN
	}
	sort.SliceStable(idx, func(a, c int) bool {
		ra, rc := results[idx[a]], results[idx[c]]
		if src(ra) != src(rc) {
			return src(ra) < src(rc)
		}
		if ra.Doc == nil || rc.Doc == nil {
			return ra.File < rc.File
		}
		return chainLess(ra.Doc, ra.File, rc.Doc, rc.File)
	})
	last := "\x00"
	for _, i := range idx {
		r := results[i]
		if s := src(r); s != last {
			last = s
			name := l.unreadable
			if r.Doc != nil {
				name = fmt.Sprintf("%s (%s)", r.Doc.Source.Identifier, s)
			}
			add(block{Kind: "h2", Text: l.cluster + l.colon + name})
		}
		b = append(b, drillBlocks(r, o, l)...)
	}

	add(block{Kind: "h2", Text: l.controls})
	add(block{Kind: "p", Text: l.controlsIntro})
	var rows [][]string
	for _, c := range Controls {
		text := c.EN
		if o.Lang == "ja" {
			text = c.JA
		}
		rows = append(rows, []string{c.ID, c.Framework, text})
	}
	add(block{Kind: "table", Head: []string{l.control, l.framework, l.howServed}, Rows: rows})
	add(block{Kind: "h2", Text: l.limitsTitle})
	add(block{Kind: "p", Text: l.limits})
	if o.Version != "" {
		add(block{Kind: "p", Text: "kumoguard " + o.Version})
	}
	return b
}

// reportOK: verified, ignoring the missing expected key when none was given.
func (o ReportOptions) reportOK(r Result) bool { return len(o.problems(r)) == 0 }

func (o ReportOptions) problems(r Result) []Problem {
	if o.KeyID != "" {
		return r.Problems
	}
	var out []Problem
	for _, p := range r.Problems {
		if p.Check == CheckKey && p.Detail == noExpectedKey {
			continue
		}
		out = append(out, p)
	}
	return out
}

func drillBlocks(r Result, o ReportOptions, l labels) []block {
	var b []block
	d := r.Doc
	if d == nil {
		b = append(b, block{Kind: "h3", Text: filepath.Base(r.File)})
		b = append(b, block{Kind: "p", Class: "bad", Text: l.notVerified + l.colon + joinProblems(o.problems(r))})
		return b
	}
	outcome := l.outcome(d.Outcome)
	b = append(b, block{Kind: "h3", ID: "drill-" + d.DrillID, Text: fmt.Sprintf("%s %s — %s (%s)", l.drill, d.DrillID, outcome, d.Started.UTC().Format("2006-01-02"))})

	if ps := o.problems(r); len(ps) > 0 {
		b = append(b, block{Kind: "p", Class: "bad", Text: l.notVerified + l.colon + joinProblems(ps)})
	} else if o.KeyID != "" {
		b = append(b, block{Kind: "p", Class: "ok", Text: fmt.Sprintf(l.verifiedFmt, o.KeyID)})
	} else {
		b = append(b, block{Kind: "p", Class: "bad", Text: l.verifiedNoKey})
	}

	rows := [][]string{
		{l.outcomeL, outcome},
		{l.started, ts(d.Started)},
		{l.finished, ts(d.Finished)},
		{l.total, dur(d.Finished.Sub(d.Started).Seconds(), o.Lang)},
		{l.recovery, dur(d.RecoverySeconds, o.Lang)},
		{l.source, fmt.Sprintf("%s (%s %s)", d.Source.ARN, d.Source.Engine, d.Source.EngineVersion)},
		{l.clone, fmt.Sprintf("%s / %s (%s)", d.Clone.Identifier, d.Clone.Instance, d.Clone.InstanceClass)},
		{l.who, d.CallerARN},
		{l.where, d.Account + " / " + d.Region},
		{l.file, r.File},
		{l.hash, r.Hash},
		{l.tool, d.KumoguardVersion},
	}
	if d.FailureReason != "" {
		rows = append(rows[:1], append([][]string{{l.reason, d.FailureReason}}, rows[1:]...)...)
	}
	b = append(b, block{Kind: "table", Head: []string{l.item, l.value}, Rows: rows})

	var phases [][]string
	for _, p := range d.Phases {
		note := p.Error
		if len(p.RequestIDs) > 0 {
			ids := l.requestIDs + ": " + strings.Join(p.RequestIDs, ", ")
			if note != "" {
				note += "; "
			}
			note += ids
		}
		phases = append(phases, []string{p.Name, ts(p.Started), ts(p.Finished), dur(p.DurationSeconds, o.Lang), l.outcome(p.Outcome), note})
	}
	b = append(b, block{Kind: "p", Text: l.phases})
	b = append(b, block{Kind: "table", Head: []string{l.phase, l.started, l.finished, l.duration, l.outcomeL, l.notes}, Rows: phases})

	var bts [][]string
	for _, x := range d.Backtracks {
		actual, diff := "—", "—"
		if !x.ActualTo.IsZero() {
			actual = ts(x.ActualTo)
			diff = fmt.Sprintf("%+.3f s", x.ActualTo.Sub(x.RequestedTo).Seconds())
		}
		bts = append(bts, []string{l.direction(x.Direction), ts(x.RequestedTo), actual, diff, x.Status, x.RequestID})
	}
	b = append(b, block{Kind: "p", Text: l.backtracks})
	if len(bts) == 0 {
		b = append(b, block{Kind: "p", Text: l.none})
	} else {
		b = append(b, block{Kind: "table", Head: []string{l.directionL, l.requested, l.actual, l.difference, l.status, l.requestID}, Rows: bts})
	}

	b = append(b, block{Kind: "p", Text: l.dataCheck})
	if dc := d.DataCheck; dc == nil {
		b = append(b, block{Kind: "p", Text: l.noDataCheck})
	} else {
		rows := [][]string{
			{l.markerWritten, ts(dc.MarkerWrittenAt)},
			{l.markerGone, l.yesNo(dc.MarkerGoneAfterBacktrack)},
			{l.fingerprint, l.yesNo(dc.FingerprintMatches)},
		}
		if dc.MarkerBackAfterForward != nil {
			rows = append(rows, []string{l.markerBack, l.yesNo(*dc.MarkerBackAfterForward)})
		}
		if dc.Error != "" {
			rows = append(rows, []string{l.errorL, dc.Error})
		}
		b = append(b, block{Kind: "table", Head: []string{l.item, l.value}, Rows: rows})
		var tables [][]string
		for _, t := range dc.Tables {
			tables = append(tables, []string{t.Table, fmt.Sprint(t.RowsBefore), fmt.Sprint(t.RowsAfter), t.ChecksumBefore, t.ChecksumAfter})
		}
		if len(tables) > 0 {
			b = append(b, block{Kind: "table", Head: []string{l.table, l.rowsBefore, l.rowsAfter, l.sumBefore, l.sumAfter}, Rows: tables})
		}
	}

	p := d.Production
	b = append(b, block{Kind: "p", Text: l.production})
	b = append(b, block{Kind: "p", Text: fmt.Sprintf(l.couldRewindFmt, d.Source.Identifier, hours(p.AchievedSeconds), p.MeasuredAt.UTC().Format("2006-01-02"), hours(p.TargetWindowSeconds))})
	prow := [][]string{{l.measuredAt, ts(p.MeasuredAt)}, {l.target, hours(p.TargetWindowSeconds) + " h"}, {l.achieved, hours(p.AchievedSeconds) + " h"}}
	if p.EarliestBacktrackTime != nil {
		prow = append(prow, []string{"EarliestBacktrackTime", ts(*p.EarliestBacktrackTime)})
	}
	look := hours(p.LookbackSeconds) + " h"
	switch {
	case p.WindowAlertSum != nil:
		prow = append(prow, []string{fmt.Sprintf(l.alertsFmt, look), fmt.Sprint(*p.WindowAlertSum)})
	case p.WindowAlertError != "":
		prow = append(prow, []string{fmt.Sprintf(l.alertsFmt, look), l.unavailable + ": " + p.WindowAlertError})
	}
	if p.EventsError != "" {
		prow = append(prow, []string{"RDS-EVENT-0131", l.unavailable + ": " + p.EventsError})
	} else {
		prow = append(prow, []string{"RDS-EVENT-0131", fmt.Sprint(len(p.Event0131))})
	}
	b = append(b, block{Kind: "table", Head: []string{l.item, l.value}, Rows: prow})
	if len(p.Event0131) > 0 {
		var ev [][]string
		for _, e := range p.Event0131 {
			ev = append(ev, []string{ts(e.Time), e.Message})
		}
		b = append(b, block{Kind: "table", Head: []string{l.time, l.message}, Rows: ev})
	}
	return b
}

func joinProblems(ps []Problem) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, "; ")
}

func ts(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05.000Z")
}

func hours(sec int64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(sec)/3600), ".0")
}

// dur renders seconds as "1 h 2 min 3.5 s" ("1 時間 2 分 3.5 秒").
func dur(sec float64, lang string) string {
	h, m, s := "h", "min", "s"
	if lang == "ja" {
		h, m, s = "時間", "分", "秒"
	}
	if sec < 0 {
		sec = 0
	}
	sec = math.Round(sec*10) / 10
	hh := int64(sec) / 3600
	mm := int64(sec) % 3600 / 60
	ss := sec - float64(hh*3600+mm*60)
	var parts []string
	if hh > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", hh, h))
	}
	if mm > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", mm, m))
	}
	if ss > 0 || len(parts) == 0 {
		parts = append(parts, strings.TrimSuffix(fmt.Sprintf("%.1f", ss), ".0")+" "+s)
	}
	return strings.Join(parts, " ")
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "\\", "\\\\")
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " ")
}

func mdText(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "<", "&lt;", "`", "\\`", "[", "\\[", "]", "\\]")
	return r.Replace(strings.ReplaceAll(s, "\n", " "))
}

func writeMarkdown(w io.Writer, blocks []block) error {
	var sb strings.Builder
	for i, b := range blocks {
		if i > 0 {
			sb.WriteString("\n")
		}
		switch b.Kind {
		case "h1":
			sb.WriteString("# " + mdText(b.Text) + "\n")
		case "h2":
			sb.WriteString("## " + mdText(b.Text) + "\n")
		case "h3":
			sb.WriteString("### " + mdText(b.Text) + "\n")
		case "p":
			t := mdText(b.Text)
			if b.Class != "" {
				t = "**" + t + "**"
			}
			sb.WriteString(t + "\n")
		case "table":
			sb.WriteString("|")
			for _, h := range b.Head {
				sb.WriteString(" " + mdCell(h) + " |")
			}
			sb.WriteString("\n|")
			for range b.Head {
				sb.WriteString("---|")
			}
			sb.WriteString("\n")
			for _, row := range b.Rows {
				sb.WriteString("|")
				for _, c := range row {
					sb.WriteString(" " + mdCell(c) + " |")
				}
				sb.WriteString("\n")
			}
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

var htmlReport = template.Must(template.New("r").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #c9d1d9;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}
p.ok{color:#116329;font-weight:600}
p.bad{color:#a40e26;font-weight:600}
h3{margin-top:2rem;border-top:1px solid #d0d7de;padding-top:1rem}
@media print{body{margin:0;max-width:none}h3{break-before:auto}}
</style>
</head>
<body>
{{range .Blocks}}{{if eq .Kind "h1"}}<h1>{{.Text}}</h1>
{{else if eq .Kind "h2"}}<h2>{{.Text}}</h2>
{{else if eq .Kind "h3"}}<h3{{if .ID}} id="{{.ID}}"{{end}}>{{.Text}}</h3>
{{else if eq .Kind "p"}}<p{{if .Class}} class="{{.Class}}"{{end}}>{{.Text}}</p>
{{else if eq .Kind "table"}}<table>
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{end}}{{end}}</body>
</html>
`))

func writeHTML(w io.Writer, blocks []block, lang string, l labels) error {
	if lang != "ja" {
		lang = "en"
	}
	return htmlReport.Execute(w, struct {
		Lang, Title string
		Blocks      []block
	}{lang, l.title, blocks})
}
