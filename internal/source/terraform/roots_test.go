package terraform

import (
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestWindowLeadsToTheRoot: a shared module's window that each environment
// sets its own way leads, for each root, to where that root sets it (its
// call argument, its tfvars, its variable default, its module call when the
// module's default applies, its local when an expression computes it), and
// the chain keeps the module's side.
func TestWindowLeadsToTheRoot(t *testing.T) {
	inv := Scan([]string{"testdata/environments"}, Options{Root: "testdata"})
	if len(inv.Diagnostics) > 0 {
		t.Fatalf("diagnostics: %+v", inv.Diagnostics)
	}
	const use = "environments/modules/aurora/main.tf"
	tests := []struct {
		root, addr string
		value      int64
		where      model.Location
		kinds      []model.OriginKind
		expression string // of the step an expression computes
	}{
		{root: "environments/envs/dev", addr: "module.db.aws_rds_cluster.this", value: 72,
			where: at("environments/envs/dev/main.tf", 9, 22, 9, 24),
			kinds: []model.OriginKind{model.OriginAttribute, model.OriginModuleArgument}},
		{root: "environments/envs/stg", addr: "module.db.aws_rds_cluster.this", value: 600,
			where: at("environments/envs/stg/terraform.tfvars", 2, 10, 2, 13),
			kinds: []model.OriginKind{model.OriginAttribute, model.OriginModuleArgument, model.OriginVarFile}},
		{root: "environments/envs/prod", addr: "module.db.aws_rds_cluster.this", value: 1800,
			where: at("environments/envs/prod/prod.auto.tfvars", 2, 10, 2, 14),
			kinds: []model.OriginKind{model.OriginAttribute, model.OriginModuleArgument, model.OriginVarFile}},
		{root: "environments/envs/perf", addr: "module.db.aws_rds_cluster.this", value: 900,
			where: at("environments/envs/perf/main.tf", 7, 13, 7, 16),
			kinds: []model.OriginKind{model.OriginAttribute, model.OriginModuleArgument, model.OriginVariableDefault}},
		{root: "environments/envs/qa", addr: "module.db.aws_rds_cluster.this", value: 3600,
			where: at("environments/envs/qa/main.tf", 5, 1, 5, 12),
			kinds: []model.OriginKind{model.OriginAttribute, model.OriginModuleCall, model.OriginVariableDefault}},
		{root: "environments/envs/sbx", addr: "module.db.aws_rds_cluster.this", value: 7200,
			where:      at("environments/envs/sbx/main.tf", 10, 12, 10, 28),
			kinds:      []model.OriginKind{model.OriginAttribute, model.OriginModuleArgument, model.OriginLocal, model.OriginVarFile},
			expression: "var.hours * 3600"},
		// root → stack → aurora: the stack's own default, which the root's
		// call of the stack leaves unset, leads to that call in the root.
		{root: "environments/envs/nested", addr: "module.app.module.primary.aws_rds_cluster.this", value: 7200,
			where: at("environments/envs/nested/main.tf", 5, 1, 5, 13),
			kinds: []model.OriginKind{model.OriginAttribute, model.OriginModuleArgument, model.OriginModuleCall, model.OriginVariableDefault}},
		// The aurora default, left unset by a call inside the stack: the
		// call the chain leads to is in the shared stack module.
		{root: "environments/envs/nested", addr: "module.app.module.reporting.aws_rds_cluster.this", value: 3600,
			where: at("environments/modules/stack/main.tf", 19, 1, 19, 19),
			kinds: []model.OriginKind{model.OriginAttribute, model.OriginModuleCall, model.OriginVariableDefault}},
	}
	for _, tt := range tests {
		t.Run(tt.root+"/"+tt.addr, func(t *testing.T) {
			v := cluster(t, inv, tt.root, tt.addr).BacktrackWindow
			if got, ok := v.Get(); !ok || got != tt.value {
				t.Fatalf("window = %+v, want known %d", v, tt.value)
			}
			if v.Where != tt.where {
				t.Errorf("where = %s, want %s", v.Where, tt.where)
			}
			var kinds []model.OriginKind
			expr := ""
			for _, o := range v.Provenance {
				kinds = append(kinds, o.Kind)
				if o.Expression != "" {
					expr = o.Expression
				}
			}
			if len(kinds) != len(tt.kinds) {
				t.Fatalf("provenance %v, want %v", kinds, tt.kinds)
			}
			for i := range kinds {
				if kinds[i] != tt.kinds[i] {
					t.Fatalf("provenance %v, want %v", kinds, tt.kinds)
				}
			}
			if v.Provenance[0].Location.File != use {
				t.Errorf("the chain starts at %s, want the module's use in %s", v.Provenance[0].Location, use)
			}
			if expr != tt.expression {
				t.Errorf("expression = %q, want %q", expr, tt.expression)
			}
		})
	}
}

// TestWindowFromAVarFileFlag: a --var-file given for one environment is
// where that environment's window leads.
func TestWindowFromAVarFileFlag(t *testing.T) {
	inv := Scan([]string{"testdata/environments/envs/stg"}, Options{Root: "testdata",
		VarFiles: []string{"testdata/environments/envs/stg/release.tfvars"}})
	v := cluster(t, inv, "environments/envs/stg", "module.db.aws_rds_cluster.this").BacktrackWindow
	if got, ok := v.Get(); !ok || got != 43200 {
		t.Fatalf("window = %+v, want known 43200", v)
	}
	if want := at("environments/envs/stg/release.tfvars", 2, 10, 2, 15); v.Where != want {
		t.Errorf("where = %s, want %s", v.Where, want)
	}
}
