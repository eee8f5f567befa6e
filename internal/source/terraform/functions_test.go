package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestFunctionsInAScan scans a repository whose root module (envs/prod)
// calls a shared module that uses Terraform functions: file() relative to
// path.module, a read outside the scanned tree, coalesce() of an empty
// string, and sensitive() values, which must never appear in any output.
func TestFunctionsInAScan(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	files := map[string]string{
		"outside.txt": "3600",
		"repo/envs/prod/main.tf": `module "db" {
  source = "../../modules/db"
}
`,
		"repo/modules/db/window.txt": "72\n",
		"repo/modules/db/variables.tf": `variable "engine" {
  type    = string
  default = ""
}
`,
		"repo/modules/db/main.tf": `resource "aws_rds_cluster" "main" {
  cluster_identifier = sensitive("very-secret-name")
  engine             = coalesce(var.engine, "aurora-mysql")
  engine_version     = sensitive("8.0.mysql_aurora.3.05.2")
  backtrack_window   = tonumber(trimspace(file("${path.module}/window.txt")))
}

resource "aws_rds_cluster" "outside" {
  cluster_identifier = "outside"
  engine             = startswith("aurora-mysql", "aurora") ? "aurora-mysql" : "x"
  backtrack_window   = tonumber(file("../../../outside.txt"))
}
`,
	}
	for name, body := range files {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inv := Scan([]string{repo}, Options{Root: repo})
	if len(inv.Diagnostics) > 0 {
		t.Fatalf("diagnostics: %+v", inv.Diagnostics)
	}
	main := cluster(t, inv, "envs/prod", "module.db.aws_rds_cluster.main")
	if main.Engine.State != model.Known || main.Engine.V != "aurora-mysql" {
		t.Errorf("engine = %+v, want known aurora-mysql (Terraform's coalesce skips empty strings)", main.Engine)
	}
	if main.BacktrackWindow.State != model.Known || main.BacktrackWindow.V != 72 {
		t.Errorf("backtrack_window = %+v, want known 72 read by file() from the module's directory", main.BacktrackWindow)
	}
	if main.EngineVersion.State != model.Unknown || !strings.Contains(main.EngineVersion.Why.EN, "sensitive") {
		t.Errorf("engine_version = %+v, want unknown because it is sensitive", main.EngineVersion)
	}
	out := cluster(t, inv, "envs/prod", "module.db.aws_rds_cluster.outside")
	if out.Engine.V != "aurora-mysql" {
		t.Errorf("engine = %+v, want aurora-mysql (startswith)", out.Engine)
	}
	if out.BacktrackWindow.State != model.Unknown || !strings.Contains(out.BacktrackWindow.Why.EN, "outside the scanned directory") ||
		out.BacktrackWindow.Why.JA == "" {
		t.Errorf("backtrack_window = %+v, want unknown: the file is outside the scanned tree", out.BacktrackWindow)
	}
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"very-secret-name", "3.05.2"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the inventory holds the sensitive value %q", secret)
		}
	}
}
