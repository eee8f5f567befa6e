package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Table writes findings for a terminal: one aligned row per cluster (status,
// rule, resource, file:line:column, message of its most severe finding, the
// cluster's other findings under it), grouped by file for IaC and by
// account/region for live resources, with the remediation under every FAIL,
// ERROR and UNKNOWN row (once per cluster when two rules give the same one),
// notes under any row, suppressed findings marked with their reason, and the
// counts per finding and per cluster at the end. PASS and N/A rows stay one
// line each so that what passed, and why something is out of scope, is
// visible without drowning the failures.
//
// Columns are aligned by display width (Japanese characters take two
// columns), which text/tabwriter does not do. ANSI colour is used only when
// Options.Color is set; the CLI sets it only when stdout is a terminal.
var Table = registerFormat("table", writeTable)

const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiDim     = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiMagenta = "\x1b[35m"
	ansiCyan    = "\x1b[36m"
)

// tableLineWidth is where remediation, notes and suppression lines wrap.
// Finding rows themselves are never wrapped, so that each stays one line for
// grep.
const tableLineWidth = 120

var statusColor = map[model.Status]string{
	model.StatusPass:          ansiGreen,
	model.StatusFail:          ansiBold + ansiRed,
	model.StatusNotApplicable: ansiCyan,
	model.StatusUnknown:       ansiBold + ansiYellow,
	model.StatusError:         ansiBold + ansiMagenta,
}

// tableRow is one cluster's cells, already cleaned for a terminal: those of
// its most severe finding, the others listed under it.
type tableRow struct {
	status, rule, resource, location, message string
	finding                                   model.Finding
	others                                    []model.Finding
}

func writeTable(w io.Writer, r model.Report, o Options) error {
	lang := o.lang()
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !o.Color || code == "" {
			return s
		}
		return code + s + ansiReset
	}

	fmt.Fprintln(bw, tableHeading(r, o, lang))

	groups := groupFindings(r.Findings, lang)
	rows := make([][]tableRow, len(groups))
	head := tableRow{status: upper(words.ColStatus.In(lang)), rule: upper(words.ColRule.In(lang)), resource: upper(words.ColResource.In(lang)),
		location: upper(words.ColLocation.In(lang)), message: upper(words.ColMessage.In(lang))}
	wStatus, wRule, wResource, wLocation := displayWidth(head.status), displayWidth(head.rule), displayWidth(head.resource), displayWidth(head.location)
	for i, g := range groups {
		for _, c := range clusterRows(g.Findings) {
			f := c[0]
			msg := f.Message.In(lang)
			if f.Suppressed != nil {
				msg = words.SuppressedMark.In(lang) + " " + msg
			}
			row := tableRow{status: statusCode(f.Status), rule: terminalText(f.RuleID), resource: terminalText(resourceLabel(f)),
				location: terminalText(locationLabel(f)), message: terminalText(msg), finding: f, others: c[1:]}
			wStatus = max(wStatus, displayWidth(row.status))
			wRule = max(wRule, displayWidth(row.rule))
			wResource = max(wResource, displayWidth(row.resource))
			wLocation = max(wLocation, displayWidth(row.location))
			rows[i] = append(rows[i], row)
		}
	}

	const indent = "  "
	// On a terminal (Options.Width set) the message wraps under its own
	// column, or below the row when the terminal is too narrow for that;
	// written to a file or pipe, each finding stays one line for grep.
	prefixWidth := len(indent) + wStatus + 2 + wRule + 2 + wResource + 2 + wLocation + 2
	subIndent := indent + strings.Repeat(" ", wStatus+2)
	lineWidth := tableLineWidth
	if o.Width > 0 {
		lineWidth = o.Width
	}
	// narrow: the columns alone leave too little room for the message, so
	// each finding is stacked: status, rule and resource, then location and
	// message under them.
	narrow := o.Width > 0 && prefixWidth+24 > o.Width
	wrapUnder := func(text string) []string {
		var out []string
		for _, l := range wrapText(text, max(20, o.Width-displayWidth(subIndent)-2)) {
			out = append(out, subIndent+"  "+l)
		}
		return out
	}
	lines := func(status string, row tableRow) []string {
		if narrow {
			pad := strings.Repeat(" ", max(0, wStatus-displayWidth(row.status)))
			out := []string{strings.TrimRight(indent+status+pad+"  "+padRight(row.rule, wRule)+"  "+row.resource, " ")}
			if displayWidth(indent+row.status+pad+"  "+padRight(row.rule, wRule)+"  "+row.resource) > o.Width {
				out = append([]string{indent + status + pad + "  " + row.rule}, wrapUnder(row.resource)...)
			}
			if row.location != "" && row.location != row.resource {
				out = append(out, wrapUnder(row.location)...)
			}
			if row.message != "" {
				out = append(out, wrapUnder(row.message)...)
			}
			return out
		}
		prefix := indent + status + strings.Repeat(" ", max(0, wStatus-displayWidth(row.status))) + "  " +
			padRight(row.rule, wRule) + "  " + padRight(row.resource, wResource) + "  " +
			padRight(row.location, wLocation) + "  "
		if o.Width <= 0 || prefixWidth+displayWidth(row.message) <= o.Width {
			return []string{strings.TrimRight(prefix+row.message, " ")}
		}
		if avail := o.Width - prefixWidth; avail >= 24 {
			ls := wrapText(row.message, avail)
			out := []string{strings.TrimRight(prefix+ls[0], " ")}
			for _, l := range ls[1:] {
				out = append(out, strings.Repeat(" ", prefixWidth)+l)
			}
			return out
		}
		return append([]string{strings.TrimRight(prefix, " ")}, wrapUnder(row.message)...)
	}
	line := func(status string, row tableRow) string { return strings.Join(lines(status, row), "\n") }
	// Continuation lines (remediation, notes, suppression) start under RULE
	// and wrap at the line width with a hanging indent.
	continuation := func(text string) []string {
		wrapped := wrapText(text, max(20, lineWidth-displayWidth(subIndent)-2))
		out := make([]string, len(wrapped))
		for i, l := range wrapped {
			if i == 0 {
				out[i] = subIndent + "↳ " + l
			} else {
				out[i] = subIndent + "  " + l
			}
		}
		return out
	}

	if len(r.Findings) == 0 {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, words.NoFindings.In(lang))
	} else {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, paint(ansiBold, line(head.status, head)))
	}
	for i, g := range groups {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, paint(ansiBold, terminalText(g.Name)))
		for _, row := range rows[i] {
			f := row.finding
			// A cluster's remediation is written once even when two of
			// its rules give the same one (a disabled cluster fails
			// KG-BT-001 and KG-BT-002 with one way out).
			// So are a suppression of both and a note both carry.
			seen := map[string]bool{}
			extrasOf := func(f model.Finding) []string {
				var extra []string
				if f.Suppressed != nil {
					extra = append(extra, words.Suppressed.In(lang)+": "+terminalText(suppressionText(f.Suppressed, lang)))
				} else if needsAction(f) {
					extra = append(extra, tableFixLines(f, lang)...)
				}
				for _, n := range f.Notes {
					extra = append(extra, words.Note.In(lang)+": "+terminalText(n.In(lang)))
				}
				out := extra[:0]
				for _, l := range extra {
					if !seen[l] {
						seen[l] = true
						out = append(out, l)
					}
				}
				return out
			}
			dim := func(f model.Finding) string {
				// A suppressed finding is shown whole but dimmed: it is
				// there, accepted, and not counted.
				if f.Suppressed != nil {
					return ansiDim
				}
				return ""
			}
			if f.Suppressed != nil {
				for _, l := range lines(row.status, row) {
					fmt.Fprintln(bw, paint(ansiDim, l))
				}
			} else {
				fmt.Fprintln(bw, line(paint(statusColor[f.Status], row.status), row))
			}
			for _, e := range extrasOf(f) {
				for _, l := range continuation(e) {
					fmt.Fprintln(bw, paint(dim(f), l))
				}
			}
			for _, o := range row.others {
				head := terminalText(o.RuleID) + " " + statusCode(o.Status) + ": " + terminalText(o.Message.In(lang))
				if o.Suppressed != nil {
					head = words.SuppressedMark.In(lang) + " " + head
				}
				for _, e := range append([]string{head}, extrasOf(o)...) {
					for _, l := range continuation(e) {
						fmt.Fprintln(bw, paint(dim(o), l))
					}
				}
			}
		}
	}

	fmt.Fprintln(bw)
	if o.Width > 0 && !o.Color {
		for _, l := range wrapText(summaryLine(r, lang, paint), o.Width) {
			fmt.Fprintln(bw, l)
		}
	} else {
		fmt.Fprintln(bw, summaryLine(r, lang, paint))
	}
	if cl := clusterSummaryLine(r, lang); cl != "" {
		fmt.Fprintln(bw, cl)
	}
	return bw.Flush()
}

// inputRuleID is the rule of findings about the scan's input (files that do
// not parse, accounts that could not be read) rather than about a cluster.
const inputRuleID = "KG-BT-000"

// clusterKey is the identity of the resource a finding judges, "" for a
// finding about no resource.
func clusterKey(f model.Finding) string {
	r := f.Resource
	if r.Address == "" && r.ARN == "" && r.Name == "" {
		return ""
	}
	return strings.Join([]string{string(r.Kind), r.Root, r.Type, r.Address, r.Name, r.Account, r.Region, r.ARN}, "\x00")
}

// clusterRows gathers findings by the resource they judge, in the order
// resources first appear; each row starts with its most severe finding
// (unsuppressed first), the others in report order.
func clusterRows(fs []model.Finding) [][]model.Finding {
	var rows [][]model.Finding
	index := map[string]int{}
	for _, f := range fs {
		k := clusterKey(f)
		if i, ok := index[k]; ok && k != "" {
			rows[i] = append(rows[i], f)
			continue
		}
		index[k] = len(rows)
		rows = append(rows, []model.Finding{f})
	}
	for _, row := range rows {
		best := 0
		for i, f := range row {
			if clusterRank(f) > clusterRank(row[best]) {
				best = i
			}
		}
		if best > 0 {
			f := row[best]
			copy(row[1:best+1], row[:best])
			row[0] = f
		}
	}
	return rows
}

// clusterRank orders a cluster's findings: unsuppressed before suppressed,
// then FAIL, ERROR, UNKNOWN, PASS, NOT_APPLICABLE.
func clusterRank(f model.Finding) int {
	rank := map[model.Status]int{model.StatusFail: 5, model.StatusError: 4, model.StatusUnknown: 3, model.StatusPass: 2, model.StatusNotApplicable: 1}[f.Status]
	if f.Suppressed == nil {
		rank += 10
	}
	return rank
}

// clusterStatus is a cluster's status: that of its most severe unsuppressed
// finding, or "" when every finding is suppressed.
func clusterStatus(row []model.Finding) model.Status {
	if row[0].Suppressed != nil {
		return ""
	}
	return row[0].Status
}

// clusterCounts counts the clusters the findings judge, by status; findings
// about the input alone (KG-BT-000) are no cluster. suppressed counts the
// clusters whose every finding is suppressed.
func clusterCounts(fs []model.Finding) (total int, by map[model.Status]int, suppressed int) {
	by = map[model.Status]int{}
	for _, row := range clusterRows(fs) {
		cluster := false
		for _, f := range row {
			if f.RuleID != inputRuleID {
				cluster = true
			}
		}
		if !cluster {
			continue
		}
		total++
		if st := clusterStatus(row); st != "" {
			by[st]++
		} else {
			suppressed++
		}
	}
	return total, by, suppressed
}

// clusterSummaryLine is "Clusters: 7 · FAIL 3 · PASS 2 · N/A 1 · suppressed 1":
// each cluster counted once, by its most severe unsuppressed finding.
func clusterSummaryLine(r model.Report, lang string) string {
	total, by, suppressed := clusterCounts(r.Findings)
	if total == 0 {
		return ""
	}
	parts := []string{fmt.Sprintf("%d", total)}
	for _, st := range []model.Status{model.StatusFail, model.StatusError, model.StatusUnknown, model.StatusPass, model.StatusNotApplicable} {
		if by[st] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", statusCode(st), by[st]))
		}
	}
	if suppressed > 0 {
		parts = append(parts, fmt.Sprintf(words.ClustersSuppressed.In(lang), suppressed))
	}
	return words.Clusters.In(lang) + ": " + strings.Join(parts, " · ")
}

// tableHeading is the first line: tool, scan kind, root, policy minimum.
func tableHeading(r model.Report, o Options, lang string) string {
	name := firstNonEmpty(r.Tool.Name, "kumoguard")
	parts := []string{strings.TrimSpace(name + " " + r.Tool.Version)}
	switch r.Scan.Kind {
	case "iac":
		parts = append(parts, words.ScanIaC.In(lang))
	case "aws":
		parts = append(parts, words.ScanAWS.In(lang))
	case "":
	default:
		parts = append(parts, terminalText(r.Scan.Kind)+" "+words.Scan.In(lang))
	}
	if root := firstNonEmpty(o.RootLabel, r.Scan.Root); root != "" {
		parts = append(parts, words.Root.In(lang)+" "+terminalText(root))
	}
	if r.Scan.MinWindow > 0 {
		parts = append(parts, words.MinWindow.In(lang)+" "+model.Duration(r.Scan.MinWindow).In(lang))
	}
	return strings.Join(parts, " · ")
}

// summaryLine is "Summary: PASS 3 · FAIL 2 · N/A 1 · UNKNOWN 0 · ERROR 1 ·
// suppressed 2 (not counted above)".
func summaryLine(r model.Report, lang string, paint func(code, s string) string) string {
	sum := summaryOf(r)
	var parts []string
	for _, st := range model.Statuses {
		s := fmt.Sprintf("%s %d", statusCode(st), sum[st])
		if sum[st] > 0 && st != model.StatusPass && st != model.StatusNotApplicable {
			s = paint(statusColor[st], s)
		}
		parts = append(parts, s)
	}
	if n := suppressedCount(r.Findings); n > 0 {
		parts = append(parts, paint(ansiDim, fmt.Sprintf(words.SuppressedNotCounted.In(lang), n)))
	}
	return words.Summary.In(lang) + ": " + strings.Join(parts, " · ")
}

// terminalText puts a text on one line and replaces control characters
// (which could move the cursor or recolour the terminal when a scanned file
// carries them) with U+FFFD.
func terminalText(s string) string { return withoutControls(oneLine(s)) }

// upper capitalises a column heading (Japanese is unchanged).
func upper(s string) string { return strings.ToUpper(s) }
