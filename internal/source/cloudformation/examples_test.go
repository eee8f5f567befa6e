package cloudformation

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

const examplesRoot = "../../../examples/cloudformation"

// templatesUnder lists the files under dir that IsTemplate accepts, the way
// the CLI finds them.
func templatesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(filepath.Join(examplesRoot, dir), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		if data, err := os.ReadFile(p); err == nil && IsTemplate(data) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// TestExamplesGolden scans the README's examples (a multi-environment
// template with parameter files, nested stacks, a SAM application and a CDK
// synth output) and compares the inventory and the verdicts with golden
// files (go test -update rewrites them).
func TestExamplesGolden(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		o    Options
	}{
		{name: "multi-env-no-parameters", dir: "multi-env"},
		{name: "multi-env-prod", dir: "multi-env", o: Options{ParameterFiles: []string{"multi-env/params/prod.json"}, Region: "ap-northeast-1"}},
		{name: "multi-env-dev", dir: "multi-env", o: Options{ParameterFiles: []string{"multi-env/params/dev.json"}, Parameters: []string{"EngineVersion=8.0.mysql_aurora.3.10.0"}, Region: "us-east-1"}},
		{name: "nested", dir: "nested"},
		{name: "nested-dev", dir: "nested", o: Options{Parameters: []string{"Env=dev"}}},
		{name: "sam", dir: "sam"},
		{name: "cdk", dir: "cdk.out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := templatesUnder(t, tt.dir)
			o := tt.o
			o.Root = examplesRoot
			for i, f := range o.ParameterFiles {
				o.ParameterFiles[i] = filepath.Join(examplesRoot, f)
			}
			inv := Scan(files, o)
			var b strings.Builder
			b.WriteString(dumpInventory(inv))
			b.WriteString("-- findings --\n")
			for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: evalTime}) {
				fmt.Fprintf(&b, "%s %s %s %s @%s\n  %s\n", f.RuleID, f.Resource.Address, f.Status, f.Reason, f.Location, f.Message.EN)
				for _, n := range f.Notes {
					fmt.Fprintf(&b, "  note: %s\n", n.EN)
				}
			}
			got := strings.ReplaceAll(b.String(), "../../../examples/cloudformation/", "")
			testenv.Golden(t, filepath.Join("testdata", "golden", tt.name+".txt"), []byte(got))
		})
	}
}
