package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// htmlNode is an element of a parsed report page, enough to check structure.
type htmlNode struct {
	Name     string
	Attrs    map[string]string
	Parent   *htmlNode
	Children []*htmlNode
	Text     strings.Builder // character data directly and in descendants
}

// parseHTMLPage parses a page as XML (strict: every element closed, only
// the XML entities), which the html format promises, and returns its root
// element.
func parseHTMLPage(t testing.TB, page []byte) *htmlNode {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	doc := &htmlNode{Name: "#document"}
	cur := doc
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &htmlNode{Name: tok.Name.Local, Attrs: map[string]string{}, Parent: cur}
			for _, a := range tok.Attr {
				n.Attrs[a.Name.Local] = a.Value
			}
			cur.Children = append(cur.Children, n)
			cur = n
		case xml.EndElement:
			cur = cur.Parent
		case xml.CharData:
			for n := cur; n != nil; n = n.Parent {
				n.Text.Write(tok)
			}
		}
	}
	if len(doc.Children) != 1 || doc.Children[0].Name != "html" {
		t.Fatalf("the page has no single <html> root")
	}
	return doc.Children[0]
}

// walk calls fn on n and every element under it.
func (n *htmlNode) walk(fn func(*htmlNode)) {
	fn(n)
	for _, c := range n.Children {
		c.walk(fn)
	}
}

// find returns the elements named name under n.
func (n *htmlNode) find(name string) []*htmlNode {
	var out []*htmlNode
	n.walk(func(c *htmlNode) {
		if c.Name == name {
			out = append(out, c)
		}
	})
	return out
}

// within reports whether n has an ancestor named name.
func (n *htmlNode) within(name string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Name == name {
			return true
		}
	}
	return false
}

// ancestorClass is the nearest ancestor element name with class c.
func (n *htmlNode) ancestorClass(name, c string) *htmlNode {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Name == name && slices.Contains(strings.Fields(p.Attrs["class"]), c) {
			return p
		}
	}
	return nil
}

func (n *htmlNode) withinClass(name, c string) bool { return n.ancestorClass(name, c) != nil }

func htmlCases(t *testing.T) map[string]struct {
	report model.Report
	lang   string
} {
	return map[string]struct {
		report model.Report
		lang   string
	}{
		"fixture.en": {fixtureReport(), "en"},
		"fixture.ja": {fixtureReport(), "ja"},
		"empty.en":   {emptyReport(), "en"},
		"policy.ja":  {policyReport(t), "ja"},
	}
}

// TestHTMLWellFormed: the page parses as XML, every finding's fingerprint is
// the id of exactly one element (its article), ids are unique, and every
// in-page link has a target.
func TestHTMLWellFormed(t *testing.T) {
	for name, c := range htmlCases(t) {
		t.Run(name, func(t *testing.T) {
			root := parseHTMLPage(t, render(t, "html", c.report, Options{Lang: c.lang}))
			ids := map[string]int{}
			var articles []*htmlNode
			root.walk(func(n *htmlNode) {
				if id, ok := n.Attrs["id"]; ok {
					ids[id]++
				}
				if n.Name == "article" {
					articles = append(articles, n)
				}
			})
			for id, n := range ids {
				if n != 1 {
					t.Errorf("id %q used %d times", id, n)
				}
			}
			if len(articles) != len(c.report.Findings) {
				t.Errorf("%d finding articles, want %d", len(articles), len(c.report.Findings))
			}
			for i, f := range c.report.Findings {
				if ids[f.Fingerprint] != 1 {
					t.Errorf("finding %d: fingerprint %s is the id of %d elements, want 1", i, f.Fingerprint, ids[f.Fingerprint])
				}
			}
			for _, a := range root.find("a") {
				href := a.Attrs["href"]
				if strings.HasPrefix(href, "#") && ids[strings.TrimPrefix(href, "#")] != 1 {
					t.Errorf("link %q has no target", href)
				}
			}
			// Tables say what their headings head.
			for _, th := range root.find("th") {
				if s := th.Attrs["scope"]; s != "col" && s != "row" {
					t.Errorf("<th> without scope: %q", th.Text.String())
				}
			}
			if len(root.find("h1")) != 1 {
				t.Errorf("want exactly one <h1>")
			}
		})
	}
}

// TestHTMLSelfContained: nothing is fetched and nothing runs when the page
// is opened.
func TestHTMLSelfContained(t *testing.T) {
	for name, c := range htmlCases(t) {
		page := string(render(t, "html", c.report, Options{Lang: c.lang}))
		lower := strings.ToLower(page)
		for _, bad := range []string{"<script", "<link", "<img", "<iframe", "<object", "<embed", " src=", "@import", "url(", "javascript:"} {
			if strings.Contains(lower, bad) {
				t.Errorf("%s: the page contains %q", name, bad)
			}
		}
		csp := false
		parseHTMLPage(t, []byte(page)).walk(func(n *htmlNode) {
			if n.Name == "meta" && n.Attrs["http-equiv"] == "Content-Security-Policy" &&
				strings.HasPrefix(n.Attrs["content"], "default-src 'none';") && !strings.Contains(n.Attrs["content"], "script-src") {
				csp = n.Parent.Name == "head"
			}
			for a := range n.Attrs {
				if strings.HasPrefix(strings.ToLower(a), "on") {
					t.Errorf("%s: <%s> has event handler %s", name, n.Name, a)
				}
			}
		})
		if !csp {
			t.Errorf("%s: no Content-Security-Policy forbidding scripts and fetches in <head>", name)
		}
	}
}

// TestHTMLEscaping: the fixture's hostile strings (| < > & " ` and a
// terminal escape) arrive as text, not markup.
func TestHTMLEscaping(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		page := render(t, "html", fixtureReport(), Options{Lang: lang})
		for _, raw := range []string{"<v2>", `"snapshot"`, `"<"`, "\x1b", "& \"", "& c"} {
			if bytes.Contains(page, []byte(raw)) {
				t.Errorf("%s: the page contains %q unescaped", lang, raw)
			}
		}
		root := parseHTMLPage(t, page)
		text := root.Text.String()
		for _, want := range []string{`legacy <v2> | migrating & "snapshot" restore planned`, "`a | b & c`", "envs/日本/broken file.tf"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the page text lacks %q", lang, want)
			}
		}
	}
	// A hostile value lands in an attribute too (the id from the
	// fingerprint): it must stay one attribute.
	r := fixtureReport()
	r.Findings[0].Fingerprint = `x" onclick="alert(1)`
	r.Findings[1].Fingerprint = "<script>alert(1)</script>"
	page := render(t, "html", r, Options{Lang: "en"})
	if bytes.Contains(page, []byte("<script")) || bytes.Contains(page, []byte(`" onclick`)) {
		t.Errorf("a hostile fingerprint broke out of its attribute or text")
	}
	parseHTMLPage(t, page).walk(func(n *htmlNode) {
		if _, ok := n.Attrs["onclick"]; ok {
			t.Errorf("<%s> gained an onclick attribute", n.Name)
		}
	})
}

// TestHTMLLanguage: the page declares its language and is written in it.
func TestHTMLLanguage(t *testing.T) {
	for _, c := range []struct{ lang, want, word string }{
		{"en", "en", "Findings"},
		{"ja", "ja", "検出結果"},
		{"JA", "ja", "検出結果"},
		{"", "en", "Findings"},
	} {
		root := parseHTMLPage(t, render(t, "html", fixtureReport(), Options{Lang: c.lang}))
		if got := root.Attrs["lang"]; got != c.want {
			t.Errorf("Lang %q: <html lang=%q>, want %q", c.lang, got, c.want)
		}
		if !strings.Contains(root.Text.String(), c.word) {
			t.Errorf("Lang %q: the page lacks %q", c.lang, c.word)
		}
	}
}

// articleByID returns the finding article with that id.
func articleByID(t *testing.T, root *htmlNode, id string) *htmlNode {
	t.Helper()
	for _, a := range root.find("article") {
		if a.Attrs["id"] == id {
			return a
		}
	}
	t.Fatalf("no article %s", id)
	return nil
}

// TestHTMLFindings: each finding shows its status as text, rule, resource,
// location and message; FAIL/UNKNOWN/ERROR carry the remediation (the
// structured one in full when there is one); PASS and N/A are folded.
func TestHTMLFindings(t *testing.T) {
	r := fixtureReport()
	root := parseHTMLPage(t, render(t, "html", r, Options{Lang: "en"}))
	for _, f := range r.Findings {
		a := articleByID(t, root, f.Fingerprint)
		text := a.Text.String()
		for _, want := range []string{statusCode(f.Status), f.RuleID, resourceLabel(f), locationLabel(f), htmlText(f.Message.EN)} {
			if !strings.Contains(text, want) {
				t.Errorf("%s %s: lacks %q", f.RuleID, resourceLabel(f), want)
			}
		}
		for _, n := range f.Notes {
			if !strings.Contains(text, n.EN) {
				t.Errorf("%s %s: lacks note %q", f.RuleID, resourceLabel(f), n.EN)
			}
		}
		folded := f.Status == model.StatusPass || f.Status == model.StatusNotApplicable
		if a.withinClass("details", "folded") != folded {
			t.Errorf("%s %s (%s): folded = %v, want %v", f.RuleID, resourceLabel(f), f.Status, a.withinClass("details", "folded"), folded)
		}
		// Every finding sits in its group's <details>, open when the group
		// holds something to act on.
		if g := a.ancestorClass("details", "group"); g == nil {
			t.Errorf("%s %s: not inside a collapsible group", f.RuleID, resourceLabel(f))
		} else if needsAction(f) && g.Attrs["open"] != "open" {
			t.Errorf("%s %s: its group starts collapsed though it needs action", f.RuleID, resourceLabel(f))
		}
		hasFix := false
		for _, d := range a.find("div") {
			hasFix = hasFix || d.Attrs["class"] == "fix"
		}
		for _, p := range a.find("p") {
			hasFix = hasFix || p.Attrs["class"] == "fix-ref" // the cluster's remediation, shown once above
		}
		if !folded && !f.Remediation.IsZero() && !hasFix {
			t.Errorf("%s %s (%s): no remediation", f.RuleID, resourceLabel(f), f.Status)
		}
		if folded && hasFix {
			t.Errorf("%s %s (%s): a remediation on a finding with nothing to do", f.RuleID, resourceLabel(f), f.Status)
		}
		if f.Suppressed != nil {
			for _, want := range []string{f.Suppressed.Reason, untilText(f.Suppressed, "en"), declaredAt(f.Suppressed)} {
				if !strings.Contains(text, want) {
					t.Errorf("%s %s: suppression lacks %q", f.RuleID, resourceLabel(f), want)
				}
			}
		}
	}

	// The structured remediation of the KG-BT-002 finding on orders, whole.
	var withFix model.Finding
	for _, f := range r.Findings {
		if f.Fix != nil {
			withFix = f
		}
	}
	a := articleByID(t, root, withFix.Fingerprint)
	if len(a.find("ol")) != 1 || len(a.find("ol")[0].find("li")) != len(withFix.Fix.Console) {
		t.Errorf("console steps are not one numbered list of %d", len(withFix.Fix.Console))
	}
	var blocks []string
	for _, pre := range a.find("pre") {
		if len(pre.find("code")) != 1 {
			t.Errorf("<pre> without <code>")
		}
		blocks = append(blocks, pre.Text.String())
	}
	wantBlocks := []string{
		"default = 259200",
		"# Check the account\naws sts get-caller-identity --query Account --output text\n# Raise the window\n" +
			"aws rds modify-db-cluster --db-cluster-identifier orders --backtrack-window 259200 --apply-immediately",
	}
	if strings.Join(blocks, "\n---\n") != strings.Join(wantBlocks, "\n---\n") {
		t.Errorf("code blocks:\n%q\nwant\n%q", blocks, wantBlocks)
	}
	if !strings.Contains(a.Text.String(), withFix.Fix.Summary.EN) {
		t.Errorf("the remediation summary is missing")
	}
}

// TestHTMLSummaryAndRules: the counts are the report's, and every rule is
// listed with its title, severity, rationale and link.
func TestHTMLSummaryAndRules(t *testing.T) {
	r := fixtureReport()
	root := parseHTMLPage(t, render(t, "html", r, Options{Lang: "ja"}))
	sum := summaryOf(r)
	rows := root.find("table")[0].find("tr")
	if len(rows) != 1+len(model.Statuses)+1 {
		t.Fatalf("%d summary rows, want %d", len(rows), len(model.Statuses)+2)
	}
	for i, st := range model.Statuses {
		row := rows[1+i]
		if th := row.find("th")[0].Text.String(); !strings.Contains(th, statusCode(st)) || !strings.Contains(th, statusLabels[st].JA) {
			t.Errorf("row %d heading %q, want %s %s", i, th, statusCode(st), statusLabels[st].JA)
		}
		if td := row.find("td")[0].Text.String(); td != strconv.Itoa(sum[st]) {
			t.Errorf("%s count %s, want %d", st, td, sum[st])
		}
	}
	if td := rows[len(rows)-1].find("td")[0].Text.String(); td != strconv.Itoa(suppressedCount(r.Findings)) {
		t.Errorf("suppressed count %s, want %d", td, suppressedCount(r.Findings))
	}
	sections := map[string]*htmlNode{}
	root.walk(func(n *htmlNode) { sections[n.Attrs["id"]] = n })
	for _, rule := range policy.Rules() {
		s := sections["rule-"+rule.ID]
		if s == nil {
			t.Errorf("rule %s is not listed", rule.ID)
			continue
		}
		text := s.Text.String()
		for _, want := range []string{rule.ID, rule.Title.JA, string(rule.Severity), rule.Rationale.JA, rule.HelpURI} {
			if !strings.Contains(text, want) {
				t.Errorf("rule %s lacks %q", rule.ID, want)
			}
		}
		if links := s.find("a"); len(links) != 1 || links[0].Attrs["href"] != rule.HelpURI {
			t.Errorf("rule %s: want one link to %s", rule.ID, rule.HelpURI)
		}
	}
}

// TestHTMLIDs: a missing or repeated fingerprint still gives unique ids.
func TestHTMLIDs(t *testing.T) {
	fs := []model.Finding{{Fingerprint: "sha256:a"}, {Fingerprint: "sha256:a"}, {}, {Fingerprint: "a b\x1b"}, {Fingerprint: "sha256:a-2"}}
	got := strings.Join(htmlIDs(fs), ",")
	want := "sha256:a,sha256:a-2,finding-3,a_b_,sha256:a-2-2"
	if got != want {
		t.Errorf("htmlIDs = %s, want %s", got, want)
	}
}

// BenchmarkHTML renders a 10,000-finding report as a page
// (go test ./internal/report -bench HTML -benchmem).
func BenchmarkHTML(b *testing.B) {
	r := manyFindings(10000)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := writeHTML(&buf, r, Options{Lang: "ja"}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len()), "bytes/page")
	}
}

// TestHTMLIDsManyRepeats: many findings with one fingerprint (or none) get
// distinct ids.
func TestHTMLIDsManyRepeats(t *testing.T) {
	fs := make([]model.Finding, 3000)
	for i := range fs {
		if i%3 != 0 {
			fs[i].Fingerprint = "sha256:same"
		}
	}
	fs[5].Fingerprint = "sha256:same-3" // collides with a generated suffix
	seen := map[string]bool{}
	for _, id := range htmlIDs(fs) {
		if seen[id] {
			t.Fatalf("id %s given twice", id)
		}
		seen[id] = true
	}
}
