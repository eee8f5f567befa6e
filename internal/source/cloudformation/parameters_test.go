package cloudformation

import (
	"slices"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

const windowTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Window:
    Type: Number
    Default: 3600
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      BacktrackWindow: !Ref Window
`

// TestParameterPrecedence: --parameter beats --parameter-file beats Default,
// later files beat earlier ones, and the last provenance step points at the
// exact place the value was written.
func TestParameterPrecedence(t *testing.T) {
	cliFile := `[
  {"ParameterKey": "Env", "ParameterValue": "prod"},
  {"ParameterKey": "Window", "ParameterValue": "86400"}
]`
	pipelineFile := "{\n  \"Parameters\": {\n    \"Window\": 172800\n  },\n  \"Tags\": {\"team\": \"db\"}\n}\n"
	tests := []struct {
		name  string
		files []string
		flags []string
		value int64
		last  model.Origin
	}{
		{name: "default", value: 3600, last: model.Origin{Kind: model.OriginParameterDefault, Name: "Window", Location: model.Location{File: "t.yaml", Line: 5, Column: 14}}},
		{name: "AWS CLI file", files: []string{"params/cli.json"}, value: 86400,
			last: model.Origin{Kind: model.OriginParameterFile, Name: "Window", Location: model.Location{File: "params/cli.json", Line: 3, Column: 48}}},
		{name: "CodePipeline file", files: []string{"params/pipeline.json"}, value: 172800,
			last: model.Origin{Kind: model.OriginParameterFile, Name: "Window", Location: model.Location{File: "params/pipeline.json", Line: 3, Column: 15}}},
		{name: "later file wins", files: []string{"params/pipeline.json", "params/cli.json"}, value: 86400,
			last: model.Origin{Kind: model.OriginParameterFile, Name: "Window", Location: model.Location{File: "params/cli.json", Line: 3, Column: 48}}},
		{name: "flag wins over files", files: []string{"params/cli.json"}, flags: []string{"Window=259200"}, value: 259200,
			last: model.Origin{Kind: model.OriginParameterFlag, Name: "Window"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"t.yaml": windowTemplate, "params/cli.json": cliFile, "params/pipeline.json": pipelineFile}
			inv := scanFiles(t, files, Options{ParameterFiles: slices.Clone(tt.files), Parameters: tt.flags}, "t.yaml")
			w := findCluster(t, inv, "Db").BacktrackWindow
			if w.State != model.Known || w.V != tt.value {
				t.Fatalf("window = %+v, want %d", w, tt.value)
			}
			if w.Where != (model.Location{File: "t.yaml", Line: 15, Column: 24}) {
				t.Errorf("where = %s, want t.yaml:15:24", w.Where)
			}
			if len(w.Provenance) != 2 || w.Provenance[0].Kind != model.OriginAttribute {
				t.Fatalf("provenance = %+v", w.Provenance)
			}
			if got := w.Provenance[1]; got != tt.last {
				t.Errorf("last provenance step = %+v, want %+v", got, tt.last)
			}
			if len(inv.Diagnostics) != 0 {
				t.Errorf("diagnostics:\n%s", dumpInventory(inv))
			}
		})
	}
}

// TestParameterErrors: values outside AllowedValues, non-numbers for Number,
// broken parameter files and malformed flags are ERRORs naming where.
func TestParameterErrors(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		pfiles   []string
		flags    []string
		reason   model.Reason
		at       string // diagnostic location
		contains string
	}{
		{name: "flag outside AllowedValues", flags: []string{"Env=staging"}, reason: model.ReasonInvalidValue, at: "t.yaml:6:3",
			contains: `parameter "Env" value "staging" is not one of its AllowedValues (dev, prod) (value from --parameter`},
		{name: "file value outside AllowedValues", files: map[string]string{"params/p.json": `{"Parameters": {"Env": "qa"}}`}, pfiles: []string{"params/p.json"},
			reason: model.ReasonInvalidValue, at: "params/p.json:1:24", contains: `value "qa" is not one of its AllowedValues`},
		{name: "Number that is not a number", flags: []string{"Window=a day"}, reason: model.ReasonInvalidValue, at: "t.yaml:3:3",
			contains: `parameter "Window" has type Number but its value "a day" is not a number`},
		{name: "parameter file is not JSON", files: map[string]string{"params/p.json": "[\n  {\"ParameterKey\": \"Env\",\n   \"ParameterValue\": }\n]\n"}, pfiles: []string{"params/p.json"},
			reason: model.ReasonParseError, at: "params/p.json:3:", contains: "invalid JSON"},
		{name: "parameter file of the wrong shape", files: map[string]string{"params/p.json": `{"Env": "prod"}`}, pfiles: []string{"params/p.json"},
			reason: model.ReasonParseError, at: "params/p.json:1:", contains: `expected a list of {"ParameterKey", "ParameterValue"} or an object with "Parameters"`},
		{name: "parameter file entry without value", files: map[string]string{"params/p.json": `[{"ParameterKey": "Env"}]`}, pfiles: []string{"params/p.json"},
			reason: model.ReasonParseError, at: "params/p.json:1:3", contains: `"Env" has no ParameterValue`},
		{name: "parameter file missing", pfiles: []string{"params/none.json"}, reason: model.ReasonReadError, at: "params/none.json", contains: "cannot read parameter file"},
		{name: "flag without =", flags: []string{"Env"}, reason: model.ReasonInvalidValue, contains: `--parameter "Env": expected Key=Value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"t.yaml": windowTemplate}
			for k, v := range tt.files {
				files[k] = v
			}
			inv := scanFiles(t, files, Options{ParameterFiles: tt.pfiles, Parameters: tt.flags}, "t.yaml")
			var found *model.Diagnostic
			for i, d := range inv.Diagnostics {
				if d.Reason == tt.reason && strings.Contains(d.Message.EN, tt.contains) {
					found = &inv.Diagnostics[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s diagnostic containing %q:\n%s", tt.reason, tt.contains, dumpInventory(inv))
			}
			if found.Status != model.StatusError || found.Message.JA == "" {
				t.Errorf("diagnostic = %+v", found)
			}
			if !strings.HasPrefix(found.Location.String(), tt.at) {
				t.Errorf("location = %s, want %s", found.Location, tt.at)
			}
			// The scan goes on: the cluster is still evaluated.
			if len(inv.Clusters) != 1 {
				t.Errorf("clusters = %d, want 1", len(inv.Clusters))
			}
		})
	}
}

// TestParameterDefaultOutsideAllowedValues: CloudFormation rejects such a
// template, so the Default is an ERROR at its position.
func TestParameterDefaultOutsideAllowedValues(t *testing.T) {
	tmpl := strings.Replace(windowTemplate, "Default: dev", "Default: test", 1)
	inv := scanFiles(t, map[string]string{"t.yaml": tmpl}, Options{})
	if len(inv.Diagnostics) != 1 || inv.Diagnostics[0].Location.String() != "t.yaml:8:14" || inv.Diagnostics[0].Reason != model.ReasonInvalidValue {
		t.Fatalf("diagnostics:\n%s", dumpInventory(inv))
	}
}

func TestListParameters(t *testing.T) {
	tmpl := `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Windows:
    Type: CommaDelimitedList
    Default: "3600, 86400"
  Numbers:
    Type: List<Number>
    Default: "1,x"
Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      BacktrackWindow: !Select [1, !Ref Windows]
`
	inv := scanFiles(t, map[string]string{"t.yaml": tmpl}, Options{})
	if w := findCluster(t, inv, "Db").BacktrackWindow; w.V != 86400 || w.State != model.Known {
		t.Errorf("window = %+v", w)
	}
	if len(inv.Diagnostics) != 1 || !strings.Contains(inv.Diagnostics[0].Message.EN, `"x" is not a number`) {
		t.Errorf("diagnostics:\n%s", dumpInventory(inv))
	}
}

func TestSSMParameterIsUnknown(t *testing.T) {
	tmpl := strings.Replace(windowTemplate, "Type: Number\n    Default: 3600", "Type: AWS::SSM::Parameter::Value<String>\n    Default: /db/window", 1)
	inv := scanFiles(t, map[string]string{"t.yaml": tmpl}, Options{})
	w := findCluster(t, inv, "Db").BacktrackWindow
	if w.State != model.Unknown || !strings.Contains(w.Why.EN, "read from SSM Parameter Store (/db/window)") {
		t.Errorf("window = %+v", w)
	}
}
