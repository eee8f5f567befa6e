package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// sarifSchemaPath finds ../shared/schemas/sarif-schema-2.1.0.json beside the
// repository root (the directory holding go.mod). The schema is not copied
// into the project.
func sarifSchemaPath(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "schemas", "sarif-schema-2.1.0.json")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

var sarifSchema struct {
	once sync.Once
	sch  *jsonschema.Schema
	err  error
	path string
}

// validateSARIF validates a SARIF log against the official OASIS schema,
// skipping the test when the schema is not beside the checkout.
func validateSARIF(t testing.TB, data []byte) {
	t.Helper()
	path := sarifSchemaPath(t)
	sarifSchema.once.Do(func() {
		sarifSchema.path = path
		f, err := os.Open(path)
		if err != nil {
			sarifSchema.err = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			sarifSchema.err = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		const id = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
		if err := c.AddResource(id, doc); err != nil {
			sarifSchema.err = err
			return
		}
		sarifSchema.sch, sarifSchema.err = c.Compile(id)
	})
	if os.IsNotExist(sarifSchema.err) {
		t.Skipf("SARIF schema not found at %s (CI has shared/ beside the checkout); SARIF output not validated", path)
	}
	if sarifSchema.err != nil {
		t.Fatalf("SARIF schema %s: %v", path, sarifSchema.err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF output does not parse: %v", err)
	}
	if err := sarifSchema.sch.Validate(doc); err != nil {
		t.Errorf("SARIF output does not match the SARIF 2.1.0 schema: %v", err)
	}
}

func decodeSARIF(t *testing.T, data []byte) sarifLog {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatal(err)
	}
	return log
}

func TestSARIFRules(t *testing.T) {
	log := decodeSARIF(t, render(t, "sarif", fixtureReport(), Options{Lang: "en"}))
	run := log.Runs[0]
	rules := policy.Rules()
	if len(run.Tool.Driver.Rules) != len(rules) {
		t.Fatalf("driver has %d rules, policy has %d", len(run.Tool.Driver.Rules), len(rules))
	}
	for i, r := range rules {
		got := run.Tool.Driver.Rules[i]
		if got.ID != r.ID || got.HelpURI != r.HelpURI || got.Properties.SecuritySeverity != r.SecuritySeverity {
			t.Errorf("rule %d = %s %s %s, want %s %s %s", i, got.ID, got.HelpURI, got.Properties.SecuritySeverity, r.ID, r.HelpURI, r.SecuritySeverity)
		}
		if got.Name == "" || strings.ContainsAny(got.Name, " -") || got.Help.Text == "" || got.Help.Markdown == "" ||
			got.ShortDescription.Text != r.Title.EN || got.FullDescription.Text != r.Rationale.EN {
			t.Errorf("rule %s metadata incomplete: %+v", r.ID, got)
		}
		if want := levelOfSeverity(r.Severity); got.DefaultConfiguration.Level != want {
			t.Errorf("rule %s level %s, want %s", r.ID, got.DefaultConfiguration.Level, want)
		}
	}
	if run.Tool.Driver.SemanticVersion != "0.3.0" || run.Tool.Driver.InformationURI == "" {
		t.Errorf("driver = %+v", run.Tool.Driver)
	}
	if !run.Invocations[0].ExecutionSuccessful {
		t.Error("executionSuccessful should be true")
	}
	if got := run.OriginalURIBaseIDs[sarifSrcRoot].URI; got != "file:///work/repo/" {
		t.Errorf("%%SRCROOT%% = %q, want file:///work/repo/", got)
	}
}

func TestSARIFResults(t *testing.T) {
	rep := fixtureReport()
	log := decodeSARIF(t, render(t, "sarif", rep, Options{Lang: "ja"}))
	run := log.Runs[0]
	if run.Language != "ja-JP" {
		t.Errorf("language = %q", run.Language)
	}
	var want []model.Finding
	for _, f := range rep.Findings {
		if f.Status == model.StatusFail || f.Status == model.StatusUnknown || f.Status == model.StatusError {
			want = append(want, f)
		}
	}
	if len(run.Results) != len(want) {
		t.Fatalf("%d results, want %d (FAIL, UNKNOWN and ERROR only)", len(run.Results), len(want))
	}
	for i, res := range run.Results {
		f := want[i]
		if res.RuleID != f.RuleID || run.Tool.Driver.Rules[*res.RuleIndex].ID != f.RuleID {
			t.Errorf("result %d: ruleId %s ruleIndex %d, want %s", i, res.RuleID, *res.RuleIndex, f.RuleID)
		}
		if res.PartialFingerprints["kumoguard/v1"] != f.Fingerprint {
			t.Errorf("result %d: fingerprint %v", i, res.PartialFingerprints)
		}
		if !strings.HasPrefix(res.Message.Text, f.Message.JA) {
			t.Errorf("result %d: message %q is not in Japanese", i, res.Message.Text)
		}
		if !f.Remediation.IsZero() && !strings.Contains(res.Message.Markdown, markdownText(f.Remediation.JA)) {
			t.Errorf("result %d: markdown %q lacks the remediation", i, res.Message.Markdown)
		}
		wantLevel := map[model.Status]string{model.StatusError: "error", model.StatusUnknown: "warning"}[f.Status]
		if f.Status == model.StatusFail {
			wantLevel = map[model.Severity]string{model.SeverityHigh: "error", model.SeverityMedium: "warning"}[f.Severity]
		}
		if res.Level != wantLevel || res.Kind != "fail" {
			t.Errorf("result %d (%s %s): level %s kind %s, want %s fail", i, f.Status, f.Severity, res.Level, res.Kind, wantLevel)
		}
		loc := res.Locations[0]
		if f.Location.File != "" {
			pl := loc.PhysicalLocation
			if pl == nil || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" || pl.Region == nil || pl.Region.StartLine != f.Location.Line {
				t.Errorf("result %d: physical location %+v for %s", i, pl, f.Location)
			}
		} else if loc.PhysicalLocation != nil || len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName == "" {
			t.Errorf("result %d: live finding should have one logical location, got %+v", i, loc)
		}
		switch {
		case f.Suppressed == nil && len(res.Suppressions) != 0:
			t.Errorf("result %d: unexpected suppressions", i)
		case f.Suppressed != nil:
			wantKind := map[string]string{"inline": "inSource", "metadata": "inSource", "config": "external"}[f.Suppressed.Source]
			if len(res.Suppressions) != 1 || res.Suppressions[0].Kind != wantKind || res.Suppressions[0].Status != "accepted" ||
				!strings.HasPrefix(res.Suppressions[0].Justification, f.Suppressed.Reason) {
				t.Errorf("result %d: suppressions %+v, want kind %s with the reason", i, res.Suppressions, wantKind)
			}
		}
	}
}

func TestSARIFURIs(t *testing.T) {
	tests := []struct {
		file, uri, base string
	}{
		{"envs/prod/main.tf", "envs/prod/main.tf", "%SRCROOT%"},
		{"./envs/prod/../prod/main.tf", "envs/prod/main.tf", "%SRCROOT%"},
		{`envs\win\main.tf`, "envs/win/main.tf", "%SRCROOT%"},
		{"envs/日本/broken file.tf", "envs/%E6%97%A5%E6%9C%AC/broken%20file.tf", "%SRCROOT%"},
		{"a#b/c?d%.tf", "a%23b/c%3Fd%25.tf", "%SRCROOT%"},
		{"/abs/main.tf", "file:///abs/main.tf", ""},
		{`C:\repo\main.tf`, "file:///C:/repo/main.tf", ""},
	}
	for _, tt := range tests {
		got := artifactLocation(tt.file)
		if got.URI != tt.uri || got.URIBaseID != tt.base {
			t.Errorf("artifactLocation(%q) = %q %q, want %q %q", tt.file, got.URI, got.URIBaseID, tt.uri, tt.base)
		}
	}
	if got := srcRootOf("envs"); got.URI != "" || got.Description == nil {
		t.Errorf("a relative root must leave %%SRCROOT%% to the consumer, got %+v", got)
	}
}

func TestSemanticVersion(t *testing.T) {
	for in, want := range map[string]string{"0.3.0": "0.3.0", "v1.2.3": "1.2.3", "1.2.3-rc.1+abc": "1.2.3-rc.1+abc", "dev": "", "1.2": "", "1.x.3": ""} {
		if got := semanticVersion(in); got != want {
			t.Errorf("semanticVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRuleName(t *testing.T) {
	if got := ruleName("Aurora MySQL cluster has backtracking enabled"); got != "AuroraMySQLClusterHasBacktrackingEnabled" {
		t.Errorf("ruleName = %q", got)
	}
}
