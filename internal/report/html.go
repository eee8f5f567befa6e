package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// HTML writes one self-contained page meant to be kept as audit evidence and
// opened offline: inline CSS, no JavaScript, no external fetches. It holds
// the scan header (tool, scan kind, root, start, duration, policy minimum,
// coverage), a table of counts per status, the findings grouped like the
// table format (by file for IaC, by account/region for live resources) with
// the whole structured remediation under every FAIL, UNKNOWN and ERROR, PASS
// and N/A folded in a <details> per group, and the rules at the end.
//
// The page is rendered by html/template, which escapes every value for the
// context it lands in; control characters are replaced with U+FFFD before
// that, so nothing from a scanned file can carry markup, script or terminal
// escapes into the page. The markup is also well-formed XML (every element
// closed, no boolean attributes), which html_test.go checks. A
// Content-Security-Policy meta element forbids scripts and every fetch, so
// even a browser opening a tampered copy loads nothing from the network.
// When printed, browsers that support ::details-content print the folded
// PASS and N/A findings too.
var HTML = registerFormat("html", writeHTML)

// htmlPage is everything the template shows, already in the report's
// language and cleaned of control characters.
type htmlPage struct {
	Lang, Title, Footer string
	Meta                []htmlMeta
	W                   htmlWords
	Summary             []htmlCount
	Suppressed          int
	SuppressedNote      string
	Groups              []htmlGroup
	Rules               []htmlRule
	// Overview is one row per group: its counts, linking to it.
	Overview []htmlOverviewRow
}

// htmlOverviewRow counts one group's findings by status.
type htmlOverviewRow struct {
	Name, Anchor string
	Counts       []int // in htmlOverviewStatuses order
	Suppressed   int
	Action       bool
}

// htmlOverviewStatuses are the overview's columns, most urgent first.
var htmlOverviewStatuses = []model.Status{model.StatusFail, model.StatusError, model.StatusUnknown, model.StatusPass, model.StatusNotApplicable}

// Href links an overview row to its group.
func (o htmlOverviewRow) Href() template.URL { return template.URL("#" + o.Anchor) }

// htmlWords are the interface words the template uses, in the language.
type htmlWords struct {
	Summary, Status, Count, Suppressed, Findings, NoFindings, Rules        string
	Overview, Group, SameFix                                               string
	OverviewCodes                                                          []htmlBadge
	Resource, Location, Severity, Fingerprint, Note, Reason, Until, Source string
	Fix, Console, CLI, Runbook, Code, Rationale, Help, RuleLink            string
}

type htmlMeta struct{ Label, Value string }

type htmlCount struct {
	Badge  htmlBadge
	Label  string
	Count  int
	Action bool // a non-zero count the reader must act on
}

// htmlBadge is a status shown in colour and as text: the colour is never the
// only signal.
type htmlBadge struct{ Class, Code string }

type htmlGroup struct {
	Name, Anchor string
	// Open: the group holds something to act on, so it starts expanded.
	Expanded bool
	Counts   string
	// Open are shown expanded; Folded (PASS, N/A) sit in a <details>.
	Open, Folded []htmlFinding
	FoldedLabel  string
}

type htmlFinding struct {
	// W are the interface words, shared by every finding of the page.
	W                                        *htmlWords
	ID, RuleID, RuleAnchor, RuleTitle        string
	Badge                                    htmlBadge
	StatusLabel, Severity                    string
	Resource, Location, Message, Fingerprint string
	Notes                                    []string
	Suppression                              *htmlSuppression
	Fix                                      *htmlFix
	// SameFix links to the finding of the same cluster whose remediation
	// is this one's too (a disabled cluster fails two rules with one way
	// out): the page shows each remediation once per cluster.
	SameFix *htmlSameFix
}

type htmlSameFix struct {
	RuleID string
	Href   template.URL
}

type htmlSuppression struct{ Reason, Until, Declared string }

// htmlFix is the remediation: either the structured model.Remediation or,
// without one, the finding's one-paragraph Remediation text as Summary.
type htmlFix struct {
	Summary string
	Console []string
	Code    []htmlCode
	CLI     string // one shell block, each command preceded by its purpose as a comment
	Runbook string
}

type htmlCode struct{ Description, Snippet string }

// key is the remediation's whole text, to show it once per cluster.
func (f *htmlFix) key() string {
	var b strings.Builder
	b.WriteString(f.Summary + "\x00" + f.CLI + "\x00" + f.Runbook)
	for _, c := range f.Console {
		b.WriteString("\x00" + c)
	}
	for _, c := range f.Code {
		b.WriteString("\x00" + c.Description + "\x00" + c.Snippet)
	}
	return b.String()
}

type htmlRule struct {
	Anchor, ID, Title, Severity, Rationale, HelpURI string
}

var htmlStatusClass = map[model.Status]string{
	model.StatusPass:          "pass",
	model.StatusFail:          "fail",
	model.StatusNotApplicable: "na",
	model.StatusUnknown:       "unknown",
	model.StatusError:         "error",
}

func writeHTML(w io.Writer, r model.Report, o Options) error {
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, htmlPageOf(r, o.lang())); err != nil {
		return err
	}
	return bw.Flush()
}

func htmlPageOf(r model.Report, lang string) htmlPage {
	in := func(t model.Text) string { return t.In(lang) }
	p := htmlPage{
		Lang:   lang,
		Title:  in(words.MarkdownTitle),
		Footer: htmlText(fmt.Sprintf(in(words.MarkdownFooter), tableHeading(r, Options{}, lang))),
		W: htmlWords{
			Summary: in(words.Summary), Status: in(words.ColStatus), Count: in(words.ColCount),
			Suppressed: in(words.Suppressed), Findings: in(words.HTMLFindings), NoFindings: in(words.NoFindings),
			Rules: in(words.HTMLRules), Resource: in(words.ColResource), Location: in(words.ColLocation),
			Severity: in(words.ColSeverity), Fingerprint: in(words.HTMLFingerprint), Note: in(words.Note),
			Reason: in(words.ColReason), Until: in(words.ColUntil), Source: in(words.ColSource),
			Fix: in(words.Fix), Console: in(words.FixConsole), CLI: in(words.FixCLI), Runbook: in(words.FixRunbook),
			Code: in(words.FixCode), Rationale: in(words.HTMLRationale), Help: in(words.HTMLHelp), RuleLink: in(words.HTMLRuleLink),
			Overview: in(words.HTMLOverview), Group: in(words.HTMLGroup), SameFix: in(words.HTMLSameFix),
		},
		Meta: htmlMetaOf(r, lang),
	}

	sum := summaryOf(r)
	for _, st := range model.Statuses {
		p.Summary = append(p.Summary, htmlCount{Badge: badgeOf(st), Label: in(statusLabels[st]), Count: sum[st],
			Action: sum[st] > 0 && st != model.StatusPass && st != model.StatusNotApplicable})
	}
	p.Suppressed = suppressedCount(r.Findings)
	if p.Suppressed > 0 {
		p.SuppressedNote = fmt.Sprintf(in(words.SuppressedNotCounted), p.Suppressed)
	}

	for _, st := range htmlOverviewStatuses {
		p.W.OverviewCodes = append(p.W.OverviewCodes, badgeOf(st))
	}
	ids := htmlIDs(r.Findings)
	k := 0
	for gi, g := range groupFindings(r.Findings, lang) {
		hg := htmlGroup{Name: htmlText(g.Name), Anchor: "group-" + strconv.Itoa(gi+1)}
		row := htmlOverviewRow{Name: hg.Name, Anchor: hg.Anchor, Counts: make([]int, len(htmlOverviewStatuses))}
		// The first remediation shown for each cluster, by its text.
		fixAt := map[string]htmlSameFix{}
		for _, f := range g.Findings {
			hf := htmlFindingOf(r.Rules, f, ids[k], lang)
			hf.W = &p.W
			k++
			if hf.Fix != nil {
				key := clusterKey(f) + "\x00" + hf.Fix.key()
				if prev, ok := fixAt[key]; ok && clusterKey(f) != "" {
					hf.Fix, hf.SameFix = nil, &prev
				} else {
					fixAt[key] = htmlSameFix{RuleID: hf.RuleID, Href: hf.Href()}
				}
			}
			if f.Suppressed != nil {
				row.Suppressed++
			} else {
				for i, st := range htmlOverviewStatuses {
					if f.Status == st {
						row.Counts[i]++
					}
				}
				row.Action = row.Action || needsAction(f)
			}
			if f.Status == model.StatusPass || f.Status == model.StatusNotApplicable {
				hg.Folded = append(hg.Folded, hf)
			} else {
				hg.Open = append(hg.Open, hf)
			}
		}
		hg.FoldedLabel = fmt.Sprintf(in(words.HTMLFolded), len(hg.Folded))
		hg.Expanded = row.Action
		var counts []string
		for i, st := range htmlOverviewStatuses {
			if row.Counts[i] > 0 {
				counts = append(counts, statusCode(st)+" "+strconv.Itoa(row.Counts[i]))
			}
		}
		if row.Suppressed > 0 {
			counts = append(counts, in(words.Suppressed)+" "+strconv.Itoa(row.Suppressed))
		}
		hg.Counts = strings.Join(counts, " · ")
		p.Groups = append(p.Groups, hg)
		p.Overview = append(p.Overview, row)
	}

	for _, rule := range r.Rules {
		p.Rules = append(p.Rules, htmlRule{Anchor: ruleAnchor(rule.ID), ID: rule.ID, Title: htmlText(in(rule.Title)),
			Severity: string(rule.Severity), Rationale: htmlText(in(rule.Rationale)), HelpURI: htmlText(rule.HelpURI)})
	}
	return p
}

// htmlMetaOf is the header: what ran, on what, when, for how long, against
// which minimum, over how much.
func htmlMetaOf(r model.Report, lang string) []htmlMeta {
	var m []htmlMeta
	add := func(label model.Text, value string) {
		if value != "" {
			m = append(m, htmlMeta{Label: label.In(lang), Value: htmlText(value)})
		}
	}
	add(words.HTMLTool, strings.TrimSpace(firstNonEmpty(r.Tool.Name, "kumoguard")+" "+r.Tool.Version))
	switch r.Scan.Kind {
	case "iac":
		add(words.HTMLScan, words.ScanIaC.In(lang))
	case "aws":
		add(words.HTMLScan, words.ScanAWS.In(lang))
	default:
		add(words.HTMLScan, r.Scan.Kind)
	}
	add(words.HTMLRoot, r.Scan.Root)
	if !r.Scan.StartedAt.IsZero() {
		add(words.HTMLStarted, r.Scan.StartedAt.UTC().Format(time.RFC3339))
	}
	if r.Scan.Duration > 0 {
		d := durationOf(r.Scan.Duration).Round(time.Millisecond)
		if lang == "ja" {
			add(words.HTMLDuration, strconv.FormatFloat(d.Seconds(), 'f', -1, 64)+" 秒")
		} else {
			add(words.HTMLDuration, d.String())
		}
	}
	if r.Scan.MinWindow > 0 {
		add(words.HTMLMinWindow, fmt.Sprintf(words.HTMLSeconds.In(lang), model.Duration(r.Scan.MinWindow).In(lang), r.Scan.MinWindow))
	}
	if len(r.Scan.Coverage) > 0 {
		keys := make([]string, 0, len(r.Scan.Coverage))
		for k := range r.Scan.Coverage {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", coverageLabel(k, lang), r.Scan.Coverage[k])
		}
		add(words.HTMLCoverage, strings.Join(parts, " · "))
	}
	return m
}

func htmlFindingOf(rules model.Rules, f model.Finding, id, lang string) htmlFinding {
	hf := htmlFinding{
		ID: id, RuleID: htmlText(f.RuleID), RuleTitle: htmlText(ruleTitle(rules, f.RuleID, lang)),
		Badge: badgeOf(f.Status), StatusLabel: statusLabels[f.Status].In(lang), Severity: htmlText(string(f.Severity)),
		Resource: htmlText(resourceLabel(f)), Location: htmlText(locationLabel(f)),
		Message: htmlText(f.Message.In(lang)), Fingerprint: htmlText(f.Fingerprint),
	}
	if rules.Lookup(f.RuleID) != nil {
		hf.RuleAnchor = ruleAnchor(f.RuleID)
	}
	for _, n := range f.Notes {
		hf.Notes = append(hf.Notes, htmlText(n.In(lang)))
	}
	if s := f.Suppressed; s != nil {
		hf.Suppression = &htmlSuppression{Reason: htmlText(s.Reason), Until: untilText(s, lang), Declared: htmlText(declaredAt(s))}
	}
	// The remediation goes with every FAIL, UNKNOWN and ERROR, suppressed or
	// not: an accepted risk is evidence too, and what would end it belongs
	// next to it.
	switch f.Status {
	case model.StatusFail, model.StatusUnknown, model.StatusError:
		hf.Fix = htmlFixOf(f, lang)
	}
	return hf
}

// htmlFixOf renders the structured remediation when there is one with
// something to do (as the table does), else the finding's Remediation text.
func htmlFixOf(f model.Finding, lang string) *htmlFix {
	r := f.Fix
	if r == nil || r.Path == model.PathNone || r.Summary.IsZero() {
		if f.Remediation.IsZero() {
			return nil
		}
		return &htmlFix{Summary: htmlText(f.Remediation.In(lang))}
	}
	hf := &htmlFix{Summary: htmlText(r.Summary.In(lang)), Runbook: htmlText(oneLine(r.Runbook))}
	for _, st := range r.Console {
		hf.Console = append(hf.Console, htmlText(st.In(lang)))
	}
	for _, ch := range r.IaC {
		hf.Code = append(hf.Code, htmlCode{Description: htmlText(ch.Description.In(lang)),
			Snippet: htmlText(strings.TrimRight(ch.Snippet, "\n"))})
	}
	var cli strings.Builder
	for i, c := range r.CLI {
		if i > 0 {
			cli.WriteByte('\n')
		}
		if p := oneLine(c.Purpose.In(lang)); p != "" {
			cli.WriteString("# " + p + "\n")
		}
		cli.WriteString(c.Command)
	}
	hf.CLI = htmlText(cli.String())
	return hf
}

// Href and RuleHref link to the finding itself and to its rule. The ids are
// built by htmlID (no spaces, no control characters) and the links start
// with '#', so they are safe as URLs; marking them so keeps the ':' of a
// fingerprint readable instead of percent-encoded.
func (f htmlFinding) Href() template.URL     { return template.URL("#" + f.ID) }
func (f htmlFinding) RuleHref() template.URL { return template.URL("#" + f.RuleAnchor) }

func badgeOf(st model.Status) htmlBadge {
	class, ok := htmlStatusClass[st]
	if !ok {
		class = "other"
	}
	return htmlBadge{Class: class, Code: htmlText(statusCode(st))}
}

// ruleAnchor is the element id of a rule in the rules section.
func ruleAnchor(id string) string { return "rule-" + htmlID(id) }

// htmlIDs gives every finding an element id: its fingerprint, so that a
// link to report.html#sha256:… names the same finding as the JSON and SARIF
// reports. A finding without one gets finding-N; a repeated one gets -2, -3.
func htmlIDs(fs []model.Finding) []string {
	ids := make([]string, len(fs))
	seen := make(map[string]bool, len(fs))
	next := map[string]int{} // the next suffix to try for a repeated id
	for i, f := range fs {
		id := htmlID(f.Fingerprint)
		if id == "" {
			id = "finding-" + strconv.Itoa(i+1)
		}
		if seen[id] {
			base := id
			n := max(next[base], 2)
			for id = base + "-" + strconv.Itoa(n); seen[id]; id = base + "-" + strconv.Itoa(n) {
				n++
			}
			next[base] = n + 1
		}
		seen[id] = true
		ids[i] = id
	}
	return ids
}

// htmlID makes s usable as an element id: no whitespace, no control
// characters.
func htmlID(s string) string {
	s = htmlText(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\uFFFD' {
			return '_'
		}
		return r
	}, s)
}

// htmlText cleans a text for the page: control characters and invalid UTF-8
// become U+FFFD (as in every human format), and so do U+FFFE and U+FFFF,
// which are not characters in HTML or XML. The escaping itself is
// html/template's.
func htmlText(s string) string {
	s = withoutControls(strings.ReplaceAll(s, "\r\n", "\n"))
	return strings.Map(func(r rune) rune {
		if r == '\uFFFE' || r == '\uFFFF' {
			return '\uFFFD'
		}
		return r
	}, s)
}

// The page (html/page.html.tmpl) and its style sheet (html/page.css) are
// embedded; the style sheet is parsed as the template "page.css" and
// included inline in <style>. Keep the page well-formed XML: close every
// element, write void elements as <meta ... />, no attribute without a
// value. The CSS holds neither < nor &.
var (
	//go:embed html/page.html.tmpl
	htmlSource string
	//go:embed html/page.css
	htmlCSS string

	htmlTemplate = parseHTMLTemplate()
)

func parseHTMLTemplate() *template.Template {
	t := template.Must(template.New("html").Parse(htmlSource))
	template.Must(t.New("page.css").Parse(htmlCSS))
	return t
}
