package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestJSONIgnoresLang: the JSON report carries both languages whatever
// --lang says.
func TestJSONIgnoresLang(t *testing.T) {
	en := render(t, "json", fixtureReport(), Options{Lang: "en"})
	ja := render(t, "json", fixtureReport(), Options{Lang: "ja", Color: true})
	if !bytes.Equal(en, ja) {
		t.Error("JSON output depends on Options")
	}
}

// TestJSONRoundTrip: decoding the JSON report gives back the report.
func TestJSONRoundTrip(t *testing.T) {
	want := fixtureReport()
	data := render(t, "json", want, Options{})
	var got model.Report
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	// Details decode as float64; compare them through JSON.
	for i := range want.Findings {
		a, _ := json.Marshal(want.Findings[i])
		b, _ := json.Marshal(got.Findings[i])
		if !bytes.Equal(a, b) {
			t.Errorf("finding %d changed in a round trip:\n%s\n%s", i, a, b)
		}
	}
	if !reflect.DeepEqual(got.Summary, want.Summary) || got.Scan.Root != want.Scan.Root || !got.Scan.StartedAt.Equal(want.Scan.StartedAt) {
		t.Errorf("summary or scan changed: %+v %+v", got.Summary, got.Scan)
	}
}

func TestJSONEmptyAndMissingSummary(t *testing.T) {
	r := emptyReport()
	r.Summary = nil
	r.Findings = nil
	data := render(t, "json", r, Options{})
	if !bytes.Contains(data, []byte(`"findings": []`)) {
		t.Errorf("empty findings must serialise as []:\n%s", data)
	}
	for _, st := range model.Statuses {
		if !bytes.Contains(data, []byte(`"`+string(st)+`": 0`)) {
			t.Errorf("summary lacks %s: %s", st, data)
		}
	}
	if err := ValidateJSON(data); err != nil {
		t.Error(err)
	}
	if !bytes.HasPrefix(data, []byte("{\n  \"schema_version\": 1,\n")) || !bytes.HasSuffix(data, []byte("}\n")) {
		t.Errorf("want 2-space indent, schema_version first and a trailing newline:\n%s", data)
	}
}

// TestJSONSchemaRejects: the schema catches what breaks the contract.
func TestJSONSchemaRejects(t *testing.T) {
	valid := string(render(t, "json", fixtureReport(), Options{}))
	tests := []struct {
		name      string
		old, new_ string
		wantPath  string
	}{
		{"findings null", `"findings": [`, `"findings": null, "x": [`, ""},
		{"status not a status", `"status": "FAIL"`, `"status": "FAILED"`, "/findings/0/status"},
		{"japanese missing", `"ja": "バックトラックが無効です：backtrack_window が設定されておらず、既定値は 0 です。"`, `"jp": "x"`, "/findings/0/message"},
		{"empty message", `"en": "Backtracking is disabled: backtrack_window is not set, and the default is 0."`, `"en": ""`, "/findings/0/message/en"},
		{"bad fingerprint", `"fingerprint": "sha256:cd75`, `"fingerprint": "md5:cd75`, "/findings/0/fingerprint"},
		{"lower-case reason", `"reason": "BACKTRACK_DISABLED"`, `"reason": "backtrack_disabled"`, "/findings/0/reason"},
		{"bad rule id", `"rule_id": "KG-BT-001"`, `"rule_id": "CKV_AWS_326"`, "/findings/0/rule_id"},
		{"unknown field", `"severity": "HIGH",`, `"severity": "HIGH", "verdict": "bad",`, "/findings/0"},
		{"summary without ERROR", "2,\n    \"ERROR\": 2", "2", "/summary"},
		{"schema version 2", `"schema_version": 1`, `"schema_version": 2`, "/schema_version"},
		{"suppression without reason", `"reason": "KG-BT-001 covers this template",`, `"reason": "",`, "/suppressed"},
		{"bad date", `"started_at": "2026-11-25T01:02:03Z"`, `"started_at": "25/11/2026"`, "/scan/started_at"},
		{"window above 72h", `"min_window_seconds": 86400`, `"min_window_seconds": 300000`, "/scan/min_window_seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(valid, tt.old) {
				t.Fatalf("fixture JSON lacks %q", tt.old)
			}
			err := ValidateJSON([]byte(strings.Replace(valid, tt.old, tt.new_, 1)))
			if err == nil {
				t.Fatal("the schema accepted a broken report")
			}
			if tt.wantPath != "" && !strings.Contains(err.Error(), tt.wantPath) {
				t.Errorf("error does not name %s: %v", tt.wantPath, err)
			}
		})
	}
	if err := ValidateJSON([]byte("{")); err == nil || !strings.Contains(err.Error(), "does not parse") {
		t.Errorf("ValidateJSON(truncated) = %v", err)
	}
}

func TestJSONSchemaIsEmbedded(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(JSONSchema(), &s); err != nil {
		t.Fatal(err)
	}
	if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", s["$schema"])
	}
	JSONSchema()[0] = 'x' // callers get a copy
	if JSONSchema()[0] != '{' {
		t.Error("JSONSchema returns the shared buffer")
	}
}

// The streamed document must be byte for byte what encoding the whole report
// at once gives, for an empty report and a full one.
func TestJSONStreamsTheSameDocument(t *testing.T) {
	for _, r := range []model.Report{fixtureReport(), {SchemaVersion: 1, Tool: model.Tool{Name: "kumoguard", Version: "x"}}} {
		var streamed bytes.Buffer
		if err := writeJSON(&streamed, r, Options{}); err != nil {
			t.Fatal(err)
		}
		whole := r
		whole.Summary = summaryOf(whole)
		if whole.Findings == nil {
			whole.Findings = []model.Finding{}
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(whole); err != nil {
			t.Fatal(err)
		}
		if streamed.String() != want.String() {
			t.Errorf("streamed JSON differs from the whole-document encoding:\n%s\n---\n%s", streamed.String(), want.String())
		}
	}
}
