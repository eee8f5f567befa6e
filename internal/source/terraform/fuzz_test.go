package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// FuzzLoad feeds arbitrary bytes to the loader as the main.tf of a local
// module and as the root module's terraform.tfvars (and, with asJSON,
// terraform.tfvars.json), and requires that Scan never panics and that every
// diagnostic carries a bilingual message. Its seeds include the shapes of
// the evaluation limits (nesting, repetition, for-expression products,
// module self-calls with count, format widths): every input, however it
// is mutated, ends in bounded time with findings instead of a crash.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{
		"multienv/modules/aurora/main.tf", "multienv/envs/prod/main.tf", "foreach/main.tf", "conditional/main.tf",
		"global/main.tf", "serverless/main.tf", "mistakes/main.tf", "suppress/main.tf", "unknowncount/main.tf",
		"syntax/broken.tf", "precedence/main.tf", "remote/missing/main.tf",
	} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	// The shapes of the limits (limits_test.go), at sizes a fuzzer mutates
	// quickly: each must end in a LIMIT_EXCEEDED finding, never a crash.
	f.Add([]byte("locals {\n  x = "+strings.Repeat("[", maxNesting+1)+strings.Repeat("]", maxNesting+1)+"\n}\n"), false)
	f.Add([]byte("locals {\n  x = "+strings.Repeat("!", maxNesting+1)+"true\n}\n"), false)
	f.Add([]byte(`{"window": `+strings.Repeat("[", maxNesting+1)+strings.Repeat("]", maxNesting+1)+`}`), true)
	f.Add([]byte(localsRepeat(false)["bad/main.tf"]), false)
	f.Add([]byte("locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n"), false)
	f.Add([]byte("module \"self\" {\n  source = \"./\"\n  count = 100\n}\n"), false)
	f.Add([]byte("locals {\n  x = format(\"%01000000000d\", 1)\n}\n"), false)
	f.Add([]byte("window = 72\nclusters = { a = { backtrack_window = \"x\" } }\n"), true)
	f.Add([]byte(`{"window": [1, 2], "env": null}`), true)
	// One worker: goroutine scheduling would make coverage differ between
	// runs of the same input and mislead the fuzzer.
	sequential = true
	f.Cleanup(func() { sequential = false })
	f.Fuzz(func(t *testing.T, src []byte, asJSON bool) {
		dir := t.TempDir()
		mod := filepath.Join(dir, "modules", "m")
		if err := os.MkdirAll(mod, 0o755); err != nil {
			t.Fatal(err)
		}
		caller := `
variable "window" {}
variable "env" {
  default = "prod"
}
variable "clusters" {
  default = {}
}
module "m" {
  source   = "./modules/m"
  for_each = { one = var.window }
  window   = each.value
  env      = var.env
}
resource "aws_rds_cluster" "c" {
  for_each         = var.clusters
  engine           = "aurora-mysql"
  backtrack_window = try(each.value.backtrack_window, var.window)
}
`
		// The same bytes are the called module's main.tf and the root's
		// terraform.tfvars (and terraform.tfvars.json): one execution fuzzes
		// both loaders.
		files := map[string][]byte{
			filepath.Join(mod, "main.tf"):          src,
			filepath.Join(dir, "main.tf"):          []byte(caller),
			filepath.Join(dir, "terraform.tfvars"): src,
		}
		if asJSON {
			files[filepath.Join(dir, "terraform.tfvars.json")] = src
		}
		for p, b := range files {
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		inv := Scan([]string{dir}, Options{Root: dir, Vars: []string{"window=86400"}})
		if logPath := os.Getenv("KUMOGUARD_FUZZ_LOG"); logPath != "" {
			// Go counts only some executions in its "execs" figure (inputs whose
			// coverage differs between runs are re-run for minimization); this
			// log counts every one.
			if f, err := os.OpenFile(logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
				fmt.Fprintf(f, "%d %v\n", len(src), asJSON)
				f.Close()
			}
		}
		for _, d := range inv.Diagnostics {
			if d.Message.EN == "" || d.Message.JA == "" {
				t.Fatalf("diagnostic without a bilingual message: %+v", d)
			}
			if d.Reason == model.ReasonLimitExceeded && (d.Status != model.StatusError || d.Location.File == "") {
				t.Fatalf("a limit finding must be an ERROR at a file: %+v", d)
			}
		}
		for _, c := range inv.Clusters {
			if c.Address == "" || c.Location.File == "" {
				t.Fatalf("cluster without address or location: %+v", c)
			}
		}
	})
}
