package cli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestCheckovSkips: Checkov's skip of its backtrack check CKV_AWS_326, in a
// Terraform comment inside the resource or in CloudFormation Metadata, is a
// suppression of KG-BT-001 with Checkov's reason; skips of other checks, and
// comments outside the block (Checkov ignores those), suppress nothing.
func TestCheckovSkips(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.tf": `resource "aws_rds_cluster" "skipped" {
  #checkov:skip=CKV_AWS_326:nightly rebuild from snapshot
  engine = "aurora-mysql"
}

resource "aws_rds_cluster" "no_reason" {
  engine = "aurora-mysql" # checkov:skip=CKV_AWS_326
}

resource "aws_rds_cluster" "other_check" {
  # checkov:skip=CKV_AWS_128:IAM authentication is not used
  engine = "aurora-mysql"
}

# checkov:skip=CKV_AWS_326:above the block, where Checkov does not look
resource "aws_rds_cluster" "outside" {
  engine = "aurora-mysql"
}
`,
		"template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Skipped:
    Type: AWS::RDS::DBCluster
    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_326
            comment: reporting copy, restored from snapshots
          - id: CKV_AWS_162
            comment: not ours
    Properties:
      Engine: aurora-mysql
  NotSkipped:
    Type: AWS::RDS::DBCluster
    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_162
            comment: not ours
    Properties:
      Engine: aurora-mysql
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := decode(t, run(t, dir, "scan", "iac", ".", "--format", "json").stdout)
	idx := index(r)
	tests := []struct {
		address, rule string
		reason        string // "" = not suppressed
		source        string
		line          int
	}{
		{"aws_rds_cluster.skipped", "KG-BT-001", "nightly rebuild from snapshot", "inline", 2},
		{"aws_rds_cluster.skipped", "KG-BT-002", "", "", 0}, // Checkov's check is KG-BT-001's
		{"aws_rds_cluster.no_reason", "KG-BT-001", "checkov:skip=CKV_AWS_326 (Checkov skip without a reason)", "inline", 7},
		{"aws_rds_cluster.other_check", "KG-BT-001", "", "", 0},
		{"aws_rds_cluster.outside", "KG-BT-001", "", "", 0},
		{"Skipped", "KG-BT-001", "reporting copy, restored from snapshots", "metadata", 8},
		{"NotSkipped", "KG-BT-001", "", "", 0},
	}
	for _, tt := range tests {
		f, ok := idx[key{tt.address, tt.rule}]
		if !ok {
			t.Errorf("no %s finding for %s", tt.rule, tt.address)
			continue
		}
		if f.Status != model.StatusFail {
			t.Errorf("%s %s is %s, want FAIL (a suppression never changes the verdict)", tt.address, tt.rule, f.Status)
		}
		switch {
		case tt.reason == "" && f.Suppressed != nil:
			t.Errorf("%s %s suppressed by %+v, want not suppressed", tt.address, tt.rule, *f.Suppressed)
		case tt.reason != "" && f.Suppressed == nil:
			t.Errorf("%s %s not suppressed, want suppressed with %q", tt.address, tt.rule, tt.reason)
		case tt.reason != "" && (f.Suppressed.Reason != tt.reason || f.Suppressed.Source != tt.source || f.Suppressed.Location.Line != tt.line):
			t.Errorf("%s %s suppressed by %+v, want reason %q source %s line %d", tt.address, tt.rule, *f.Suppressed, tt.reason, tt.source, tt.line)
		}
	}
}
