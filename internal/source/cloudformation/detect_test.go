package cloudformation

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIsTemplate(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"format version YAML", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: {}\n", true},
		{"format version JSON", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`, true},
		{"format version quoted YAML", "'AWSTemplateFormatVersion': 2010-09-09\n", true},
		{"Resources with AWS types, YAML", "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n", true},
		{"CDK synth JSON without format version", `{"Resources": {"Db": {"Type": "AWS::RDS::DBCluster", "Properties": {}}}}`, true},
		{"SAM", "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n", true},
		{"broken but clearly a template", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Db: [\n", true},
		{"broken with Resources and AWS types", "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties: [\n", true},
		{"Kubernetes manifest", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", false},
		{"package.json", `{"name": "x", "version": "1.0.0"}`, false},
		{"docker compose", "services:\n  db:\n    image: mysql\n", false},
		{"Resources without AWS types", "Resources:\n  Db:\n    Type: Custom::Thing\n", false},
		{"mentions AWS:: in prose", "# notes\ndescription: uses AWS::RDS::DBCluster and Resources\n", false},
		{"Resources with only a Custom type and a stray AWS:: string", "Resources:\n  X:\n    Type: Custom::Y\n    Properties: {Doc: \"Type: AWS::S3::Bucket\"}\n", false},
		{"empty", "", false},
		{"binary", "\x00\x01\x02AWS::Resources:", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTemplate([]byte(tt.data)); got != tt.want {
				t.Errorf("IsTemplate = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestFixturesAreTemplates: every fixture and example template is detected
// by content, and no parameter file is.
func TestFixturesAreTemplates(t *testing.T) {
	for _, dir := range []string{"testdata", "../../../examples/cloudformation"} {
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || filepath.Base(filepath.Dir(p)) == "fuzz" {
				return nil
			}
			ext := filepath.Ext(p)
			if ext != ".yaml" && ext != ".json" && ext != ".yml" {
				return nil
			}
			data, _ := os.ReadFile(p)
			isParams := filepath.Base(filepath.Dir(p)) == "params" || filepath.Base(p) == "manifest.json"
			if IsTemplate(data) == isParams {
				t.Errorf("%s: IsTemplate = %v", p, !isParams)
			}
			return nil
		})
	}
}
