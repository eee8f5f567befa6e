package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/kumoguard/kumoguard/internal/model"
)

// JSON writes the stable JSON contract of DESIGN.md: model.Report exactly as
// its json tags say, messages and remediations in both languages whatever
// Options.Lang is. The document is described by JSONSchema() and every test
// report is validated against it (ValidateJSON).
//
// Keys come in struct order (maps sorted by encoding/json), indented with two
// spaces, followed by a newline. HTML characters (< > &) are written as they
// are, not as \u003c escapes: the output is read by people and jq, not
// embedded in HTML.
var JSON = registerFormat("json", writeJSON, Needs{Edits: true})

// writeJSON streams the document one finding at a time: the output is the
// same as encoding the whole report with two-space indentation, without
// holding a second, indented copy of a report that can be tens of megabytes.
func writeJSON(w io.Writer, r model.Report, _ Options) error {
	r.Summary = summaryOf(r)
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// value writes v indented as it would be at the given depth, without the
	// encoder's trailing newline.
	value := func(v any, prefix string) error {
		buf.Reset()
		enc.SetIndent(prefix, "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	field := func(name string, v any, last bool) error {
		bw.WriteString(`  "` + name + `": `)
		if err := value(v, "  "); err != nil {
			return err
		}
		if last {
			_, err := bw.WriteString("\n")
			return err
		}
		_, err := bw.WriteString(",\n")
		return err
	}

	bw.WriteString("{\n")
	if err := field("schema_version", r.SchemaVersion, false); err != nil {
		return err
	}
	if err := field("tool", r.Tool, false); err != nil {
		return err
	}
	if err := field("summary", r.Summary, false); err != nil {
		return err
	}
	// An empty scan is "findings": [], never null.
	if len(r.Findings) == 0 {
		bw.WriteString(`  "findings": [],` + "\n")
	} else {
		bw.WriteString(`  "findings": [` + "\n")
		for i := range r.Findings {
			bw.WriteString("    ")
			if err := value(&r.Findings[i], "    "); err != nil {
				return err
			}
			if i < len(r.Findings)-1 {
				bw.WriteString(",\n")
			} else {
				bw.WriteString("\n")
			}
		}
		bw.WriteString("  ],\n")
	}
	if err := field("scan", r.Scan, len(r.Rules) == 0); err != nil {
		return err
	}
	if len(r.Rules) > 0 {
		if err := field("rules", r.Rules, true); err != nil {
			return err
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}
