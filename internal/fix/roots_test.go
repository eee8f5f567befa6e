package fix

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/source/terraform"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// environments is a repository whose roots envs/* all call the shared
// module modules/aurora and set its window each their own way.
var environments = filepath.Join("..", "source", "terraform", "testdata", "environments")

// TestFixChangesEachEnvironmentInItsRoot: every environment's window is
// changed in that root's own files (call argument, tfvars, variable
// default, an argument added to its module call); a computed window and a
// default left unset inside the shared stack module are refused with what
// to do; no file of the shared modules changes.
func TestFixChangesEachEnvironmentInItsRoot(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, environments, dir)
	modulesBefore := snapshot(t, filepath.Join(dir, "modules"))
	inv, fs := scanTF(t, dir, dir)
	res, err := Patches(fs, inv, PatchOptions{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, fc := range res.Files {
		files = append(files, fc.Path)
	}
	want := []string{"envs/dev/main.tf", "envs/nested/main.tf", "envs/perf/main.tf", "envs/prod/prod.auto.tfvars",
		"envs/qa/main.tf", "envs/stg/terraform.tfvars"}
	if strings.Join(files, " ") != strings.Join(want, " ") {
		t.Fatalf("changed %v, want %v:\n%s", files, want, res.Render("en"))
	}
	refusals := map[string]string{}
	for _, r := range res.Refusals {
		refusals[r.Location.File] = r.Why.EN + "\n" + r.Why.JA
	}
	for file, words := range map[string][]string{
		// The input of var.hours * 3600, where sbx sets it.
		"envs/sbx/terraform.tfvars": {"var.hours * 3600", "set hours = 24 in envs/sbx/terraform.tfvars", "hours = 24 にします"},
		// The aurora default, left unset by a call inside the stack module.
		"modules/stack/main.tf": {"inside a module shared by every root", "共有されるモジュールの中"},
	} {
		got, ok := refusals[file]
		if !ok {
			t.Errorf("no refusal at %s; refusals: %v", file, refusals)
			continue
		}
		for _, w := range words {
			if !strings.Contains(got, w) {
				t.Errorf("refusal at %s does not say %q:\n%s", file, w, got)
			}
		}
	}
	if len(res.Refusals) != 2 {
		t.Errorf("%d refusals, want 2:\n%s", len(res.Refusals), res.Render("en"))
	}
	for _, lang := range []string{"en", "ja"} {
		golden(t, filepath.Join("testdata", "patch", "environments."+lang+".diff"), res.Render(lang))
	}
	applyWithTools(t, environments, res)
	for _, fc := range res.Files {
		if err := fc.Write(); err != nil {
			t.Fatal(err)
		}
	}
	if got := snapshot(t, filepath.Join(dir, "modules")); got != modulesBefore {
		t.Errorf("a shared module changed:\n%s", got)
	}
	inv2, fs2 := scanTF(t, dir, dir)
	for _, f := range fs2 {
		if f.RuleID != "KG-BT-002" {
			continue
		}
		stays := f.Resource.Root == "envs/sbx" || f.Resource.Address == "module.app.module.reporting.aws_rds_cluster.this"
		if (f.Status == model.StatusPass) == stays {
			t.Errorf("after the fix %s %s is %s", f.Resource.Root, f.Resource.Address, f.Status)
		}
	}
	if res2, _ := Patches(fs2, inv2, PatchOptions{Root: dir}); len(res2.Files) != 0 {
		t.Errorf("a second run changes files again:\n%s", res2.Render("en"))
	}
}

// TestFixOneEnvironment: scanning one environment of the repository changes
// that environment's file only; every other file stays byte for byte.
func TestFixOneEnvironment(t *testing.T) {
	tests := []struct {
		env  string
		file string // the one file changed, "" for none
	}{
		{"envs/dev", "envs/dev/main.tf"},
		{"envs/stg", "envs/stg/terraform.tfvars"},
		{"envs/prod", "envs/prod/prod.auto.tfvars"},
		{"envs/qa", "envs/qa/main.tf"},
		{"envs/perf", "envs/perf/main.tf"},
		{"envs/nested", "envs/nested/main.tf"},
		{"envs/sbx", ""},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			dir := t.TempDir()
			testenv.CopyTree(t, environments, dir)
			before := files(t, dir)
			inv, fs := scanTF(t, filepath.Join(dir, filepath.FromSlash(tt.env)), dir)
			res, err := Patches(fs, inv, PatchOptions{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			for _, fc := range res.Files {
				if err := fc.Write(); err != nil {
					t.Fatal(err)
				}
			}
			after := files(t, dir)
			var changed []string
			for p, b := range before {
				if after[p] != b {
					changed = append(changed, p)
				}
			}
			sort.Strings(changed)
			want := []string{}
			if tt.file != "" {
				want = []string{tt.file}
			}
			if strings.Join(changed, " ") != strings.Join(want, " ") {
				t.Errorf("changed %v, want %v:\n%s", changed, want, res.Render("en"))
			}
		})
	}
}

// files maps every file under dir (relative, forward slashes) to its content.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestInputOfAnExpression: the value an expression's one input needs for
// the expression to give the target window.
func TestInputOfAnExpression(t *testing.T) {
	tests := []struct {
		expr   string
		target int64
		ref    string
		x      int64
		gives  int64
		ok     bool
	}{
		{"var.hours * 3600", 86400, "var.hours", 24, 86400, true},
		{"3600 * var.hours", 259200, "var.hours", 72, 259200, true},
		{"(var.h + 1) * 3600", 86400, "var.h", 23, 86400, true},
		{"var.minutes * 60", 86400, "var.minutes", 1440, 86400, true},
		{"var.days * 86400", 86400, "var.days", 1, 86400, true},
		{"var.w / 2", 86400, "var.w", 172800, 86400, true},
		{"local.cfg.hours * 3600 + 0", 86400, "local.cfg.hours", 24, 86400, true},
		{"var.h * 7000", 86400, "var.h", 13, 91000, true},      // the smallest whole value that reaches it
		{"var.h * 100000", 259200, "var.h", 0, 0, false},       // 3 would give more than AWS accepts
		{"var.h * var.h", 86400, "", 0, 0, false},              // not a sum or product of one input
		{"max(var.h, 1) * 3600", 86400, "", 0, 0, false},       // a function
		{"var.a * 3600 + var.b", 86400, "", 0, 0, false},       // two inputs
		{"-var.h * 3600", 86400, "", 0, 0, false},              // a larger input gives less
		{"var.enabled ? 3600 : 0", 86400, "", 0, 0, false},     // a condition
		{"var.h * 3600 +", 86400, "", 0, 0, false},             // not an expression
		{"var.hours[\"prod\"] * 3600", 86400, "", 0, 0, false}, // an index
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			ref, f, ok := affineOf(tt.expr)
			if ok {
				var x, g int64
				x, g, ok = f.inputFor(tt.target)
				if ok && (x != tt.x || g != tt.gives) {
					t.Errorf("input %d gives %d, want %d gives %d", x, g, tt.x, tt.gives)
				}
			}
			if ok != tt.ok || (ok && ref != tt.ref) {
				t.Errorf("ref %q ok %v, want %q %v", ref, ok, tt.ref, tt.ok)
			}
		})
	}
}

// TestComputedWindowText: a window an expression computes is never written
// by fix; the remediation names the input and its value where it can, and
// otherwise says what the expression must give, in both languages.
func TestComputedWindowText(t *testing.T) {
	use := model.Origin{Kind: model.OriginAttribute, Name: "backtrack_window", Location: model.Location{File: "modules/aurora/main.tf", Line: 8, Column: 25}}
	local := func(expr string) model.Origin {
		return model.Origin{Kind: model.OriginLocal, Name: "window", Expression: expr, Location: model.Location{File: "envs/x/main.tf", Line: 10, Column: 12}}
	}
	tests := []struct {
		name string
		prov []model.Origin
		want []string // in EN, then JA
	}{
		{"tfvars", []model.Origin{use, local("var.hours * 3600"), {Kind: model.OriginVarFile, Name: "hours", Location: model.Location{File: "envs/x/terraform.tfvars", Line: 3, Column: 9}}},
			[]string{"set hours = 24 in envs/x/terraform.tfvars (line 3)", "envs/x/terraform.tfvars（3 行目）で hours = 24 にします"}},
		{"root variable default", []model.Origin{use, local("var.hours * 3600"), {Kind: model.OriginVariableDefault, Name: "hours", Location: model.Location{File: "envs/x/main.tf", Line: 3, Column: 13}}},
			[]string{`set the default of variable "hours" to 24 (envs/x/main.tf:3:13)`, `変数 "hours" の既定値を 24 にします`}},
		{"command line", []model.Origin{use, local("var.hours * 3600"), {Kind: model.OriginVarFlag, Name: "hours"}},
			[]string{"pass --var hours=24", "--var hours=24 を渡します"}},
		{"module default left unset", []model.Origin{use, local("var.hours * 3600"),
			{Kind: model.OriginModuleCall, Name: "hours", Location: model.Location{File: "envs/x/main.tf", Line: 14, Column: 1}},
			{Kind: model.OriginVariableDefault, Name: "hours", Location: model.Location{File: "modules/m/variables.tf", Line: 2, Column: 13}}},
			[]string{"add hours = 24 to the module call (envs/x/main.tf:14:1)", "モジュール呼び出し（envs/x/main.tf:14:1）に hours = 24 を追加します"}},
		{"not a sum or product of one input", []model.Origin{use, local("max(var.hours, 1) * 3600"), {Kind: model.OriginVarFile, Name: "hours", Location: model.Location{File: "envs/x/terraform.tfvars", Line: 3, Column: 9}}},
			[]string{"max(var.hours, 1) * 3600", "it must give 86400 (24h)", "by hand", "86400（24h）になる必要があります"}},
		{"input not traced", []model.Origin{use, local("var.hours * 3600")},
			[]string{"it must give 86400 (24h)", "手作業で"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := model.Finding{Resource: model.Resource{Kind: model.SourceTerraform, Address: "module.db.aws_rds_cluster.this", Root: "envs/x"}, Provenance: tt.prov}
			chs := iacChange(f, 86400)
			if len(chs) != 1 {
				t.Fatalf("%d changes", len(chs))
			}
			ch := chs[0]
			if ch.Automatic {
				t.Error("a computed window is marked automatic: fix never rewrites an expression or its input")
			}
			both := ch.Description.EN + "\n" + ch.Description.JA
			for _, w := range tt.want {
				if !strings.Contains(both, w) {
					t.Errorf("the change does not say %q:\n%s", w, both)
				}
			}
			if strings.Contains(ch.Description.EN, "set it to 86400") {
				t.Errorf("the change tells to write the window into the expression:\n%s", ch.Description.EN)
			}
		})
	}
}

// TestFixVarFileFlag: with --var-file, the file given is what changes for
// that environment; its terraform.tfvars (overridden) and the module stay.
func TestFixVarFileFlag(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, environments, dir)
	before := files(t, dir)
	inv := terraform.Scan([]string{filepath.Join(dir, "envs", "stg")}, terraform.Options{Root: dir,
		VarFiles: []string{filepath.Join(dir, "envs", "stg", "release.tfvars")}})
	fs := policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds})
	res, err := Patches(fs, inv, PatchOptions{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, fc := range res.Files {
		if err := fc.Write(); err != nil {
			t.Fatal(err)
		}
	}
	after := files(t, dir)
	var changed []string
	for p, b := range before {
		if after[p] != b {
			changed = append(changed, p)
		}
	}
	if strings.Join(changed, " ") != "envs/stg/release.tfvars" || !strings.Contains(after["envs/stg/release.tfvars"], "window = 86400") {
		t.Errorf("changed %v, want envs/stg/release.tfvars set to 86400:\n%s", changed, res.Render("en"))
	}
}
