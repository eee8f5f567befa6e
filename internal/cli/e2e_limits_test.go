package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestAdversarialInputsEndToEnd runs the built binary on inputs of at most
// 1 MB built to exhaust the machine (issue 11, point 3), each beside a
// valid template, plan or module: the scan finishes, reports the limit as
// an ERROR finding at the file, still evaluates the valid cluster, and
// exits 3 (incomplete). The deadline only turns a regression into a
// failure instead of a hang; nothing here measures time.
func TestAdversarialInputsEndToEnd(t *testing.T) {
	cfnOK := "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Ok:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      BacktrackWindow: 86400\n"
	cfnCluster := func(props string) string {
		return "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      BacktrackWindow: " + props + "\n"
	}
	planOK := `{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[{"address":"aws_rds_cluster.ok","mode":"managed","type":"aws_rds_cluster","name":"ok","change":{"actions":["create"],"before":null,"after":{"engine":"aurora-mysql","backtrack_window":86400},"after_unknown":{}}}]}`
	nested := func(width, depth int) map[string]string {
		files := map[string]string{}
		for lvl := 0; lvl < depth; lvl++ {
			var b strings.Builder
			b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties: {Engine: aurora-mysql, BacktrackWindow: 3600}\n")
			for i := 0; i < width; i++ {
				fmt.Fprintf(&b, "  S%d:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: l%d.yaml}\n", i, lvl+1)
			}
			files[fmt.Sprintf("l%d.yaml", lvl)] = b.String()
		}
		files[fmt.Sprintf("l%d.yaml", depth)] = cfnCluster("3600")
		return files
	}
	for _, tt := range []struct {
		name  string
		files map[string]string
		okAt  string // the valid cluster's address
		limit string // a word of the limit the finding names
	}{
		{"cloudformation nested stacks 10 wide 8 deep", nested(10, 8), "Ok", "nested stack instances"},
		{"cloudformation nested flow sequences", map[string]string{"t.yaml": cfnCluster(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000))}, "Ok", "nesting depth"},
		{"cloudformation string joined through aliases", map[string]string{"t.yaml": "Metadata:\n  big: &big \"" + strings.Repeat("x", 400_000) + "\"\n" +
			cfnCluster("!Join [\"\", ["+strings.Repeat("*big, ", 90_000)+"x]]")}, "Ok", "expressions evaluated"},
		{"cloudformation parameter substituted", map[string]string{"t.yaml": "Parameters:\n  P:\n    Type: String\n    Default: " + strings.Repeat("x", 500_000) + "\n" +
			cfnCluster("!Sub \""+strings.Repeat("${P}", 50_000)+"\"")}, "Ok", "string bytes"},
		{"plan nested 400,000 deep", map[string]string{"plan.json": `{"format_version":"1.2","resource_changes":[],"x":` + strings.Repeat("[", 400_000) + strings.Repeat("]", 400_000) + `}`},
			"aws_rds_cluster.ok", "JSON nesting depth"},
		{"terraform nested brackets", map[string]string{"bad/main.tf": "locals {\n  x = " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n}\n"}, "aws_rds_cluster.ok", "nesting"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{}
			for k, v := range tt.files {
				files["bad/"+strings.TrimPrefix(k, "bad/")] = v
			}
			switch tt.okAt {
			case "Ok":
				files["ok/ok.yaml"] = cfnOK
			default:
				files["ok/plan.json"] = planOK
				if strings.HasSuffix(tt.name, "brackets") {
					delete(files, "ok/plan.json")
					files["ok/main.tf"] = "resource \"aws_rds_cluster\" \"ok\" {\n  engine           = \"aurora-mysql\"\n  backtrack_window = 86400\n}\n"
				}
			}
			size := 0
			for name, body := range files {
				size += len(body)
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if size > 1<<20 {
				t.Fatalf("input is %d bytes, above 1 MB", size)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary, "scan", "iac", ".", "--format", "json")
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("the scan did not finish: %v", ctx.Err())
			}
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != 3 {
				t.Errorf("exit %d, want 3 (incomplete); stderr: %s", code, errb.String())
			}
			r := decode(t, out.String())
			if f, ok := index(r)[key{tt.okAt, "KG-BT-001"}]; !ok || f.Status != model.StatusPass {
				t.Errorf("the valid cluster %s: %+v, want KG-BT-001 PASS", tt.okAt, f)
			}
			found := false
			for _, f := range r.Findings {
				if f.Reason == model.ReasonLimitExceeded {
					found = true
					if f.Status != model.StatusError || !strings.HasPrefix(f.Location.File, "bad/") || f.Location.Line == 0 || !strings.Contains(f.Message.EN, tt.limit) {
						t.Errorf("limit finding %s %s %q, want ERROR at bad/…:line naming %q", f.Status, f.Location, f.Message.EN, tt.limit)
					}
				}
			}
			if !found {
				t.Errorf("no LIMIT_EXCEEDED finding in %d findings", len(r.Findings))
			}
		})
	}
}
