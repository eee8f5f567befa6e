package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// goldenCase is one rendering checked against testdata/golden/<name>.
type goldenCase struct {
	name   string
	format string
	report func() model.Report
	opts   Options
}

// goldenCases lists every format, in both languages where it has human text.
// JSON has none of its own (both languages are always in it), so it has one
// golden per report; TestJSONIgnoresLang checks that Lang changes nothing.
func goldenCases() []goldenCase {
	var cs []goldenCase
	for _, format := range []string{"table", "sarif", "junit", "markdown", "csv", "html", "gitlab-sast", "checkstyle"} {
		for _, lang := range []string{"en", "ja"} {
			cs = append(cs, goldenCase{name: "fixture." + lang + "." + ext(format), format: format, report: fixtureReport, opts: Options{Lang: lang}})
		}
	}
	cs = append(cs,
		goldenCase{name: "fixture.json", format: "json", report: fixtureReport, opts: Options{Lang: "en"}},
		goldenCase{name: "fixture.color.en.txt", format: "table", report: fixtureReport, opts: Options{Lang: "en", Color: true}},
	)
	for _, format := range []string{"table", "json", "sarif", "junit", "markdown", "csv", "html", "gitlab-sast", "checkstyle"} {
		cs = append(cs, goldenCase{name: "empty.en." + ext(format), format: format, report: emptyReport, opts: Options{Lang: "en"}})
	}
	return cs
}

func ext(format string) string {
	switch format {
	case "table":
		return "txt"
	case "markdown":
		return "md"
	case "junit":
		return "xml"
	case "sarif":
		return "sarif"
	case "gitlab-sast":
		return "gl-sast.json"
	case "checkstyle":
		return "checkstyle.xml"
	}
	return format
}

func render(t testing.TB, format string, r model.Report, o Options) []byte {
	t.Helper()
	rep, err := ByName(format)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep(&buf, r, o); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

// TestGolden renders every case and compares it with its golden file; the
// machine formats are also validated (JSON and SARIF against their schemas,
// JUnit by parsing).
func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			got := render(t, c.format, c.report(), c.opts)
			switch c.format {
			case "json":
				if err := ValidateJSON(got); err != nil {
					t.Errorf("JSON report does not validate: %v", err)
				}
			case "sarif":
				validateSARIF(t, got)
			case "junit":
				parseJUnit(t, got)
			case "html":
				parseHTMLPage(t, got)
			case "gitlab-sast":
				validateGitLabSAST(t, got)
			case "checkstyle":
				parseCheckstyle(t, got)
			}
			if !bytes.HasSuffix(got, []byte("\n")) {
				t.Errorf("output does not end with a newline")
			}
			path := filepath.Join("testdata", "golden", c.name)
			testenv.Golden(t, path, got)
		})
	}
}

func TestFormatsRegistered(t *testing.T) {
	got := strings.Join(Formats(), ",")
	for _, f := range []string{"checkstyle", "csv", "gitlab-sast", "html", "json", "junit", "markdown", "sarif", "table"} {
		if _, err := ByName(f); err != nil {
			t.Errorf("format %s is not registered (have %s)", f, got)
		}
	}
	if _, err := ByName("TABLE"); err != nil {
		t.Errorf("format names should be case-insensitive: %v", err)
	}
	if _, err := ByName("yaml"); err == nil || !strings.Contains(err.Error(), "expected one of") {
		t.Errorf("unknown format error = %v, want a list of formats", err)
	}
}
