package fix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/source/terraform"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// scanTF scans one Terraform directory with paths relative to root.
func scanTF(t *testing.T, dir, root string) (model.Inventory, []model.Finding) {
	t.Helper()
	inv := terraform.Scan([]string{dir}, terraform.Options{Root: root})
	return inv, policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds})
}

// TestFixEditsOnlyWhatItMay: issue 11's shapes. Each is refused with its
// reason, and nothing is written anywhere.
func TestFixEditsOnlyWhatItMay(t *testing.T) {
	cases := []struct {
		name    string
		fixture string
		scan    string // directory scanned, relative to the copy
		root    string // write root, relative to the copy
		setup   func(t *testing.T, dir string)
		want    []string // in the refusal
	}{
		{name: "local module outside the root", fixture: "outside-local", scan: "repo/envs/prod", root: "repo",
			want: []string{"outside the root", "--allow-outside-root"}},
		{name: "registry module vendored inside the root", fixture: "registry-vendored", scan: ".", root: ".",
			want: []string{"module.db, a registry module", `"acme/aurora/aws"`, "argument of module.db"}},
		{name: "git module whose modules.json points outside", fixture: "git-outside", scan: "repo", root: "repo",
			want: []string{"a Git module", "never edits a downloaded module"}},
		{name: "module shared with Aurora PostgreSQL", fixture: "shared-engine", scan: ".", root: ".",
			want: []string{"module.reports.aws_rds_cluster.this", "aurora-postgresql", "AWS rejects a backtrack window", "Give the module an input"}},
		{name: "disabled branch of a feature flag", fixture: "tf-conditional", scan: ".", root: ".",
			want: []string{"one branch of the conditional var.enable_backtrack ? local.window : 0", "feature flag"}},
		{name: "symlink to a file outside the root", fixture: "symlink", scan: "root/app", root: "root",
			setup: func(t *testing.T, dir string) {
				mustSymlink(t, filepath.Join("..", "..", "shared", "cluster.tf"), filepath.Join(dir, "root", "app", "main.tf"))
			},
			want: []string{"is a symbolic link to", "outside the root"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			testenv.CopyTree(t, filepath.Join("testdata", "safety", tc.fixture), dir)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			before := snapshot(t, dir)
			inv, fs := scanTF(t, filepath.Join(dir, tc.scan), filepath.Join(dir, tc.root))
			res, err := Patches(fs, inv, PatchOptions{Root: filepath.Join(dir, tc.root)})
			if err != nil {
				t.Fatal(err)
			}
			out := res.Render("en")
			if len(res.Files) != 0 || len(res.Refusals) == 0 {
				t.Fatalf("%d files changed, %d refusals; want none changed and a refusal:\n%s", len(res.Files), len(res.Refusals), out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the refusal does not say %q:\n%s", w, out)
				}
			}
			if ja := res.Render("ja"); !strings.Contains(ja, "変更") {
				t.Errorf("no Japanese refusal:\n%s", ja)
			}
			if snapshot(t, dir) != before {
				t.Error("a file changed")
			}
			// Allowed explicitly, an edit outside the root goes ahead.
			if strings.Contains(tc.name, "outside the root") {
				res, _ := Patches(fs, inv, PatchOptions{Root: filepath.Join(dir, tc.root), AllowOutsideRoot: true})
				if len(res.Files) != 1 {
					t.Errorf("with AllowOutsideRoot: %d files, want 1:\n%s", len(res.Files), res.Render("en"))
				}
			}
		})
	}
}

// TestFixWritesThroughSymlink: a symlinked .tf whose target is under the
// root is patched in its target; the link stays a link.
func TestFixWritesThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join("testdata", "safety", "symlink"), filepath.Join(dir, "root"))
	link := filepath.Join(dir, "root", "app", "main.tf")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, filepath.Join("..", "shared", "cluster.tf"), link)
	root := filepath.Join(dir, "root")
	inv, fs := scanTF(t, filepath.Join(root, "app"), root)
	res, err := Patches(fs, inv, PatchOptions{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 {
		t.Fatalf("%d files, want 1:\n%s", len(res.Files), res.Render("en"))
	}
	if err := res.Files[0].Write(); err != nil {
		t.Fatal(err)
	}
	li, err := os.Lstat(link)
	if err != nil || li.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced (%v, mode %v)", err, li.Mode())
	}
	got, _ := os.ReadFile(filepath.Join(root, "shared", "cluster.tf"))
	if !strings.Contains(string(got), "backtrack_window   = 86400") {
		t.Errorf("the target was not patched:\n%s", got)
	}
}

// TestModuleDefaultRedirectsPerCaller: a module variable default shared by
// an Aurora MySQL and an Aurora PostgreSQL call is set on the MySQL call
// only, never in the module body.
func TestSharedModuleVariableGoesToTheCaller(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join("testdata", "safety", "shared-engine"), dir)
	body := filepath.Join(dir, "modules", "cluster", "main.tf")
	if err := os.WriteFile(body, []byte(`variable "name" {
  type = string
}

variable "engine" {
  type = string
}

variable "backtrack_window" {
  type    = number
  default = 0
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = var.name
  engine             = var.engine
  backtrack_window   = var.engine == "aurora-mysql" ? var.backtrack_window : null
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, fs := scanTF(t, dir, dir)
	res, err := Patches(fs, inv, PatchOptions{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].Path != "main.tf" || !strings.Contains(string(res.Files[0].After), "module \"orders\" {\n  source           = \"./modules/cluster\"\n  name             = \"orders\"\n  engine           = \"aurora-mysql\"\n  backtrack_window = 86400\n}") {
		for _, f := range res.Files {
			t.Logf("%s:\n%s", f.Path, f.After)
		}
		t.Fatalf("want the window on the MySQL call only:\n%s", res.Render("en"))
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks not supported: %v", err)
	}
}

// snapshot returns every file's path, mode and content under dir.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		b.WriteString(p + " " + info.Mode().String() + "\n" + string(data) + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWriteRefusesALinkPlantedAfterTheScan: a file replaced by a symbolic
// link between the patch and the write is not written through.
func TestWriteRefusesALinkPlantedAfterTheScan(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim.tf")
	if err := os.WriteFile(victim, []byte("# not ours\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(dir, "main.tf")
	if err := os.Symlink(victim, abs); err != nil {
		t.Fatal(err)
	}
	fc := FileChange{Path: "main.tf", Abs: abs, Before: []byte("a"), After: []byte("b")}
	if err := fc.Write(); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("write through a planted link: %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "# not ours\n" {
		t.Errorf("the link's target was changed: %q", b)
	}
}
