package report

import (
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
var JSON = registerFormat("json", writeJSON)

func writeJSON(w io.Writer, r model.Report, _ Options) error {
	r.Summary = summaryOf(r)
	if r.Findings == nil {
		// An empty scan is "findings": [], never null.
		r.Findings = []model.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
