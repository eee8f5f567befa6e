package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestASFFGolden(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		var buf bytes.Buffer
		rep := ASFFWith(ASFFDefaults{Account: "123456789012", Region: "us-east-1"})
		if err := rep(&buf, fixtureReport(), Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "golden", "fixture."+lang+".asff.json")
		testenv.Golden(t, path, buf.Bytes())
	}
}

// TestASFFDecodesIntoSecurityHubTypes: the output is what BatchImportFindings
// takes, with every required field set, stable unique IDs and ASFF limits.
func TestASFFDecodesIntoSecurityHubTypes(t *testing.T) {
	r := fixtureReport()
	fs := ASFFFindings(r, ASFFDefaults{Account: "123456789012", Region: "us-east-1"}, "ja")
	b, _ := json.Marshal(fs)
	var sdk []shtypes.AwsSecurityFinding
	if err := json.Unmarshal(b, &sdk); err != nil {
		t.Fatal(err)
	}
	if len(sdk) != len(r.Findings) {
		t.Fatalf("%d findings, want %d", len(sdk), len(r.Findings))
	}
	ids := map[string]bool{}
	for i, f := range sdk {
		for name, v := range map[string]*string{"Id": f.Id, "ProductArn": f.ProductArn, "GeneratorId": f.GeneratorId,
			"AwsAccountId": f.AwsAccountId, "CreatedAt": f.CreatedAt, "UpdatedAt": f.UpdatedAt, "Title": f.Title,
			"Description": f.Description, "SchemaVersion": f.SchemaVersion} {
			if v == nil || *v == "" {
				t.Errorf("finding %d: %s is empty", i, name)
			}
		}
		if len(f.Types) == 0 || len(f.Resources) == 0 || f.Severity == nil || f.Severity.Label == "" || f.Compliance == nil {
			t.Errorf("finding %d incomplete: %+v", i, f)
		}
		if ids[*f.Id] {
			t.Errorf("duplicate Id %s", *f.Id)
		}
		ids[*f.Id] = true
		if utf8.RuneCountInString(*f.Title) > asffTitleMax || utf8.RuneCountInString(*f.Description) > asffDescriptionMax || !utf8.ValidString(*f.Description) {
			t.Errorf("finding %d exceeds ASFF limits", i)
		}
		if len(f.ProductFields) > asffFieldsMax {
			t.Errorf("finding %d: %d ProductFields", i, len(f.ProductFields))
		}
		src := r.Findings[i]
		if src.Resource.ARN != "" && (*f.Resources[0].Id != src.Resource.ARN || *f.Resources[0].Type != "AwsRdsDbCluster" || *f.AwsAccountId != src.Resource.Account) {
			t.Errorf("live finding %d resource: %+v", i, f.Resources[0])
		}
	}
	// Stable: the same findings give the same IDs in the other language too.
	again := ASFFFindings(r, ASFFDefaults{Account: "123456789012", Region: "us-east-1"}, "en")
	for i := range again {
		if again[i].Id != fs[i].Id {
			t.Errorf("ID changed with language: %s vs %s", again[i].Id, fs[i].Id)
		}
	}
}

func TestASFFStatusMapping(t *testing.T) {
	tests := []struct {
		status     model.Status
		severity   model.Severity
		compliance string
		label      string
	}{
		{model.StatusPass, model.SeverityHigh, "PASSED", "INFORMATIONAL"},
		{model.StatusFail, model.SeverityHigh, "FAILED", "HIGH"},
		{model.StatusFail, model.SeverityMedium, "FAILED", "MEDIUM"},
		{model.StatusNotApplicable, model.SeverityHigh, "NOT_AVAILABLE", "INFORMATIONAL"},
		{model.StatusUnknown, model.SeverityHigh, "WARNING", "LOW"},
		{model.StatusError, model.SeverityMedium, "NOT_AVAILABLE", "MEDIUM"},
	}
	for _, tt := range tests {
		f := model.Finding{Status: tt.status, Severity: tt.severity}
		if c := asffCompliance(tt.status); c != tt.compliance {
			t.Errorf("%s: compliance %s, want %s", tt.status, c, tt.compliance)
		}
		if l := asffSeverity(f); l != tt.label {
			t.Errorf("%s/%s: label %s, want %s", tt.status, tt.severity, l, tt.label)
		}
	}
	if got := clipRunes(strings.Repeat("日", 300), 256); utf8.RuneCountInString(got) != 256 || !utf8.ValidString(got) {
		t.Errorf("clipRunes broke UTF-8 or length: %d", utf8.RuneCountInString(got))
	}
}
