package report

import (
	"bufio"
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
}

// htmlWords are the interface words the template uses, in the language.
type htmlWords struct {
	Summary, Status, Count, Suppressed, Findings, NoFindings, Rules        string
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
	Name string
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
		Footer: htmlText(fmt.Sprintf(in(words.MarkdownFooter), tableHeading(r, lang))),
		W: htmlWords{
			Summary: in(words.Summary), Status: in(words.ColStatus), Count: in(words.ColCount),
			Suppressed: in(words.Suppressed), Findings: in(words.HTMLFindings), NoFindings: in(words.NoFindings),
			Rules: in(words.HTMLRules), Resource: in(words.ColResource), Location: in(words.ColLocation),
			Severity: in(words.ColSeverity), Fingerprint: in(words.HTMLFingerprint), Note: in(words.Note),
			Reason: in(words.ColReason), Until: in(words.ColUntil), Source: in(words.ColSource),
			Fix: in(words.Fix), Console: in(words.FixConsole), CLI: in(words.FixCLI), Runbook: in(words.FixRunbook),
			Code: in(words.FixCode), Rationale: in(words.HTMLRationale), Help: in(words.HTMLHelp), RuleLink: in(words.HTMLRuleLink),
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

	ids := htmlIDs(r.Findings)
	k := 0
	for _, g := range groupFindings(r.Findings, lang) {
		hg := htmlGroup{Name: htmlText(g.Name)}
		for _, f := range g.Findings {
			hf := htmlFindingOf(r.Rules, f, ids[k], lang)
			hf.W = &p.W
			k++
			if f.Status == model.StatusPass || f.Status == model.StatusNotApplicable {
				hg.Folded = append(hg.Folded, hf)
			} else {
				hg.Open = append(hg.Open, hf)
			}
		}
		hg.FoldedLabel = fmt.Sprintf(in(words.HTMLFolded), len(hg.Folded))
		p.Groups = append(p.Groups, hg)
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
		add(words.HTMLDuration, durationOf(r.Scan.Duration).Round(time.Millisecond).String())
	}
	if r.Scan.MinWindow > 0 {
		add(words.HTMLMinWindow, fmt.Sprintf(words.HTMLSeconds.In(lang), model.FormatDuration(r.Scan.MinWindow), r.Scan.MinWindow))
	}
	if len(r.Scan.Coverage) > 0 {
		keys := make([]string, 0, len(r.Scan.Coverage))
		for k := range r.Scan.Coverage {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, r.Scan.Coverage[k])
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

var htmlTemplate = template.Must(template.New("html").Parse(htmlSource))

// htmlSource is the page. Keep it well-formed XML: close every element,
// write void elements as <meta ... />, no attribute without a value. The CSS
// holds neither < nor &.
const htmlSource = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="generator" content="kumoguard" />
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'" />
<title>{{.Title}}</title>
<style>
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", "Meiryo", sans-serif; color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; overflow-wrap: anywhere; }
h4 { font-size: 1rem; margin: 0 0 0.4rem; }
h5 { font-size: 0.95rem; margin: 0.8rem 0 0.3rem; }
h6 { font-size: 0.9rem; margin: 0.6rem 0 0.2rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Noto Sans Mono CJK JP", monospace; font-size: 0.88em; }
code { overflow-wrap: anywhere; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: 0.6rem 0.8rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.7rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.action td { font-weight: bold; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; min-width: 4.5em; text-align: center; font-weight: bold; font-size: 0.8rem; padding: 0.05rem 0.4rem; border-radius: 3px; border: 1px solid; letter-spacing: 0.02em; }
.badge.pass { background: #dafbe1; color: #0a5d1e; border-color: #2da44e; }
.badge.fail { background: #ffebe9; color: #8f0d0d; border-color: #cf222e; }
.badge.na { background: #eef1f4; color: #3b434b; border-color: #8c959f; }
.badge.unknown { background: #fff8c5; color: #6a4a00; border-color: #bf8700; }
.badge.error { background: #fbefff; color: #6e1a8a; border-color: #8250df; }
.badge.other, .badge.suppressed { background: #f6f8fa; color: #3b434b; border-color: #8c959f; }
article.finding { border: 1px solid #d0d7de; border-left-width: 6px; border-radius: 4px; padding: 0.7rem 1rem; margin: 0.7rem 0; }
article.finding.fail { border-left-color: #cf222e; }
article.finding.unknown { border-left-color: #bf8700; }
article.finding.error { border-left-color: #8250df; }
article.finding.pass { border-left-color: #2da44e; }
article.finding.na, article.finding.other { border-left-color: #8c959f; }
article.finding.is-suppressed { background: #fafbfc; border-style: dashed; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0.3rem 0; font-size: 0.92em; }
dl.facts dt { color: #57606a; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
p.message { margin: 0.4rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.note { margin: 0.3rem 0; padding: 0.3rem 0.6rem; border-left: 3px solid #bf8700; background: #fffbdd; }
.suppression { margin: 0.5rem 0; padding: 0.4rem 0.7rem; border: 1px dashed #8c959f; background: #f6f8fa; }
.fix { margin-top: 0.6rem; padding-top: 0.3rem; border-top: 1px solid #d0d7de; }
details { margin: 0.7rem 0; }
details summary { cursor: pointer; font-weight: bold; }
a { color: #0550ae; }
a.self { color: inherit; text-decoration: none; }
footer { margin-top: 3rem; color: #57606a; font-size: 0.85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  article.finding, .suppression, pre { break-inside: avoid; }
  a { color: inherit; }
  details::details-content { content-visibility: visible; display: block; }
  .badge, article.finding { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<dl class="meta">
{{- range .Meta}}
<dt>{{.Label}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
</header>
<main>
<section aria-labelledby="summary">
<h2 id="summary">{{.W.Summary}}</h2>
<table>
<thead><tr><th scope="col">{{.W.Status}}</th><th scope="col">{{.W.Count}}</th></tr></thead>
<tbody>
{{- range .Summary}}
<tr{{if .Action}} class="action"{{end}}><th scope="row"><span class="badge {{.Badge.Class}}">{{.Badge.Code}}</span> {{.Label}}</th><td class="num">{{.Count}}</td></tr>
{{- end}}
<tr><th scope="row"><span class="badge suppressed">{{.W.Suppressed}}</span></th><td class="num">{{.Suppressed}}</td></tr>
</tbody>
</table>
{{- if .SuppressedNote}}
<p>{{.SuppressedNote}}</p>
{{- end}}
</section>
<section aria-labelledby="findings">
<h2 id="findings">{{.W.Findings}}</h2>
{{- if not .Groups}}
<p>{{.W.NoFindings}}</p>
{{- end}}
{{- range .Groups}}
<section class="group">
<h3>{{.Name}}</h3>
{{- range .Open}}
{{template "finding" .}}
{{- end}}
{{- if .Folded}}
<details>
<summary>{{.FoldedLabel}}</summary>
{{- range .Folded}}
{{template "finding" .}}
{{- end}}
</details>
{{- end}}
</section>
{{- end}}
</section>
<section aria-labelledby="rules">
<h2 id="rules">{{.W.Rules}}</h2>
{{- range .Rules}}
<section class="rule" id="{{.Anchor}}">
<h3>{{.ID}}: {{.Title}}</h3>
<dl class="facts">
<dt>{{$.W.Severity}}</dt><dd>{{.Severity}}</dd>
<dt>{{$.W.Rationale}}</dt><dd>{{.Rationale}}</dd>
{{- if .HelpURI}}
<dt>{{$.W.Help}}</dt><dd><a href="{{.HelpURI}}">{{.HelpURI}}</a></dd>
{{- end}}
</dl>
</section>
{{- end}}
</section>
</main>
<footer>
<p>{{.Footer}}</p>
</footer>
</body>
</html>
{{define "finding"}}{{$w := .W}}{{with . -}}
<article class="finding {{.Badge.Class}}{{if .Suppression}} is-suppressed{{end}}" id="{{.ID}}">
<h4><span class="badge {{.Badge.Class}}">{{.Badge.Code}}</span>{{if .Suppression}} <span class="badge suppressed">{{$w.Suppressed}}</span>{{end}} {{if .RuleAnchor}}<a href="{{.RuleHref}}" title="{{$w.RuleLink}}">{{.RuleID}}</a>{{else}}{{.RuleID}}{{end}}{{if .RuleTitle}} {{.RuleTitle}}{{end}}</h4>
<dl class="facts">
<dt>{{$w.Status}}</dt><dd>{{.Badge.Code}} ({{.StatusLabel}})</dd>
{{- if .Resource}}
<dt>{{$w.Resource}}</dt><dd><code>{{.Resource}}</code></dd>
{{- end}}
{{- if .Location}}
<dt>{{$w.Location}}</dt><dd><code>{{.Location}}</code></dd>
{{- end}}
{{- if .Severity}}
<dt>{{$w.Severity}}</dt><dd>{{.Severity}}</dd>
{{- end}}
{{- if .Fingerprint}}
<dt>{{$w.Fingerprint}}</dt><dd><a class="self" href="{{.Href}}"><code>{{.Fingerprint}}</code></a></dd>
{{- end}}
</dl>
<p class="message">{{.Message}}</p>
{{- range .Notes}}
<p class="note"><strong>{{$w.Note}}:</strong> {{.}}</p>
{{- end}}
{{- with .Suppression}}
<div class="suppression">
<h5>{{$w.Suppressed}}</h5>
<dl class="facts">
<dt>{{$w.Reason}}</dt><dd>{{.Reason}}</dd>
<dt>{{$w.Until}}</dt><dd>{{.Until}}</dd>
{{- if .Declared}}
<dt>{{$w.Source}}</dt><dd><code>{{.Declared}}</code></dd>
{{- end}}
</dl>
</div>
{{- end}}
{{- with .Fix}}
<div class="fix">
<h5>{{$w.Fix}}</h5>
<p>{{.Summary}}</p>
{{- if .Console}}
<h6>{{$w.Console}}</h6>
<ol>
{{- range .Console}}
<li>{{.}}</li>
{{- end}}
</ol>
{{- end}}
{{- range .Code}}
<h6>{{$w.Code}}: {{.Description}}</h6>
{{- if .Snippet}}
<pre><code>{{.Snippet}}</code></pre>
{{- end}}
{{- end}}
{{- if .CLI}}
<h6>{{$w.CLI}}</h6>
<pre><code>{{.CLI}}</code></pre>
{{- end}}
{{- if .Runbook}}
<p><strong>{{$w.Runbook}}:</strong> <code>{{.Runbook}}</code></p>
{{- end}}
</div>
{{- end}}
</article>
{{- end}}{{end}}`
