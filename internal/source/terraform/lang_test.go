package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// writeTree writes files (path -> content) under a new temporary directory.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIsConfigFile(t *testing.T) {
	for name, want := range map[string]bool{
		"main.tf": true, "main.tf.json": true, "main.tofu": true, "main.tofu.json": true,
		"override.tf": true, "x_override.tofu.json": true,
		"main.tftest.hcl": false, "main.tofutest.hcl": false, "terraform.tfvars": false, ".hidden.tf": false,
		"main.tf~": false, "main.tf.bak": false, "main.json": false,
	} {
		if got := IsConfigFile(name); got != want {
			t.Errorf("IsConfigFile(%q) = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]bool{
		"override.tf": true, "override.tf.json": true, "a_override.tf": true, "a_override.tofu": true,
		"override.tofu.json": true, "overrides.tf": false, "main.tf": false, "aoverride.tf": false,
	} {
		if got := isOverrideFile(name); got != want {
			t.Errorf("isOverrideFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestOverrideMerge asserts Terraform's merge rules
// (https://developer.hashicorp.com/terraform/language/files/override) on
// the arguments and nested blocks kumoguard reads.
func TestOverrideMerge(t *testing.T) {
	base := `
resource "aws_rds_cluster" "c" {
  engine           = "aurora-mysql"
  backtrack_window = 0
  serverlessv2_scaling_configuration {
    min_capacity = 0.5
  }
  restore_to_point_in_time {
    source_cluster_identifier = "src"
    restore_type              = "copy-on-write"
  }
}
`
	tests := []struct {
		name       string
		files      map[string]string
		window     int64
		serverless model.ValueState // of ServerlessV2; 0 when not set
		creation   model.CreationMode
		diag       string // a diagnostic message containing this, "" for none
	}{
		{name: "no override", files: map[string]string{"main.tf": base},
			window: 0, serverless: model.Known, creation: model.CreateClone},
		{name: "argument replaced, blocks kept", files: map[string]string{"main.tf": base,
			"override.tf": "resource \"aws_rds_cluster\" \"c\" {\n  backtrack_window = 86400\n}\n"},
			window: 86400, serverless: model.Known, creation: model.CreateClone},
		{name: "nested block replaced by a dynamic block of its type", files: map[string]string{"main.tf": base,
			"a_override.tf": "resource \"aws_rds_cluster\" \"c\" {\n  dynamic \"serverlessv2_scaling_configuration\" {\n    for_each = []\n    content {}\n  }\n}\n"},
			window: 0, serverless: model.Known, creation: model.CreateClone},
		{name: "nested block replaced, JSON override", files: map[string]string{"main.tf": base,
			"b_override.tf.json": `{"resource": {"aws_rds_cluster": {"c": {"restore_to_point_in_time": {"source_cluster_identifier": "src", "restore_type": "full-copy"}}}}}`},
			window: 0, serverless: model.Known, creation: model.CreatePointInTime},
		{name: "later override wins", files: map[string]string{"main.tf": base,
			"a_override.tf": "resource \"aws_rds_cluster\" \"c\" {\n  backtrack_window = 1\n}\n",
			"b_override.tf": "resource \"aws_rds_cluster\" \"c\" {\n  backtrack_window = 2\n}\n"},
			window: 2, serverless: model.Known, creation: model.CreateClone},
		{name: "override files are applied after every primary file", files: map[string]string{
			"override.tf": "locals {\n  w = 7200\n}\n",
			"z.tf":        "locals {\n  w = 60\n}\n",
			"main.tf":     strings.Replace(base, "backtrack_window = 0", "backtrack_window = local.w", 1)},
			window: 7200, serverless: model.Known, creation: model.CreateClone},
		{name: "variable type and default merged", files: map[string]string{
			"main.tf":     strings.Replace(base, "backtrack_window = 0", "backtrack_window = var.w", 1) + "variable \"w\" {\n  type = string\n  default = \"60\"\n}\n",
			"override.tf": "variable \"w\" {\n  default = \"3600\"\n}\n"},
			window: 3600, serverless: model.Known, creation: model.CreateClone},
		{name: "override of nothing is an error", files: map[string]string{"main.tf": base,
			"override.tf": "module \"m\" {\n  source = \"./m\"\n}\n"},
			window: 0, serverless: model.Known, creation: model.CreateClone, diag: "declares module m, which no other file"},
		{name: "tofu file shadows the tf file", files: map[string]string{"main.tf": base,
			"main.tofu": strings.Replace(base, "backtrack_window = 0", "backtrack_window = 60", 1)},
			window: 60, serverless: model.Known, creation: model.CreateClone},
		{name: "tofu override shadows the tf override", files: map[string]string{"main.tf": base,
			"override.tf":   "resource \"aws_rds_cluster\" \"c\" {\n  backtrack_window = 1\n}\n",
			"override.tofu": "resource \"aws_rds_cluster\" \"c\" {\n  backtrack_window = 2\n}\n"},
			window: 2, serverless: model.Known, creation: model.CreateClone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			inv := Scan([]string{dir}, Options{Root: dir})
			if len(inv.Clusters) != 1 {
				t.Fatalf("clusters = %d, diagnostics %+v", len(inv.Clusters), inv.Diagnostics)
			}
			c := inv.Clusters[0]
			if c.BacktrackWindow.State != model.Known || c.BacktrackWindow.V != tt.window {
				t.Errorf("backtrack_window = %+v, want %d", c.BacktrackWindow, tt.window)
			}
			if c.ServerlessV2.State != tt.serverless {
				t.Errorf("serverless_v2 = %+v, want state %v", c.ServerlessV2, tt.serverless)
			}
			if c.Creation != tt.creation {
				t.Errorf("creation = %v, want %v", c.Creation, tt.creation)
			}
			var msgs []string
			for _, d := range inv.Diagnostics {
				msgs = append(msgs, d.Message.EN)
			}
			got := strings.Join(msgs, "\n")
			if tt.diag == "" && got != "" || tt.diag != "" && !strings.Contains(got, tt.diag) {
				t.Errorf("diagnostics = %q, want %q", got, tt.diag)
			}
		})
	}
}

// TestServerlessOverriddenAway: an override replacing the scaling block
// with a dynamic block generating none turns Serverless v2 off.
func TestServerlessOverriddenAway(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"main.tf":     "resource \"aws_rds_cluster\" \"c\" {\n  engine = \"aurora-mysql\"\n  serverlessv2_scaling_configuration {\n    min_capacity = 0.5\n  }\n}\n",
		"override.tf": "resource \"aws_rds_cluster\" \"c\" {\n  dynamic \"serverlessv2_scaling_configuration\" {\n    for_each = []\n    content {}\n  }\n}\n",
	})
	c := Scan([]string{dir}, Options{Root: dir}).Clusters[0]
	if c.ServerlessV2.State != model.Known || c.ServerlessV2.V {
		t.Errorf("serverless_v2 = %+v, want known false", c.ServerlessV2)
	}
}

func TestWorkspace(t *testing.T) {
	main := "resource \"aws_rds_cluster\" \"c\" {\n  cluster_identifier = terraform.workspace\n  engine = \"aurora-mysql\"\n}\n"
	tests := []struct {
		name      string
		env       []string
		selected  string // .terraform/environment, "" for none
		workspace string
	}{
		{name: "default", workspace: "default"},
		{name: "selected", selected: "prod\n", workspace: "prod"},
		{name: "TF_WORKSPACE wins", env: []string{"TF_WORKSPACE=staging"}, selected: "prod", workspace: "staging"},
		{name: "empty environment file", selected: "\n", workspace: "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"main.tf": main}
			if tt.selected != "" {
				files[".terraform/environment"] = tt.selected
			}
			dir := writeTree(t, files)
			c := Scan([]string{dir}, Options{Root: dir, Env: tt.env}).Clusters[0]
			if c.Name != tt.workspace {
				t.Errorf("terraform.workspace = %q, want %q", c.Name, tt.workspace)
			}
		})
	}
}

func TestTestFoldersIgnored(t *testing.T) {
	cl := "resource \"aws_rds_cluster\" \"c\" {\n  engine = \"aurora-mysql\"\n}\n"
	dir := writeTree(t, map[string]string{
		"main.tf":                       cl,
		"tests/basic.tftest.hcl":        "run \"x\" {}\n",
		"tests/setup/main.tf":           cl,
		"other/tests/main.tofutest.hcl": "run \"x\" {}\n",
		"other/tests/main.tf":           cl,
		"examples/tests/main.tf":        cl, // no test file: a configuration
	})
	inv := Scan([]string{dir}, Options{Root: dir})
	var roots []string
	for _, c := range inv.Clusters {
		roots = append(roots, c.Root)
	}
	if strings.Join(roots, ",") != ".,examples/tests" {
		t.Errorf("roots = %v, want [. examples/tests]", roots)
	}
}

func TestModuleCycle(t *testing.T) {
	cl := "resource \"aws_rds_cluster\" \"c\" {\n  engine = \"aurora-mysql\"\n}\n"
	tests := []struct {
		name  string
		files map[string]string
		where string
		cycle string
	}{
		{name: "itself", files: map[string]string{"main.tf": cl + "module \"again\" {\n  source = \"./\"\n}\n"},
			where: "main.tf:5:12", cycle: "(. → .)"},
		{name: "through another", files: map[string]string{
			"main.tf":   "module \"a\" {\n  source = \"./a\"\n}\n",
			"a/main.tf": cl + "module \"b\" {\n  source = \"../b\"\n}\n",
			"b/main.tf": "module \"a\" {\n  source = \"../a\"\n}\n"},
			where: "b/main.tf:2:12", cycle: "(a → b → a)"},
		{name: "no root reaches it", files: map[string]string{
			"a/main.tf": cl + "module \"b\" {\n  source = \"../b\"\n}\n",
			"b/main.tf": "module \"a\" {\n  source = \"../a\"\n}\n"},
			where: "b/main.tf:2:12", cycle: "(a → b → a)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			inv := Scan([]string{dir}, Options{Root: dir})
			var found bool
			for _, d := range inv.Diagnostics {
				if d.Reason == model.ReasonModuleCycle {
					found = true
					if d.Status != model.StatusError || d.Location.String() != tt.where || !strings.Contains(d.Message.EN, tt.cycle) {
						t.Errorf("cycle diagnostic = %s %s %q, want ERROR at %s naming %s", d.Status, d.Location, d.Message.EN, tt.where, tt.cycle)
					}
				}
			}
			if !found {
				t.Errorf("no MODULE_CYCLE diagnostic: %+v", inv.Diagnostics)
			}
			if len(inv.Clusters) != 1 {
				t.Errorf("clusters = %d, want the one before the cycle", len(inv.Clusters))
			}
		})
	}
}
