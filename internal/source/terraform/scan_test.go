package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

func scanFixture(t *testing.T, o Options, paths ...string) model.Inventory {
	t.Helper()
	o.Root = "testdata"
	var ps []string
	for _, p := range paths {
		ps = append(ps, filepath.Join("testdata", p))
	}
	return Scan(ps, o)
}

func cluster(t *testing.T, inv model.Inventory, root, addr string) model.Cluster {
	t.Helper()
	for _, c := range inv.Clusters {
		if c.Address == addr && (root == "" || c.Root == root) {
			return c
		}
	}
	var have []string
	for _, c := range inv.Clusters {
		have = append(have, c.Root+":"+c.Address)
	}
	t.Fatalf("no cluster %s in root %q; have %v", addr, root, have)
	return model.Cluster{}
}

func at(file string, line, col, endLine, endCol int) model.Location {
	return model.Location{File: file, Line: line, Column: col, EndLine: endLine, EndColumn: endCol}
}

// TestBacktrackWindow asserts the exact value, state, location and
// provenance of backtrack_window for the patterns teams write.
func TestBacktrackWindow(t *testing.T) {
	type step struct {
		kind model.OriginKind
		name string
		loc  model.Location
	}
	tests := []struct {
		name       string
		fixture    string
		opts       Options
		root, addr string
		state      model.ValueState
		value      int64
		where      model.Location
		why        string // substring of Why.EN
		candidates []int64
		chain      []step
	}{
		{
			name: "staging 72 seconds via tfvars through a module", fixture: "multienv",
			root: "multienv/envs/staging", addr: "module.aurora.aws_rds_cluster.this",
			state: model.Known, value: 72, where: at("multienv/envs/staging/terraform.tfvars", 2, 10, 2, 12),
			chain: []step{
				{model.OriginAttribute, "backtrack_window", at("multienv/modules/aurora/main.tf", 14, 29, 14, 49)},
				{model.OriginModuleArgument, "backtrack_window", at("multienv/envs/staging/main.tf", 14, 22, 14, 32)},
				{model.OriginVarFile, "window", at("multienv/envs/staging/terraform.tfvars", 2, 10, 2, 12)},
			},
		},
		{
			name: "prod hours times 3600 from tfvars", fixture: "multienv",
			root: "multienv/envs/prod", addr: "module.aurora.aws_rds_cluster.this",
			state: model.Known, value: 259200, where: at("multienv/envs/prod/main.tf", 15, 22, 15, 48),
			chain: []step{
				{model.OriginAttribute, "backtrack_window", at("multienv/modules/aurora/main.tf", 14, 29, 14, 49)},
				{model.OriginModuleArgument, "backtrack_window", at("multienv/envs/prod/main.tf", 15, 22, 15, 48)},
				// The expression's one input, where the root sets it.
				{model.OriginVarFile, "backtrack_hours", at("multienv/envs/prod/terraform.tfvars", 1, 19, 1, 21)},
			},
		},
		{
			name: "staging with --var overriding tfvars", fixture: "multienv", opts: Options{Vars: []string{"window=86400"}},
			root: "multienv/envs/staging", addr: "module.aurora.aws_rds_cluster.this",
			state: model.Known, value: 86400, where: at("multienv/envs/staging/main.tf", 14, 22, 14, 32),
			chain: []step{
				{model.OriginAttribute, "backtrack_window", at("multienv/modules/aurora/main.tf", 14, 29, 14, 49)},
				{model.OriginModuleArgument, "backtrack_window", at("multienv/envs/staging/main.tf", 14, 22, 14, 32)},
				{model.OriginVarFlag, "window", model.Location{}},
			},
		},
		{
			name: "for_each over a map: value in the variable default", fixture: "foreach",
			addr: `aws_rds_cluster.db["reports"]`, state: model.Known, value: 72,
			where: at("foreach/main.tf", 13, 26, 13, 28),
			chain: []step{
				{model.OriginAttribute, "backtrack_window", at("foreach/main.tf", 27, 24, 27, 51)},
				{model.OriginAttribute, "for_each", at("foreach/main.tf", 22, 14, 22, 26)},
				{model.OriginVariableDefault, "clusters", at("foreach/main.tf", 13, 26, 13, 28)},
			},
		},
		{
			name: "for_each optional attribute default", fixture: "foreach",
			addr: `aws_rds_cluster.db["search"]`, state: model.Known, value: 86400,
		},
		{
			name: "count index in a conditional", fixture: "foreach",
			addr: "aws_rds_cluster.replica[1]", state: model.Known, value: 0,
			where: at("foreach/main.tf", 34, 51, 34, 52),
		},
		{
			name: "conditional local with unset variable gives both branches", fixture: "conditional",
			addr: "aws_rds_cluster.main", state: model.Unknown, candidates: []int64{259200, 86400},
			where: at("conditional/main.tf", 7, 13, 7, 43),
			why:   `variable "env" has no value: set it with --var env=<value>, a .tfvars file or TF_VAR_env`,
			chain: []step{
				{model.OriginAttribute, "backtrack_window", at("conditional/main.tf", 17, 24, 17, 36)},
				{model.OriginLocal, "window", at("conditional/main.tf", 7, 13, 7, 43)},
			},
		},
		{
			name: "conditional resolved by --var", fixture: "conditional", opts: Options{Vars: []string{"env=prod"}},
			addr: "aws_rds_cluster.main", state: model.Known, value: 259200,
			where: at("conditional/main.tf", 7, 29, 7, 35),
		},
		{
			name: "conditional resolved by TF_VAR_", fixture: "conditional", opts: Options{Env: []string{"TF_VAR_env=staging"}},
			addr: "aws_rds_cluster.main", state: model.Known, value: 86400,
			where: at("conditional/main.tf", 7, 38, 7, 43),
		},
		{
			name: "lookup with unknown key enumerates the map and the default", fixture: "conditional",
			addr: "aws_rds_cluster.by_lookup", state: model.Unknown, candidates: []int64{259200, 3600, 0},
			why: `variable "env" has no value`,
		},
		{
			name: "lookup with a known key points into the local map", fixture: "conditional", opts: Options{Vars: []string{"env=staging"}},
			addr: "aws_rds_cluster.by_lookup", state: model.Known, value: 3600,
			where: at("conditional/main.tf", 10, 15, 10, 19),
		},
		{
			name: "try/coalesce", fixture: "conditional", addr: "aws_rds_cluster.coalesced", state: model.Known, value: 259200,
		},
		{
			name: "string abc is invalid", fixture: "mistakes", addr: "aws_rds_cluster.text", state: model.Invalid,
			where: at("mistakes/main.tf", 8, 22, 8, 27), why: `expected a whole number of seconds, got string "abc"`,
		},
		{
			name: "fraction is invalid", fixture: "mistakes", addr: "aws_rds_cluster.fraction", state: model.Invalid,
			why: "expected a whole number of seconds, got 1.5",
		},
		{name: "out of range stays known", fixture: "mistakes", addr: "aws_rds_cluster.too_big", state: model.Known, value: 300000},
		{name: "negative stays known", fixture: "mistakes", addr: "aws_rds_cluster.negative", state: model.Known, value: -1},
		{name: "quoted number", fixture: "mistakes", addr: "aws_rds_cluster.quoted", state: model.Known, value: 86400},
		{name: "not written", fixture: "mistakes", addr: "aws_rds_cluster.none", state: model.Absent},
		{
			name: "data source is unknown with the reason", fixture: "mistakes", addr: "aws_rds_cluster.from_data", state: model.Unknown,
			why: "data.aws_ssm_parameter.window is a data source",
		},
		{
			name: "remote module installed: null default means not set", fixture: "remote/installed",
			addr: "module.rds.aws_rds_cluster.this[0]", state: model.Known, value: 0,
			where: at("remote/installed/main.tf", 7, 22, 7, 23),
		},
		{name: "precedence: TF_VAR_ over default", fixture: "precedence", opts: precedenceOpts, addr: "aws_rds_cluster.a", state: model.Known, value: 7},
		{name: "precedence: terraform.tfvars over TF_VAR_", fixture: "precedence", opts: precedenceOpts, addr: "aws_rds_cluster.b", state: model.Known, value: 2,
			where: at("precedence/terraform.tfvars", 1, 5, 1, 6)},
		{name: "precedence: tfvars.json over tfvars", fixture: "precedence", opts: precedenceOpts, addr: "aws_rds_cluster.c", state: model.Known, value: 3,
			where: at("precedence/terraform.tfvars.json", 1, 7, 1, 8)},
		{name: "precedence: auto.tfvars over tfvars.json", fixture: "precedence", opts: precedenceOpts, addr: "aws_rds_cluster.d", state: model.Known, value: 4,
			where: at("precedence/a.auto.tfvars", 1, 5, 1, 6)},
		{name: "precedence: --var-file over auto.tfvars", fixture: "precedence", opts: precedenceOpts, addr: "aws_rds_cluster.e", state: model.Known, value: 5,
			where: at("precedence/extra.tfvars", 1, 5, 1, 6)},
		{name: "precedence: --var over everything", fixture: "precedence", opts: precedenceOpts, addr: "aws_rds_cluster.f", state: model.Known, value: 6},
		{name: "tf.json", fixture: "json", addr: "aws_rds_cluster.from_json", state: model.Known, value: 43200,
			where: at("json/main.tf.json", 6, 29, 6, 34)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := scanFixture(t, tt.opts, tt.fixture)
			v := cluster(t, inv, tt.root, tt.addr).BacktrackWindow
			if v.State != tt.state {
				t.Fatalf("state = %s, want %s (why %q)", v.State, tt.state, v.Why.EN)
			}
			if tt.state == model.Known && v.V != tt.value {
				t.Errorf("value = %d, want %d", v.V, tt.value)
			}
			if !tt.where.IsZero() && v.Where != tt.where {
				t.Errorf("where = %+v, want %+v", v.Where, tt.where)
			}
			if tt.why != "" && !strings.Contains(v.Why.EN, tt.why) {
				t.Errorf("why = %q, want it to contain %q", v.Why.EN, tt.why)
			}
			if (v.State == model.Unknown || v.State == model.Invalid) && (v.Why.EN == "" || v.Why.JA == "") {
				t.Errorf("why must be given in both languages: %+v", v.Why)
			}
			if !reflect.DeepEqual(v.Candidates, tt.candidates) {
				t.Errorf("candidates = %v, want %v", v.Candidates, tt.candidates)
			}
			if tt.chain != nil {
				var got []step
				for _, o := range v.Provenance {
					got = append(got, step{o.Kind, o.Name, o.Location})
				}
				if !reflect.DeepEqual(got, tt.chain) {
					t.Errorf("provenance =\n%+v\nwant\n%+v", got, tt.chain)
				}
			}
		})
	}
}

var precedenceOpts = Options{
	VarFiles: []string{"testdata/precedence/extra.tfvars"},
	Vars:     []string{"f=6"},
	Env:      []string{"TF_VAR_a=7", "TF_VAR_b=8"},
}

// TestScope asserts engine, mode, membership and creation facts.
func TestScope(t *testing.T) {
	tests := []struct {
		fixture, addr string
		check         func(t *testing.T, c model.Cluster)
	}{
		{"global", "aws_rds_cluster.primary", func(t *testing.T, c model.Cluster) {
			if c.Engine.V != "aurora-mysql" || c.Engine.Where != at("global/main.tf", 3, 31, 3, 45) {
				t.Errorf("engine from the global cluster's argument: %+v", c.Engine)
			}
			if c.GlobalClusterID.State != model.Known || c.GlobalClusterID.V != "orders-global" {
				t.Errorf("global membership through aws_rds_global_cluster.orders.id: %+v", c.GlobalClusterID)
			}
		}},
		{"global", "aws_rds_cluster.literal_member", func(t *testing.T, c model.Cluster) {
			if c.GlobalClusterID.V != "orders-global" || c.GlobalClusterID.State != model.Known {
				t.Errorf("literal membership: %+v", c.GlobalClusterID)
			}
		}},
		{"global", "aws_rds_cluster.legacy", func(t *testing.T, c model.Cluster) {
			if c.GlobalClusterID.V != "legacy-global" || c.GlobalClusterID.Where != at("global/main.tf", 28, 34, 28, 60) {
				t.Errorf("membership via source_db_cluster_identifier: %+v", c.GlobalClusterID)
			}
		}},
		{"serverless", "aws_rds_cluster.block", func(t *testing.T, c model.Cluster) {
			if v, ok := c.ServerlessV2.Get(); !ok || !v {
				t.Errorf("scaling block: %+v", c.ServerlessV2)
			}
		}},
		{"serverless", "aws_rds_cluster.instances", func(t *testing.T, c model.Cluster) {
			if v, ok := c.ServerlessV2.Get(); !ok || !v || !reflect.DeepEqual(c.InstanceClasses, []string{"db.serverless"}) {
				t.Errorf("db.serverless instances: %+v %v", c.ServerlessV2, c.InstanceClasses)
			}
		}},
		{"serverless", "aws_rds_cluster.v1", func(t *testing.T, c model.Cluster) {
			if c.EngineMode.V != "serverless" || c.ServerlessV2.State != model.Absent {
				t.Errorf("serverless v1: %+v %+v", c.EngineMode, c.ServerlessV2)
			}
		}},
		{"postgres", "aws_rds_cluster.analytics", func(t *testing.T, c model.Cluster) {
			if c.Engine.V != "aurora-postgresql" || c.Name != "analytics" || c.BacktrackWindow.State != model.Absent {
				t.Errorf("postgres: %+v", c)
			}
		}},
		{"mistakes", "aws_rds_cluster.snapshot", func(t *testing.T, c model.Cluster) {
			if c.Creation != model.CreateFromSnapshot || c.CreationSource != "orders-pre-backtrack" {
				t.Errorf("snapshot: %s %q", c.Creation, c.CreationSource)
			}
		}},
		{"mistakes", "aws_rds_cluster.clone", func(t *testing.T, c model.Cluster) {
			if c.Creation != model.CreateClone || c.CreationSource != "aws_rds_cluster.snapshot" {
				t.Errorf("clone: %s %q", c.Creation, c.CreationSource)
			}
		}},
		{"multienv", "module.aurora.aws_rds_cluster.this", func(t *testing.T, c model.Cluster) {
			if c.Location != at("multienv/modules/aurora/main.tf", 8, 1, 8, 34) || c.Type != "aws_rds_cluster" || c.Source != model.SourceTerraform {
				t.Errorf("identity: %+v %s %s", c.Location, c.Type, c.Source)
			}
			if !reflect.DeepEqual(c.InstanceClasses, []string{"db.r6g.large"}) {
				t.Errorf("instance classes: %v", c.InstanceClasses)
			}
		}},
		{"unknowncount", "aws_rds_cluster.per_region", func(t *testing.T, c model.Cluster) {
			if !c.CountExpansionUnknown || len(c.Notes) != 1 || !strings.Contains(c.Notes[0].EN, `variable "regions" has no value`) || c.Notes[0].JA == "" {
				t.Errorf("unresolved count: %v %+v", c.CountExpansionUnknown, c.Notes)
			}
		}},
		{"unknowncount", "aws_rds_cluster.listed", func(t *testing.T, c model.Cluster) {
			if !c.CountExpansionUnknown || !strings.Contains(c.Notes[0].EN, "must be a map or a set of strings") {
				t.Errorf("list for_each: %+v", c.Notes)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"/"+tt.addr, func(t *testing.T) {
			tt.check(t, cluster(t, scanFixture(t, Options{}, tt.fixture), "", tt.addr))
		})
	}
}

// TestDiagnostics asserts input problems become diagnostics while the rest is scanned.
func TestDiagnostics(t *testing.T) {
	t.Run("syntax error keeps the other file", func(t *testing.T) {
		inv := scanFixture(t, Options{}, "syntax")
		if len(inv.Diagnostics) != 1 {
			t.Fatalf("diagnostics = %+v", inv.Diagnostics)
		}
		d := inv.Diagnostics[0]
		if d.Status != model.StatusError || d.Reason != model.ReasonParseError || d.Location.String() != "syntax/broken.tf:3:22" ||
			!strings.Contains(d.Message.EN, "Expected the start of an expression") || d.Message.JA == "" {
			t.Errorf("diagnostic = %+v", d)
		}
		cluster(t, inv, "", "aws_rds_cluster.ok")
		if len(inv.Clusters) != 1 {
			t.Errorf("clusters = %d", len(inv.Clusters))
		}
	})
	t.Run("remote module not installed: one UNKNOWN", func(t *testing.T) {
		inv := scanFixture(t, Options{}, "remote/missing")
		if len(inv.Diagnostics) != 1 {
			t.Fatalf("diagnostics = %+v", inv.Diagnostics)
		}
		d := inv.Diagnostics[0]
		if d.Status != model.StatusUnknown || d.Reason != model.ReasonModuleNotInstalled || d.Resource.Address != "module.rds" ||
			!strings.Contains(d.Message.EN, "terraform-aws-modules/rds-aurora/aws") || !strings.Contains(d.Remediation.EN, "terraform init") ||
			!strings.Contains(d.Remediation.JA, "terraform init") || d.Location.String() != "remote/missing/main.tf:1:1" {
			t.Errorf("diagnostic = %+v", d)
		}
		cluster(t, inv, "", "aws_rds_cluster.local")
	})
	t.Run("malformed suppression", func(t *testing.T) {
		inv := scanFixture(t, Options{}, "suppress")
		if len(inv.Diagnostics) != 1 || inv.Diagnostics[0].Location.String() != "suppress/main.tf:13:1" ||
			!strings.Contains(inv.Diagnostics[0].Message.EN, "has no reason") {
			t.Fatalf("diagnostics = %+v", inv.Diagnostics)
		}
		cluster(t, inv, "", "aws_rds_cluster.bad_directive")
	})
	t.Run("unreadable file keeps the others", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("resource \"aws_rds_cluster\" \"a\" {\n  engine = \"aurora-mysql\"\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(dir, "gone.tf"), filepath.Join(dir, "broken.tf")); err != nil {
			t.Skip(err)
		}
		inv := Scan([]string{dir}, Options{Root: dir})
		if len(inv.Diagnostics) != 1 || inv.Diagnostics[0].Reason != model.ReasonReadError || inv.Diagnostics[0].Location.File != "broken.tf" ||
			inv.Diagnostics[0].Status != model.StatusError {
			t.Fatalf("diagnostics = %+v", inv.Diagnostics)
		}
		cluster(t, inv, "", "aws_rds_cluster.a")
	})
	t.Run("bad tfvars", func(t *testing.T) {
		inv := scanFixture(t, Options{}, "badtfvars")
		var locs []string
		for _, d := range inv.Diagnostics {
			if d.Status != model.StatusError || d.Reason != model.ReasonParseError {
				t.Errorf("diagnostic = %+v", d)
			}
			locs = append(locs, d.Location.String())
		}
		if !reflect.DeepEqual(locs, []string{"badtfvars/a.auto.tfvars:1:10", "badtfvars/x.auto.tfvars:1:10"}) {
			t.Errorf("diagnostics at %v", locs)
		}
		c := cluster(t, inv, "", "aws_rds_cluster.main")
		if c.BacktrackWindow.State != model.Invalid || !strings.Contains(c.BacktrackWindow.Why.EN, `variable "window" is not a number`) ||
			c.BacktrackWindow.Where.String() != "badtfvars/terraform.tfvars:1:10" {
			t.Errorf("window = %+v", c.BacktrackWindow)
		}
		if c.Engine.V != "aurora-mysql" {
			t.Errorf("engine falls back to its default when the tfvars value is broken: %+v", c.Engine)
		}
	})
	t.Run("missing path and bad var flags", func(t *testing.T) {
		inv := Scan([]string{"testdata/does-not-exist"}, Options{Root: "testdata", Vars: []string{"novalue"},
			VarFiles: []string{"testdata/nope.tfvars"}})
		var reasons []model.Reason
		for _, d := range inv.Diagnostics {
			reasons = append(reasons, d.Reason)
			if d.Message.EN == "" || d.Message.JA == "" {
				t.Errorf("message must be bilingual: %+v", d)
			}
		}
		want := []model.Reason{model.ReasonInvalidValue, model.ReasonReadError, model.ReasonReadError}
		if !reflect.DeepEqual(reasons, want) {
			t.Errorf("reasons = %v, want %v", reasons, want)
		}
	})
}

// TestSuppressions asserts which comments attach to which resource.
func TestSuppressions(t *testing.T) {
	inv := scanFixture(t, Options{}, "suppress")
	tests := []struct {
		addr string
		want []string // "RULE reason at"
	}{
		{"aws_rds_cluster.legacy", []string{"KG-BT-001 legacy cluster, migration planned suppress/main.tf:1:1 until 2027-03-31"}},
		{"aws_rds_cluster.scratch", []string{"KG-BT-001 scratch suppress/main.tf:8:40", "KG-BT-002 short-lived test database suppress/main.tf:7:1"}},
		{"aws_rds_cluster.bad_directive", nil},
		{"aws_rds_cluster.detached", nil},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			var got []string
			for _, s := range cluster(t, inv, "", tt.addr).Suppressions {
				g := s.RuleID + " " + s.Reason + " " + s.Location.String()
				if s.Until != nil {
					g += " until " + s.Until.Format("2006-01-02")
				}
				if s.Source != "inline" {
					t.Errorf("source = %q", s.Source)
				}
				got = append(got, g)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("suppressions = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRoots asserts module discovery: called modules are not roots, and a
// root module scanned alone still loads the modules it calls.
func TestRoots(t *testing.T) {
	inv := scanFixture(t, Options{}, "multienv")
	var roots []string
	for _, c := range inv.Clusters {
		roots = append(roots, c.Root)
	}
	if !reflect.DeepEqual(roots, []string{"multienv/envs/prod", "multienv/envs/staging"}) {
		t.Errorf("roots = %v", roots)
	}
	if inv.Coverage["terraform_files"] != 5 || inv.Coverage["terraform_modules"] != 3 {
		t.Errorf("coverage = %v", inv.Coverage)
	}
	inv = Scan([]string{"testdata/multienv/envs/staging/main.tf"}, Options{Root: "testdata"})
	c := cluster(t, inv, "multienv/envs/staging", "module.aurora.aws_rds_cluster.this")
	if c.BacktrackWindow.V != 72 {
		t.Errorf("a .tf file path scans its module: %+v", c.BacktrackWindow)
	}
}

// TestNestedModuleAddresses asserts count/for_each on nested module calls and
// resources expand into Terraform's addresses, and an unresolved module
// for_each is evaluated once with a note.
func TestNestedModuleAddresses(t *testing.T) {
	inv := scanFixture(t, Options{}, "nested")
	var got []string
	for _, c := range inv.Clusters {
		got = append(got, fmt.Sprintf("%s name=%q window=%s/%d unknown=%v", c.Address, c.Name, c.BacktrackWindow.State, c.BacktrackWindow.V, c.CountExpansionUnknown))
	}
	want := []string{
		`module.a.module.db[0].aws_rds_cluster.this[0] name="orders-prod-0-0" window=known/86400 unknown=false`,
		`module.a.module.db[1].aws_rds_cluster.this[0] name="orders-prod-1-0" window=known/86400 unknown=false`,
		`module.a.module.db[1].aws_rds_cluster.this[1] name="orders-prod-1-1" window=known/86400 unknown=false`,
		`module.b.aws_rds_cluster.this[0] name="" window=unknown/0 unknown=true`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clusters =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	b := cluster(t, inv, "", "module.b.aws_rds_cluster.this[0]")
	if len(b.Notes) != 1 || !strings.Contains(b.Notes[0].EN, "module.b") || !strings.Contains(b.Notes[0].EN, `variable "shards" has no value`) {
		t.Errorf("notes = %+v", b.Notes)
	}
	inv = scanFixture(t, Options{Vars: []string{`shards={ eu = 259200, us = 72 }`}}, "nested")
	for _, addr := range []string{`module.b["eu"].aws_rds_cluster.this[0]`, `module.b["us"].aws_rds_cluster.this[0]`} {
		c := cluster(t, inv, "", addr)
		if c.BacktrackWindow.State != model.Known || c.CountExpansionUnknown {
			t.Errorf("%s: %+v", addr, c.BacktrackWindow)
		}
	}
}
