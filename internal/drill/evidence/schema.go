package evidence

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/drill-evidence.schema.json
var schemaJSON []byte

// JSONSchema returns the JSON Schema (draft 2020-12) of an evidence document;
// its $id is Schema.
func JSONSchema() []byte { return bytes.Clone(schemaJSON) }

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("evidence schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(Schema, doc); err != nil {
		return nil, fmt.Errorf("evidence schema: %w", err)
	}
	return c.Compile(Schema)
})

// ValidateJSON checks a document's bytes against JSONSchema(). The error
// names every violation with its JSON pointer.
func ValidateJSON(data []byte) error {
	sch, err := compiledSchema()
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := sch.Validate(doc); err != nil {
		return err
	}
	return nil
}
