package cloudformation

import (
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestBadInput: broken templates are ERRORs naming file:line:column and what
// was expected, and the other templates of the scan are still evaluated.
func TestBadInput(t *testing.T) {
	good := clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: 86400\n")
	tests := []struct {
		name   string
		body   string
		reason model.Reason
		at     string
		msg    string
	}{
		{name: "invalid YAML", body: "Resources:\n  Db:\n    Type: [AWS::RDS::DBCluster\n", reason: model.ReasonParseError, at: "bad.yaml:4:1", msg: "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 3:11)"},
		{name: "bad indentation", body: "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n   Properties: {}\n", reason: model.ReasonParseError, at: "bad.yaml:4:4", msg: "invalid YAML"},
		{name: "unclosed quote", body: "Resources:\n  Db:\n    Type: \"AWS::RDS::DBCluster\n", reason: model.ReasonParseError, at: "bad.yaml:4:1", msg: "while scanning a quoted scalar at 3:11"},
		{name: "two documents", body: "Resources: {}\n---\nResources: {}\n", reason: model.ReasonParseError, at: "bad.yaml:2:1", msg: "more than one YAML document"},
		{name: "tab indentation", body: "Resources:\n\tDb: 1\n", reason: model.ReasonParseError, at: "bad.yaml:2:", msg: "invalid YAML"},
		{name: "invalid JSON", body: "{\n  \"Resources\": {\n    \"Db\": {\"Type\": \"AWS::RDS::DBCluster\",}\n  }\n}\n", reason: model.ReasonParseError, at: "bad.yaml:3:", msg: "invalid JSON"},
		{name: "truncated JSON", body: "{\n  \"Resources\": {\n", reason: model.ReasonParseError, at: "bad.yaml:3:1", msg: "unexpected end of JSON input"},
		{name: "not a mapping", body: "- Resources\n", reason: model.ReasonParseError, at: "bad.yaml:1:", msg: "expected a mapping with Resources"},
		{name: "no Resources", body: "AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: x\n", reason: model.ReasonParseError, at: "bad.yaml:1:1", msg: "no Resources section"},
		{name: "unknown tag outside the cluster", body: clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: 86400\nTags: !Tags [a]\n"), reason: model.ReasonParseError, at: "bad.yaml:9:13", msg: "unknown tag !Tags"},
		{name: "Ref to nothing outside the cluster", body: clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: 86400\nDBSubnetGroupName: !Ref Subnets\n"), reason: model.ReasonReferenceError, at: "bad.yaml:9:31", msg: `Ref to "Subnets"`},
		{name: "GetAtt to nothing", body: clusterTemplate("", "Engine: aurora-mysql\nVpcSecurityGroupIds: [!GetAtt Sg.GroupId]\n"), reason: model.ReasonReferenceError, at: "bad.yaml:8:", msg: `refers to "Sg"`},
		{name: "Sub variable to nothing", body: clusterTemplate("", "Engine: aurora-mysql\nDBClusterIdentifier: !Sub \"db-${Stage}\"\n"), reason: model.ReasonReferenceError, at: "bad.yaml:8:33", msg: `Ref to "Stage"`},
		{name: "resource Condition undeclared", body: "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Condition: Nope\n    Properties: {Engine: aurora-mysql}\n", reason: model.ReasonReferenceError, at: "bad.yaml:4:16", msg: `Condition "Nope"`},
		{name: "Equals with one argument", body: "Conditions:\n  C: !Equals [a]\nResources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties: {Engine: aurora-mysql}\n", reason: model.ReasonInvalidValue, at: "bad.yaml:2:6", msg: "Fn::Equals takes a list of 2 arguments"},
		{name: "FindInMap to missing map", body: "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      DBClusterIdentifier: !FindInMap [Names, a, b]\n", reason: model.ReasonReferenceError, at: "bad.yaml:6:40", msg: `map "Names"`},
		{name: "unknown intrinsic", body: "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      DBClusterIdentifier: {\"Fn::Nope\": [a]}\n", reason: model.ReasonInvalidValue, at: "bad.yaml:6:", msg: "unknown intrinsic function Fn::Nope"},
		{name: "resource without Type", body: "Resources:\n  Db:\n    Properties: {Engine: aurora-mysql}\n", reason: model.ReasonParseError, at: "bad.yaml:2:3", msg: `resource "Db" has no Type`},
		{name: "DependsOn to nothing", body: "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    DependsOn: [Vpc]\n    Properties: {Engine: aurora-mysql}\n", reason: model.ReasonReferenceError, at: "bad.yaml:4:17", msg: `DependsOn "Vpc"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := scanFiles(t, map[string]string{"bad.yaml": tt.body, "good.yaml": good}, Options{})
			var found *model.Diagnostic
			for i, d := range inv.Diagnostics {
				if d.Reason == tt.reason && strings.Contains(d.Message.EN, tt.msg) {
					found = &inv.Diagnostics[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s diagnostic with %q:\n%s", tt.reason, tt.msg, dumpInventory(inv))
			}
			if found.Status != model.StatusError || found.Message.JA == "" {
				t.Errorf("diagnostic = %+v", *found)
			}
			if !strings.HasPrefix(found.Location.String(), tt.at) {
				t.Errorf("location = %s, want %s", found.Location, tt.at)
			}
			c := findCluster(t, inv, "Db")
			_ = c
			good := 0
			for _, c := range inv.Clusters {
				if c.Location.File == "good.yaml" {
					good++
				}
			}
			if good != 1 {
				t.Errorf("the good template was not evaluated:\n%s", dumpInventory(inv))
			}
			if len(verdicts(inv)) == 0 {
				t.Error("no findings")
			}
		})
	}
}

func TestUnreadableTemplate(t *testing.T) {
	inv := Scan([]string{"testdata/does-not-exist.yaml"}, Options{Root: "testdata"})
	if len(inv.Diagnostics) != 1 || inv.Diagnostics[0].Reason != model.ReasonReadError || inv.Diagnostics[0].Location.File != "does-not-exist.yaml" {
		t.Fatalf("diagnostics:\n%s", dumpInventory(inv))
	}
}
