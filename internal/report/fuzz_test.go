package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"testing"
	"unicode/utf8"

	"github.com/kumoguard/kumoguard/internal/model"
)

// FuzzFormats feeds arbitrary text (from scanned files: addresses, paths,
// messages, suppression reasons) through every format: none may fail or
// panic, JSON and SARIF must stay valid JSON, JUnit valid XML, CSV parseable,
// markdown under the comment limit, HTML well-formed XML, and the table free of raw escape bytes.
func FuzzFormats(f *testing.F) {
	f.Add("module.db.aws_rds_cluster.this[0]", "envs/日本/main.tf", "a | b & c < d `e`", "reason \"q\"", 12)
	f.Add("", "", "", "", 0)
	f.Add("`", "../../x y.tf", "\x1b[31mred\x00", "|", -1)
	f.Add("\xff\xfe", "C:\\x\\y.tf", "line\r\nbreak", "", 1<<30)
	f.Fuzz(func(t *testing.T, address, file, message, reason string, line int) {
		r := fixtureReport()
		for i := range r.Findings {
			fd := &r.Findings[i]
			fd.Resource.Address = address
			fd.Message = model.Text{EN: message, JA: message}
			if fd.Location.File != "" {
				fd.Location.File = file
				fd.Location.Line = line
			}
			if fd.Suppressed != nil {
				fd.Suppressed.Reason = reason
			}
		}
		for _, format := range []string{"table", "json", "sarif", "junit", "markdown", "csv", "html"} {
			for _, lang := range []string{"en", "ja"} {
				rep, _ := ByName(format)
				var buf bytes.Buffer
				if err := rep(&buf, r, Options{Lang: lang}); err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				out := buf.Bytes()
				switch format {
				case "json", "sarif":
					if !json.Valid(out) {
						t.Fatalf("%s output is not JSON", format)
					}
				case "junit":
					var doc junitTestsuites
					if err := xml.Unmarshal(out, &doc); err != nil {
						t.Fatalf("junit output does not parse: %v", err)
					}
				case "csv":
					if _, err := csv.NewReader(bytes.NewReader(out)).ReadAll(); err != nil {
						t.Fatalf("csv output does not parse: %v", err)
					}
				case "markdown":
					if len(out) > markdownCommentLimit {
						t.Fatalf("markdown %d bytes", len(out))
					}
				case "html":
					parseHTMLPage(t, out)
					if bytes.ContainsAny(out, "\x1b\x00") {
						t.Fatalf("html carries control characters")
					}
				case "table":
					if bytes.ContainsAny(out, "\x1b\x00\r") {
						t.Fatalf("table carries control characters: %q", out)
					}
				}
				if !utf8.Valid(out) {
					t.Fatalf("%s output is not UTF-8", format)
				}
			}
		}
	})
}
