package report

import (
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// validateGitLabSAST checks what GitLab's SAST report schema (15.x)
// requires: version, scan (analyzer, scanner, type sast, times to the
// second without a zone, status) and, per vulnerability, an id, at least
// one identifier with type, name and value, a location with a file, a
// severity GitLab knows and a name of at most 255 characters.
func validateGitLabSAST(t *testing.T, data []byte) {
	t.Helper()
	var r struct {
		Version string `json:"version"`
		Scan    struct {
			Analyzer, Scanner struct {
				ID, Name, Version string
				Vendor            struct{ Name string }
			}
			Type, StartTime, EndTime, Status string
		}
		Vulnerabilities []struct {
			ID, Name, Description, Severity string
			Identifiers                     []struct{ Type, Name, Value string }
			Location                        struct {
				File      string
				StartLine int `json:"start_line"`
				EndLine   int `json:"end_line"`
			}
		} `json:"vulnerabilities"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var raw map[string]json.RawMessage
	json.Unmarshal(data, &raw)
	if _, ok := raw["vulnerabilities"]; !ok || string(raw["vulnerabilities"]) == "null" {
		t.Error("vulnerabilities must be an array")
	}
	var scan map[string]json.RawMessage
	json.Unmarshal(raw["scan"], &scan)
	if scan["start_time"] == nil || scan["end_time"] == nil {
		t.Error("scan.start_time and scan.end_time are required")
	}
	timePattern := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`)
	var times struct {
		Start string `json:"start_time"`
		End   string `json:"end_time"`
	}
	json.Unmarshal(raw["scan"], &times)
	if !regexp.MustCompile(`^15\.\d+\.\d+$`).MatchString(r.Version) || r.Scan.Type != "sast" ||
		!timePattern.MatchString(times.Start) || !timePattern.MatchString(times.End) ||
		(r.Scan.Status != "success" && r.Scan.Status != "failure") {
		t.Errorf("bad header: version %q type %q times %q %q status %q", r.Version, r.Scan.Type, times.Start, times.End, r.Scan.Status)
	}
	for _, tool := range []struct{ ID, Name, Version, Vendor string }{
		{r.Scan.Analyzer.ID, r.Scan.Analyzer.Name, r.Scan.Analyzer.Version, r.Scan.Analyzer.Vendor.Name},
		{r.Scan.Scanner.ID, r.Scan.Scanner.Name, r.Scan.Scanner.Version, r.Scan.Scanner.Vendor.Name},
	} {
		if tool.ID == "" || tool.Name == "" || tool.Version == "" || tool.Vendor == "" {
			t.Errorf("analyzer/scanner lacks id, name, version or vendor: %+v", tool)
		}
	}
	seen := map[string]bool{}
	for _, v := range r.Vulnerabilities {
		if v.ID == "" || seen[v.ID] {
			t.Errorf("vulnerability id %q is empty or repeated", v.ID)
		}
		seen[v.ID] = true
		if len(v.Identifiers) == 0 || v.Identifiers[0].Type == "" || v.Identifiers[0].Name == "" || v.Identifiers[0].Value == "" {
			t.Errorf("%s: identifiers %+v", v.ID, v.Identifiers)
		}
		if v.Location.File == "" || v.Location.EndLine < v.Location.StartLine {
			t.Errorf("%s: location %+v", v.ID, v.Location)
		}
		switch v.Severity {
		case "Critical", "High", "Medium", "Low", "Info", "Unknown":
		default:
			t.Errorf("%s: severity %q", v.ID, v.Severity)
		}
		if len([]rune(v.Name)) > 255 {
			t.Errorf("%s: name longer than 255 characters", v.ID)
		}
	}
}

type checkstyleDoc struct {
	XMLName xml.Name `xml:"checkstyle"`
	Files   []struct {
		Name   string `xml:"name,attr"`
		Errors []struct {
			Line     int    `xml:"line,attr"`
			Column   int    `xml:"column,attr"`
			Severity string `xml:"severity,attr"`
			Message  string `xml:"message,attr"`
			Source   string `xml:"source,attr"`
		} `xml:"error"`
	} `xml:"file"`
}

func parseCheckstyle(t *testing.T, data []byte) checkstyleDoc {
	t.Helper()
	var d checkstyleDoc
	if err := xml.Unmarshal(data, &d); err != nil {
		t.Fatalf("not Checkstyle XML: %v", err)
	}
	for _, f := range d.Files {
		for _, e := range f.Errors {
			if f.Name == "" || e.Message == "" || !strings.HasPrefix(e.Source, "kumoguard.KG-") ||
				(e.Severity != "error" && e.Severity != "warning") {
				t.Errorf("bad entry in %q: %+v", f.Name, e)
			}
		}
	}
	return d
}

// TestGitLabAndCheckstyleSelectWhatNeedsAction: both formats list the
// unsuppressed FAIL, UNKNOWN and ERROR findings (GitLab only those with a
// file), with the message in the report's language.
func TestGitLabAndCheckstyleSelectWhatNeedsAction(t *testing.T) {
	r := fixtureReport()
	want, withFile := 0, 0
	for _, f := range r.Findings {
		if needsAction(f) {
			want++
			if f.Location.File != "" {
				withFile++
			}
		}
	}
	d := parseCheckstyle(t, render(t, "checkstyle", r, Options{Lang: "ja"}))
	got, ja := 0, false
	for _, f := range d.Files {
		got += len(f.Errors)
		for _, e := range f.Errors {
			ja = ja || strings.Contains(e.Message, "バックトラック")
		}
	}
	if got != want || !ja {
		t.Errorf("checkstyle has %d entries (Japanese %v), want %d in Japanese", got, ja, want)
	}
	var gl struct {
		Vulnerabilities []struct{ Severity string } `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(render(t, "gitlab-sast", r, Options{Lang: "en"}), &gl); err != nil {
		t.Fatal(err)
	}
	if len(gl.Vulnerabilities) != withFile {
		t.Errorf("GitLab SAST has %d vulnerabilities, want %d", len(gl.Vulnerabilities), withFile)
	}
	if len(gl.Vulnerabilities) == 0 {
		t.Fatal("nothing to check")
	}
	_ = model.StatusFail
}
