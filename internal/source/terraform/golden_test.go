package terraform

import (
	"path/filepath"
	"testing"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestGolden scans each fixture and compares the whole inventory (values,
// states, locations, provenance, diagnostics) with its golden file.
func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		opts  Options
	}{
		{name: "multienv", paths: []string{"multienv"}},
		{name: "multienv_prod_only", paths: []string{"multienv/envs/prod"}},
		{name: "foreach", paths: []string{"foreach"}},
		{name: "conditional_unset", paths: []string{"conditional"}},
		{name: "conditional_prod", paths: []string{"conditional"}, opts: Options{Vars: []string{"env=prod"}}},
		{name: "conditional_staging_env", paths: []string{"conditional"}, opts: Options{Env: []string{"PATH=/bin", "TF_VAR_env=staging"}}},
		{name: "global", paths: []string{"global"}},
		{name: "serverless", paths: []string{"serverless"}},
		{name: "postgres", paths: []string{"postgres"}},
		{name: "mistakes", paths: []string{"mistakes"}},
		{name: "remote_installed", paths: []string{"remote/installed"}},
		{name: "remote_missing", paths: []string{"remote/missing"}},
		{name: "syntax", paths: []string{"syntax"}},
		{name: "suppress", paths: []string{"suppress"}},
		{name: "unknowncount", paths: []string{"unknowncount"}},
		{name: "precedence", paths: []string{"precedence"}, opts: Options{
			VarFiles: []string{"testdata/precedence/extra.tfvars"},
			Vars:     []string{"f=6"},
			Env:      []string{"TF_VAR_a=7", "TF_VAR_b=8"},
		}},
		{name: "json", paths: []string{"json"}},
		{name: "badtfvars", paths: []string{"badtfvars"}},
		{name: "nested", paths: []string{"nested"}},
		{name: "localmissing", paths: []string{"localmissing"}},
		{name: "overrides", paths: []string{"overrides"}},
		{name: "tofu", paths: []string{"tofu"}},
		{name: "workspace_selected", paths: []string{"workspace"}},
		{name: "workspace_env", paths: []string{"workspace"}, opts: Options{Env: []string{"TF_WORKSPACE=staging"}}},
		{name: "cycle", paths: []string{"cycle"}},
		{name: "environments", paths: []string{"environments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.Root = "testdata"
			var paths []string
			for _, p := range tt.paths {
				paths = append(paths, filepath.Join("testdata", p))
			}
			testenv.Golden(t, filepath.Join("testdata", "golden", tt.name+".golden"), []byte(testenv.RenderInventory(Scan(paths, o))))
		})
	}
}
