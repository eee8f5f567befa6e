package cloudformation

import (
	"slices"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

func TestNestedStacks(t *testing.T) {
	files := map[string]string{
		"parent.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Window:
    Type: Number
    Default: 86400
Resources:
  App:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: stacks/child.yaml
      Parameters:
        Window: !Ref Window
        Name: orders
  Reports:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: stacks/child.yaml
      Parameters:
        Window: 3600
        Name: reports
        Typo: x
  Broken:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: stacks/child.yaml
Outputs:
  AppCluster:
    Value: !GetAtt App.Outputs.ClusterName
`,
		"stacks/child.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Window: {Type: Number}
  Name: {Type: String}
Resources:
  Database:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: !Ref Name
      Engine: aurora-mysql
      BacktrackWindow: !Ref Window
  Inner:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: grandchild.yaml
      Parameters:
        Window: !GetAtt Database.BacktrackWindowNotAnAttr
Outputs:
  ClusterName:
    Value: !Ref Database
`,
		"stacks/grandchild.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Window: {Type: Number}
Resources:
  Deep:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      BacktrackWindow: !Ref Window
`,
	}
	inv := scanFiles(t, files, Options{}, "parent.yaml", "stacks/child.yaml", "stacks/grandchild.yaml")
	var addrs []string
	for _, c := range inv.Clusters {
		addrs = append(addrs, c.Address)
		if c.Root != "parent.yaml" {
			t.Errorf("%s: root = %q, want parent.yaml", c.Address, c.Root)
		}
	}
	want := []string{"App/Database", "App/Inner/Deep", "Reports/Database", "Reports/Inner/Deep", "Broken/Database", "Broken/Inner/Deep"}
	if !slices.Equal(addrs, want) {
		t.Fatalf("addresses = %v, want %v (children are evaluated through the parent only)", addrs, want)
	}
	app := findCluster(t, inv, "App/Database")
	if app.Name != "orders" || app.Location.String() != "stacks/child.yaml:6:3" {
		t.Errorf("name %q location %s", app.Name, app.Location)
	}
	w := app.BacktrackWindow
	if w.V != 86400 || w.Where.String() != "stacks/child.yaml:11:24" {
		t.Errorf("window = %+v", w)
	}
	var steps []string
	for _, o := range w.Provenance {
		steps = append(steps, string(o.Kind)+" "+o.Name+" "+o.Location.String())
	}
	wantSteps := []string{"attribute BacktrackWindow stacks/child.yaml:11:24", "module_argument App.Parameters.Window parent.yaml:12:17", "parameter_default Window parent.yaml:5:14"}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("provenance = %v, want %v", steps, wantSteps)
	}
	if r := findCluster(t, inv, "Reports/Database").BacktrackWindow; r.V != 3600 || r.Provenance[1].Location.String() != "parent.yaml:19:17" {
		t.Errorf("reports window = %+v", r)
	}
	// A nested stack that does not pass a parameter without Default: the
	// stack is rejected by CloudFormation, so the value is invalid.
	if b := findCluster(t, inv, "Broken/Database").BacktrackWindow; b.State != model.Invalid || !strings.Contains(b.Why.EN, `nested stack Broken does not pass parameter "Window"`) {
		t.Errorf("broken window = %+v", b)
	}
	if d := findCluster(t, inv, "App/Inner/Deep").BacktrackWindow; d.State != model.Unknown || !strings.Contains(d.Why.EN, "attribute BacktrackWindowNotAnAttr") {
		t.Errorf("deep window = %+v", d)
	}
	var diags []string
	for _, d := range inv.Diagnostics {
		diags = append(diags, string(d.Reason)+" "+d.Location.String())
	}
	if !slices.Contains(diags, "REFERENCE_ERROR parent.yaml:21:9") {
		t.Errorf("expected the undeclared nested parameter Typo to be a REFERENCE_ERROR, got %v", diags)
	}
	if inv.Coverage[CoverageKey] != 3 {
		t.Errorf("coverage = %v", inv.Coverage)
	}
	got := withoutDiagnostics(verdicts(inv))
	for _, w := range []string{"KG-BT-001 App/Database PASS BACKTRACK_ENABLED", "KG-BT-002 Reports/Database FAIL WINDOW_BELOW_MINIMUM", "KG-BT-001 Broken/Database ERROR INVALID_VALUE"} {
		if !slices.Contains(got, w) {
			t.Errorf("verdicts %v lack %q", got, w)
		}
	}
}

func TestNestedStackProblems(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		status model.Status
		reason model.Reason
		msg    string
	}{
		{name: "remote template", files: map[string]string{"p.yaml": "Resources:\n  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://bucket.s3.amazonaws.com/db.yaml\n"},
			status: model.StatusUnknown, reason: model.ReasonModuleNotInstalled, msg: "not a local file (https://bucket.s3.amazonaws.com/db.yaml)"},
		{name: "SAR application", files: map[string]string{"p.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n  S:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: {ApplicationId: arn:aws:serverlessrepo:us-east-1:1:applications/db, SemanticVersion: 1.0.0}\n"},
			status: model.StatusUnknown, reason: model.ReasonModuleNotInstalled, msg: "Serverless Application Repository"},
		{name: "missing file", files: map[string]string{"p.yaml": "Resources:\n  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./nope.yaml\n"},
			status: model.StatusError, reason: model.ReasonReferenceError, msg: "refers to template nope.yaml, which cannot be read"},
		{name: "cycle", files: map[string]string{
			"a.yaml": "Resources:\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: b.yaml\n",
			"b.yaml": "Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: a.yaml\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties: {Engine: aurora-mysql}\n"},
			status: model.StatusError, reason: model.ReasonReferenceError, msg: "includes its own ancestor template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := scanFiles(t, tt.files, Options{})
			for _, d := range inv.Diagnostics {
				if d.Status == tt.status && d.Reason == tt.reason && strings.Contains(d.Message.EN, tt.msg) && d.Location.Line > 0 {
					return
				}
			}
			t.Errorf("no %s %s diagnostic with %q:\n%s", tt.status, tt.reason, tt.msg, dumpInventory(inv))
		})
	}
}

func TestNestedCycleStillEvaluated(t *testing.T) {
	files := map[string]string{
		"a.yaml": "Resources:\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: b.yaml\n",
		"b.yaml": "Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: a.yaml\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties: {Engine: aurora-mysql}\n",
	}
	inv := scanFiles(t, files, Options{})
	if len(inv.Clusters) == 0 {
		t.Fatalf("templates only reachable through a cycle must still be evaluated:\n%s", dumpInventory(inv))
	}
}

// TestNestedOutputs: Fn::GetAtt Stack.Outputs.Name evaluates the nested
// template's output with the parameters the parent passes.
func TestNestedOutputs(t *testing.T) {
	files := map[string]string{
		"parent.yaml": `Resources:
  Settings:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: settings.yaml
      Parameters: {Hours: "24"}
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: !GetAtt Settings.Outputs.Engine
      BacktrackWindow: !GetAtt Settings.Outputs.Window
      ReplicationSourceIdentifier: !GetAtt Settings.Outputs.Missing
`,
		"settings.yaml": `Parameters:
  Hours: {Type: Number}
Mappings:
  Seconds:
    "24": {Value: 86400}
Resources:
  Nothing:
    Type: AWS::CloudFormation::WaitConditionHandle
Outputs:
  Engine:
    Value: aurora-mysql
  Window:
    Value: !FindInMap [Seconds, !Ref Hours, Value]
`,
	}
	inv := scanFiles(t, files, Options{})
	c := findCluster(t, inv, "Db")
	if c.Engine.V != "aurora-mysql" || c.Engine.Provenance[1].Kind != model.OriginReference || c.Engine.Provenance[1].Location.String() != "settings.yaml:11:12" {
		t.Errorf("engine = %+v", c.Engine)
	}
	w := c.BacktrackWindow
	if w.V != 86400 || w.Where.String() != "parent.yaml:11:24" {
		t.Errorf("window = %+v", w)
	}
	var kinds []model.OriginKind
	for _, o := range w.Provenance {
		kinds = append(kinds, o.Kind)
	}
	if !slices.Equal(kinds, []model.OriginKind{model.OriginAttribute, model.OriginReference, model.OriginMapping}) || w.Provenance[2].Location.String() != "settings.yaml:5:19" {
		t.Errorf("provenance = %+v", w.Provenance)
	}
	if r := c.ReplicationSource; r.State != model.Invalid || !strings.Contains(r.Why.EN, `has no output "Missing"`) {
		t.Errorf("replication source = %+v", r)
	}
}

func TestDuplicateFilesScannedOnce(t *testing.T) {
	dir := writeFiles(t, map[string]string{"t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: 86400\n")})
	p := dir + "/t.yaml"
	inv := Scan([]string{p, p, dir + "/./t.yaml"}, Options{Root: dir})
	if len(inv.Clusters) != 1 || inv.Coverage[CoverageKey] != 1 {
		t.Errorf("clusters = %d, coverage = %v", len(inv.Clusters), inv.Coverage)
	}
}
