package fix

import (
	"fmt"
	"os/exec"

	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/source/cloudformation"
	"github.com/kumoguard/kumoguard/internal/source/terraform"
	"github.com/kumoguard/kumoguard/internal/source/tfplan"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// scanCase loads a fixture directory with the real sources, the way
// `kumoguard scan iac` does, and evaluates it with the real policy.
func scanCase(t testing.TB, dir string, min int64) (model.Inventory, []model.Finding) {
	t.Helper()
	var inv model.Inventory
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	hasTF := false
	var templates []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
		case strings.HasSuffix(e.Name(), ".tf"):
			hasTF = true
		case strings.HasSuffix(e.Name(), ".json") || strings.HasSuffix(e.Name(), ".yaml"):
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if tfplan.IsPlan(data) {
				inv.Merge(tfplan.Load(p, data, tfplan.Options{Root: dir}))
			} else if cloudformation.IsTemplate(data) {
				templates = append(templates, p)
			}
		}
	}
	if hasTF {
		inv.Merge(terraform.Scan([]string{dir}, terraform.Options{Root: dir}))
	}
	if len(templates) > 0 {
		inv.Merge(cloudformation.Scan(templates, cloudformation.Options{Root: dir}))
	}
	return inv, policy.Evaluate(inv, policy.Options{MinWindowSeconds: min})
}

func golden(t *testing.T, path, got string) { testenv.Golden(t, path, []byte(got)) }

func TestPatchFixturesRescanToPass(t *testing.T) {
	cases := []struct {
		name      string
		files     int  // files changed
		refusals  int  // findings refused
		passAfter bool // every KG-BT-001/002 finding passes after the fix
	}{
		{"tf-absent", 1, 0, true},
		{"tf-attribute", 1, 0, true},
		{"tf-likely-hours", 1, 0, true},
		{"tf-variable-default", 1, 0, true},
		{"tf-tfvars", 1, 0, true},
		{"tf-local", 1, 0, true},
		{"tf-module-argument", 1, 0, true},
		{"tf-quoted", 1, 0, true},
		{"tf-out-of-range", 1, 0, true},
		{"tf-plan-existing", 0, 1, false},
		{"cfn-yaml-absent", 1, 0, true},
		{"cfn-yaml-parameter", 1, 0, true},
		{"cfn-json-absent", 1, 0, true},
		{"cfn-json-value", 1, 0, true},
		{"tf-tfvars-json", 1, 0, true},
		{"cfn-json-parameter", 1, 0, true},
		{"cfn-yaml-flow", 1, 0, true},
		{"tf-count", 1, 0, true},
		{"tf-shared-variable", 1, 0, true},
		{"tf-module-default", 1, 0, true},
		{"tf-secrets", 1, 0, true},
		{"tf-secrets-tfvars", 1, 0, true},
		{"cfn-secrets", 1, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			testenv.CopyTree(t, filepath.Join("testdata", "patch", tc.name), dir)
			fmtCleanBefore := strings.HasPrefix(tc.name, "tf-") && terraformFmtClean(t, dir)
			inv, fs := scanCase(t, dir, model.DefaultMinWindowSeconds)
			res, err := Patches(fs, inv, PatchOptions{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Files) != tc.files || len(res.Refusals) != tc.refusals {
				t.Fatalf("%d files, %d refusals; want %d, %d:\n%s", len(res.Files), len(res.Refusals), tc.files, tc.refusals, res.Render("en"))
			}
			for _, lang := range []string{"en", "ja"} {
				out := res.Render(lang)
				for _, secret := range fixtureSecrets {
					if strings.Contains(out, secret) {
						t.Errorf("the %s output shows a secret:\n%s", lang, out)
					}
				}
				golden(t, filepath.Join("testdata", "patch", tc.name+"."+lang+".diff"), out)
			}
			// The printed diff applies with the real git apply and patch -p1.
			applyWithTools(t, filepath.Join("testdata", "patch", tc.name), res)
			for _, fc := range res.Files {
				// The diff's hunks are exact: applying them gives the patched file.
				d := unifiedDiff("a/"+fc.Path, "b/"+fc.Path, fc.Before, lineEdits(fc.Before, fc.edits), 3)
				got, err := applyUnified(d, string(fc.Before))
				if err != nil || got != string(fc.After) {
					t.Errorf("the diff does not reproduce the patched file (%v):\n%s", err, d)
				}
				if err := fc.Write(); err != nil {
					t.Fatal(err)
				}
				if strings.Count(string(fc.After), "\n") < strings.Count(string(fc.Before), "\n") {
					t.Errorf("%s lost lines", fc.Path)
				}
			}
			// What fix writes passes `terraform fmt -check` when the code did.
			if fmtCleanBefore && !terraformFmtClean(t, dir) {
				out, _ := exec.Command("terraform", "fmt", "-check", "-diff", "-recursive", dir).CombinedOutput()
				t.Errorf("the patched files fail terraform fmt -check:\n%s", out)
			}
			inv2, fs2 := scanCase(t, dir, model.DefaultMinWindowSeconds)
			if tc.passAfter {
				n := 0
				for _, f := range fs2 {
					if f.RuleID != "KG-BT-001" && f.RuleID != "KG-BT-002" {
						continue
					}
					n++
					if f.Status != model.StatusPass {
						t.Errorf("after the fix %s %s is %s %s: %s", f.RuleID, f.Resource.Address, f.Status, f.Reason, f.Message.EN)
					}
				}
				if n == 0 {
					t.Error("no findings after the fix")
				}
			}
			// Running it twice changes nothing.
			res2, err := Patches(fs2, inv2, PatchOptions{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			if len(res2.Files) != 0 {
				t.Errorf("second run changes files again:\n%s", res2.Render("en"))
			}
		})
	}
}

// fixtureSecrets are the secret values written in the fixtures: no output
// may show them.
var fixtureSecrets = []string{"correct-horse-battery-staple", "do-not-print-me", "hunter2",
	"sensitive-default-login", "pwd-literal-secret", "admin-pass-secret", "heredoc-password-secret",
	"tfvars-sensitive-login", "noecho-default-login", "cfn-literal-password"}

// applyWithTools applies the diff kumoguard prints to a fresh copy of the
// fixture with the real git apply and GNU patch -p1, and checks each file
// whose changes are all printed comes out exactly as fix would write it.
func applyWithTools(t *testing.T, fixture string, res Result) {
	t.Helper()
	out := res.Render("en")
	if !strings.Contains(out, "\n--- a/") && !strings.HasPrefix(out, "--- a/") {
		return
	}
	for _, tool := range [][]string{{"git", "apply", "--verbose"}, {"patch", "-p1", "--batch", "--no-backup-if-mismatch"}} {
		if _, err := exec.LookPath(tool[0]); err != nil {
			t.Logf("%s not on PATH: not checked", tool[0])
			continue
		}
		dir := t.TempDir()
		testenv.CopyTree(t, fixture, dir)
		if tool[0] == "git" {
			if b, err := exec.Command("git", "-C", dir, "init", "-q").CombinedOutput(); err != nil {
				t.Fatalf("git init: %v\n%s", err, b)
			}
		}
		cmd := exec.Command(tool[0], tool[1:]...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(out)
		if b, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(b), "fuzz") {
			t.Errorf("%s does not apply the printed diff cleanly (%v):\n%s\n%s", strings.Join(tool, " "), err, b, out)
			continue
		}
		for _, fc := range res.Files {
			if strings.Contains(fc.Diff("en"), "is next to a secret value") {
				continue
			}
			got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(fc.Path)))
			if err != nil || string(got) != string(fc.After) {
				t.Errorf("%s: %s after applying the diff differs from what fix writes (%v):\n%s", tool[0], fc.Path, err, got)
			}
		}
	}
}

func TestMaskSecrets(t *testing.T) {
	cases := map[string]string{
		`  master_password    = "s3cr3t"`:                    `  master_password    = "********"`,
		`      MasterUserPassword: hunter2`:                  `      MasterUserPassword: "********"`,
		`        "MasterUserPassword": "x\"y", "A": 1`:       `        "MasterUserPassword": "********", "A": 1`,
		` db_password = "do-not-print-me" # prod`:            ` db_password = "********" # prod`,
		`  backtrack_window   = 86400`:                       `  backtrack_window   = 86400`,
		`  pwd = "x1"`:                                       `  pwd = "********"`,
		`  admin_pass = "x2"`:                                `  admin_pass = "********"`,
		`{"Engine":"aurora-mysql","MasterUserPassword":"p"}`: `{"Engine":"aurora-mysql","MasterUserPassword":"********"}`,
	}
	for in, want := range cases {
		if got := MaskSecrets(in); got != want {
			t.Errorf("MaskSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnifiedDiffHunkNumbers(t *testing.T) {
	var src strings.Builder
	for i := 1; i <= 30; i++ {
		src.WriteString("line " + itoa(int64(i)) + "\n")
	}
	s := []byte(src.String())
	a, _ := offsetOf(s, 2, 1)
	b, _ := offsetOf(s, 25, 1)
	edits := []edit{{start: a, end: a + len("line 2"), text: "LINE 2"}, {start: b, end: b, text: "new\n"}}
	after, err := applyEdits(s, edits)
	if err != nil {
		t.Fatal(err)
	}
	d := unifiedDiff("a/x", "b/x", s, lineEdits(s, edits), 3)
	for _, want := range []string{"@@ -1,5 +1,5 @@", "@@ -22,6 +22,7 @@", "-line 2\n+LINE 2\n", "+new\n"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	got, err := applyUnified(d, string(s))
	if err != nil || got != string(after) {
		t.Errorf("diff does not apply (%v):\n%s", err, d)
	}
}

// applyUnified applies a unified diff with context, checking every context
// and deleted line against the original: an independent check of the hunks.
func applyUnified(d, before string) (string, error) {
	old := strings.SplitAfter(before, "\n")
	var out []string
	pos := 0
	for _, l := range strings.SplitAfter(d, "\n") {
		switch {
		case l == "" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ "):
		case strings.HasPrefix(l, "@@ "):
			var a, b, c, e int
			if _, err := fmt.Sscanf(l, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &e); err != nil {
				return "", err
			}
			for ; pos < a-1; pos++ {
				out = append(out, old[pos])
			}
			if e > 0 && len(out)+1 != c {
				return "", fmt.Errorf("hunk %q: new start %d, expected %d", l, c, len(out)+1)
			}
		case l[0] == ' ' || l[0] == '-':
			if pos >= len(old) || old[pos] != l[1:] {
				return "", fmt.Errorf("line %d: %q does not match %q", pos+1, l, old[min(pos, len(old)-1)])
			}
			if l[0] == ' ' {
				out = append(out, old[pos])
			}
			pos++
		case l[0] == '+':
			out = append(out, l[1:])
		default:
			return "", fmt.Errorf("unexpected line %q", l)
		}
	}
	out = append(out, old[pos:]...)
	return strings.Join(out, ""), nil
}

func TestAttachEditsForSARIF(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join("testdata", "patch", "tf-attribute"), dir)
	inv, fs := scanCase(t, dir, model.DefaultMinWindowSeconds)
	rems := Enrich(fs)
	res, err := Patches(fs, inv, PatchOptions{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	AttachEdits(fs, rems, res)
	n := 0
	for i, f := range fs {
		if f.RuleID != "KG-BT-002" {
			continue
		}
		n++
		if len(rems[i].IaC) != 1 || len(rems[i].IaC[0].Edits) != 1 {
			t.Fatalf("no edit attached: %+v", rems[i].IaC)
		}
		e := rems[i].IaC[0].Edits[0]
		want := model.TextEdit{File: "main.tf", StartLine: 4, StartColumn: 24, EndLine: 4, EndColumn: 28, Insert: "86400"}
		if e != want {
			t.Errorf("edit %+v, want %+v", e, want)
		}
	}
	if n == 0 {
		t.Fatal("no KG-BT-002 finding")
	}
}

func TestForReportAttachesEditsWithoutWriting(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join("testdata", "patch", "cfn-yaml-absent"), dir)
	before, _ := os.ReadFile(filepath.Join(dir, "template.yaml"))
	inv, fs := scanCase(t, dir, model.DefaultMinWindowSeconds)
	rems := ForReport(fs, inv, dir, true)
	found := false
	for i, f := range fs {
		if f.Status == model.StatusFail && len(rems[i].IaC) == 1 && len(rems[i].IaC[0].Edits) == 1 {
			found = true
			if e := rems[i].IaC[0].Edits[0]; e.StartLine != 9 || e.StartLine != e.EndLine || e.StartColumn != e.EndColumn || e.Insert != "      BacktrackWindow: 86400\n" {
				t.Errorf("edit %+v", e)
			}
			if !strings.Contains(f.Remediation.EN, "kumoguard runbook") {
				t.Errorf("remediation text not exact: %s", f.Remediation.EN)
			}
		}
	}
	if !found {
		t.Fatal("no edit attached")
	}
	after, _ := os.ReadFile(filepath.Join(dir, "template.yaml"))
	if string(after) != string(before) {
		t.Error("ForReport wrote a file")
	}
}

// terraformFmtClean runs the real `terraform fmt -check` on dir; false (and
// the check skipped) where terraform is not installed.
func terraformFmtClean(t *testing.T, dir string) bool {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Log("terraform not on PATH: terraform fmt -check not run")
		return false
	}
	cmd := exec.Command("terraform", "fmt", "-check", "-recursive", dir)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
	return cmd.Run() == nil
}

// TestAutomaticMeansApplied: a change marked automatic is one `kumoguard fix`
// really makes; one it refuses (here: the plan shows the cluster exists
// without backtrack) is manual and says why.
func TestAutomaticMeansApplied(t *testing.T) {
	for _, tc := range []struct {
		fixture   string
		automatic bool
	}{{"tf-plan-existing", false}, {"tf-attribute", true}} {
		dir := t.TempDir()
		testenv.CopyTree(t, filepath.Join("testdata", "patch", tc.fixture), dir)
		inv, fs := scanCase(t, dir, model.DefaultMinWindowSeconds)
		rems := ForReport(fs, inv, dir, false)
		seen := 0
		for i, f := range fs {
			if f.Resource.Kind != model.SourceTerraform {
				continue
			}
			for _, ch := range rems[i].IaC {
				seen++
				if ch.Automatic != tc.automatic {
					t.Errorf("%s: %s %s: automatic %v, want %v", tc.fixture, f.RuleID, f.Resource.Address, ch.Automatic, tc.automatic)
				}
				if len(ch.Edits) != 0 {
					t.Errorf("%s: edits attached although not asked for", tc.fixture)
				}
			}
			if !tc.automatic && len(rems[i].IaC) > 0 {
				notes := ""
				for _, n := range rems[i].Notes {
					notes += n.EN
				}
				if !strings.Contains(notes, "kumoguard fix does not make this change") {
					t.Errorf("%s: a refused change must say why: %q", tc.fixture, notes)
				}
			}
		}
		if seen == 0 {
			t.Errorf("%s: no IaC change to check", tc.fixture)
		}
	}
}
