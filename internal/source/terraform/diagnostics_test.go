package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// A file that is not HCL at all (binary, another language) must not flood the
// report: the first errors are listed and the rest counted in one finding.
func TestParseErrorsAreBoundedPerFile(t *testing.T) {
	dir := t.TempDir()
	junk := strings.Repeat("`@$ ' \\ ^\n", 60)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(junk), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "db.tf"), []byte(`resource "aws_rds_cluster" "ok" {
  engine           = "aurora-mysql"
  backtrack_window = 86400
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	inv := Scan([]string{dir}, Options{Root: dir})
	if len(inv.Diagnostics) != maxErrorsPerFile+1 {
		t.Fatalf("%d diagnostics, want %d listed + 1 counting the rest", len(inv.Diagnostics), maxErrorsPerFile)
	}
	last := inv.Diagnostics[len(inv.Diagnostics)-1]
	if last.Status != model.StatusError || last.Location.File != "main.tf" || !strings.Contains(last.Message.EN, "more Terraform configuration errors in main.tf") || last.Message.JA == "" {
		t.Errorf("summary diagnostic = %+v", last)
	}
	if len(inv.Clusters) != 1 || inv.Clusters[0].Address != "aws_rds_cluster.ok" {
		t.Errorf("the good file of the module must still be evaluated: %+v", inv.Clusters)
	}
}
