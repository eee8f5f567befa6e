package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/report.schema.json
var reportSchema []byte

// reportSchemaURL is the schema's $id.
const reportSchemaURL = "https://github.com/kumoguard/kumoguard/schema/report.schema.json"

// JSONSchema returns the JSON Schema (draft 2020-12) of the JSON report.
func JSONSchema() []byte { return bytes.Clone(reportSchema) }

var compiledReportSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(reportSchema))
	if err != nil {
		return nil, fmt.Errorf("report schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(reportSchemaURL, doc); err != nil {
		return nil, fmt.Errorf("report schema: %w", err)
	}
	return c.Compile(reportSchemaURL)
})

// ValidateJSON checks a JSON report against JSONSchema(). The error names
// every violation with its JSON pointer.
func ValidateJSON(data []byte) error {
	sch, err := compiledReportSchema()
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("JSON report does not parse: %w", err)
	}
	if err := sch.Validate(doc); err != nil {
		return fmt.Errorf("JSON report does not match its schema: %w", err)
	}
	return nil
}
