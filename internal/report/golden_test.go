package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

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
	for _, format := range []string{"table", "sarif", "junit", "markdown", "csv", "html"} {
		for _, lang := range []string{"en", "ja"} {
			cs = append(cs, goldenCase{name: "fixture." + lang + "." + ext(format), format: format, report: fixtureReport, opts: Options{Lang: lang}})
		}
	}
	cs = append(cs,
		goldenCase{name: "fixture.json", format: "json", report: fixtureReport, opts: Options{Lang: "en"}},
		goldenCase{name: "fixture.color.en.txt", format: "table", report: fixtureReport, opts: Options{Lang: "en", Color: true}},
	)
	for _, format := range []string{"table", "json", "sarif", "junit", "markdown", "csv", "html"} {
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
			}
			if !bytes.HasSuffix(got, []byte("\n")) {
				t.Errorf("output does not end with a newline")
			}
			path := filepath.Join("testdata", "golden", c.name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from golden file %s (run go test ./internal/report -update after checking the change):\n%s",
					c.format, path, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff shows the first differing line.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + w + "\n  got: " + g
		}
	}
	return "(no line differs)"
}

func TestFormatsRegistered(t *testing.T) {
	got := strings.Join(Formats(), ",")
	for _, f := range []string{"csv", "html", "json", "junit", "markdown", "sarif", "table"} {
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
