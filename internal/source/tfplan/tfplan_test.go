package tfplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/kumoguard/kumoguard/internal/fix"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// loadFixture reads testdata/name with the scan root at testdata, so
// locations name the bare file.
func loadFixture(t testing.TB, name string) (model.Inventory, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Load(filepath.Join("testdata", name), data, Options{Root: "testdata"}), data
}

// textAt returns the rest of the line a location starts at, read from the
// fixture independently of the position index.
func textAt(t *testing.T, data []byte, loc model.Location) string {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	if loc.Line < 1 || loc.Line > len(lines) {
		t.Fatalf("location %s: line out of range", loc)
	}
	r := []rune(lines[loc.Line-1])
	if loc.Column < 1 || loc.Column > len(r)+1 {
		t.Fatalf("location %s: column out of range", loc)
	}
	return string(r[loc.Column-1:])
}

func cluster(t *testing.T, inv model.Inventory, addr string) model.Cluster {
	t.Helper()
	for _, c := range inv.Clusters {
		if c.Address == addr {
			return c
		}
	}
	t.Fatalf("no cluster %s in %d clusters", addr, len(inv.Clusters))
	return model.Cluster{}
}

// wantValue is the expected state of one value: its state, value, location
// (line:column) and the text the location starts with.
type wantValue struct {
	state model.ValueState
	v     any
	at    string // "line:col", "" for no location
	text  string // prefix of the file text at the location
}

func checkValue[T comparable](t *testing.T, data []byte, what string, got model.Value[T], w wantValue) {
	t.Helper()
	if got.State != w.state {
		t.Errorf("%s: state %s, want %s (why: %s)", what, got.State, w.state, got.Why.EN)
		return
	}
	if w.v != nil && any(got.V) != w.v {
		t.Errorf("%s: value %v, want %v", what, got.V, w.v)
	}
	at := ""
	if got.Where.Line > 0 {
		at = fmt.Sprintf("%d:%d", got.Where.Line, got.Where.Column)
	}
	if at != w.at {
		t.Errorf("%s: at %q, want %q", what, at, w.at)
	}
	if w.text != "" && at != "" {
		if s := textAt(t, data, got.Where); !strings.HasPrefix(s, w.text) {
			t.Errorf("%s: location %s shows %q, want it to start with %q", what, got.Where, s, w.text)
		}
	}
	if at != "" {
		if len(got.Provenance) == 0 || got.Provenance[0].Kind != model.OriginPlan {
			t.Errorf("%s: provenance %+v, want a plan origin first", what, got.Provenance)
		}
	}
	if (got.State == model.Unknown || got.State == model.Invalid) && (got.Why.EN == "" || got.Why.JA == "") {
		t.Errorf("%s: %s without a bilingual why: %+v", what, got.State, got.Why)
	}
}

func TestLoadClusters(t *testing.T) {
	absent := wantValue{state: model.Absent}
	tests := []struct {
		file, addr, name string
		action           model.PlanAction
		loc              string
		engine, window   wantValue
		prior, global    wantValue
		serverless       wantValue
		instances        []string
		creation         model.CreationMode
		creationSource   string
	}{
		{"create_backtrack.json", "aws_rds_cluster.orders", "orders-prod", model.ActionCreate, "98:7",
			wantValue{model.Known, "aurora-mysql", "135:11", `"engine": "aurora-mysql"`},
			wantValue{model.Known, int64(86400), "112:11", `"backtrack_window": 86400`},
			absent, wantValue{model.Absent, nil, "140:11", `"global_cluster_identifier": null`},
			wantValue{model.Known, false, "156:11", `"serverlessv2_scaling_configuration": []`}, nil, model.CreateNew, ""},
		{"update_enable.json", "aws_rds_cluster.billing", "billing-prod", model.ActionUpdate, "153:7",
			wantValue{model.Known, "aurora-mysql", "308:11", `"engine": "aurora-mysql"`},
			wantValue{model.Known, int64(86400), "275:11", `"backtrack_window": 86400`},
			wantValue{model.Known, int64(0), "172:11", `"backtrack_window": 0`},
			wantValue{model.Absent, nil, "314:11", `"global_cluster_identifier": null`},
			wantValue{model.Known, false, "348:11", `"serverlessv2_scaling_configuration": []`}, nil, model.CreateNew, ""},
		{"update_disable.json", "aws_rds_cluster.ledger", "ledger-prod", model.ActionUpdate, "153:7",
			wantValue{model.Known, "aurora-mysql", "308:11", `"engine"`},
			wantValue{model.Known, int64(0), "275:11", `"backtrack_window": 0`},
			wantValue{model.Known, int64(86400), "172:11", `"backtrack_window": 86400`},
			wantValue{model.Absent, nil, "314:11", `"global_cluster_identifier"`},
			wantValue{model.Known, false, "348:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateNew, ""},
		// An existing cluster whose window is null in state: prior is 0 (AWS default).
		{"noop_without_backtrack.json", "aws_rds_cluster.legacy", "legacy-prod", model.ActionNoop, "153:7",
			wantValue{model.Known, "aurora-mysql", "308:11", `"engine"`},
			wantValue{model.Absent, nil, "275:11", `"backtrack_window": null`},
			wantValue{model.Known, int64(0), "172:11", `"backtrack_window": null`},
			wantValue{model.Absent, nil, "314:11", `"global_cluster_identifier"`},
			wantValue{model.Known, false, "348:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateNew, ""},
		{"replace.json", "aws_rds_cluster.search", "search-prod", model.ActionReplace, "98:7",
			wantValue{model.Known, "aurora-mysql", "238:11", `"engine"`},
			wantValue{model.Known, int64(259200), "215:11", `"backtrack_window": 259200`},
			wantValue{model.Known, int64(0), "118:11", `"backtrack_window": null`},
			wantValue{model.Absent, nil, "243:11", `"global_cluster_identifier"`},
			wantValue{model.Known, false, "259:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateFromSnapshot, "search-prod-pre-backtrack"},
		// A delete is described by its before-values.
		{"delete.json", "aws_rds_cluster.reporting", "old-reporting", model.ActionDelete, "9:7",
			wantValue{model.Known, "aurora-mysql", "61:11", `"engine"`},
			wantValue{model.Absent, nil, "28:11", `"backtrack_window": null`},
			wantValue{model.Known, int64(0), "28:11", `"backtrack_window": null`},
			wantValue{model.Absent, nil, "67:11", `"global_cluster_identifier"`},
			wantValue{model.Known, false, "101:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateNew, ""},
		{"module_count.json", "module.db.aws_rds_cluster.this[0]", "orders-db-0", model.ActionCreate, "249:7",
			wantValue{model.Known, "aurora-mysql", "288:11", `"engine"`},
			wantValue{model.Known, int64(3600), "265:11", `"backtrack_window": 3600`},
			absent, wantValue{model.Absent, nil, "293:11", `"global_cluster_identifier"`},
			wantValue{model.Known, false, "309:11", `"serverlessv2_scaling_configuration"`}, []string{"db.r7g.large", "db.r7g.large"}, model.CreateNew, ""},
		{"module_count.json", "module.db.module.audit.aws_rds_cluster.audit", "orders-audit", model.ActionCreate, "498:7",
			wantValue{model.Known, "aurora-mysql", "536:11", `"engine"`},
			wantValue{model.Known, int64(72), "513:11", `"backtrack_window": 72`},
			absent, wantValue{model.Absent, nil, "541:11", `"global_cluster_identifier"`},
			wantValue{model.Known, false, "557:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateNew, ""},
		{"aurora_postgresql.json", "aws_rds_cluster.analytics", "analytics-prod", model.ActionCreate, "94:7",
			wantValue{model.Known, "aurora-postgresql", "129:11", `"engine": "aurora-postgresql"`},
			wantValue{model.Absent, nil, "108:11", `"backtrack_window": null`},
			absent, wantValue{model.Absent, nil, "134:11", `"global_cluster_identifier"`},
			wantValue{model.Known, false, "150:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateNew, ""},
		// global_cluster_identifier is unknown in the plan, but the
		// configuration references aws_rds_global_cluster.orders.
		{"global_member.json", "aws_rds_cluster.primary", "orders-primary", model.ActionCreate, "403:7",
			wantValue{model.Known, "aurora-mysql", "440:11", `"engine"`},
			wantValue{model.Known, int64(86400), "417:11", `"backtrack_window": 86400`},
			absent, wantValue{model.Known, "aws_rds_global_cluster.orders", "1210:13", `"global_cluster_identifier": {`},
			wantValue{model.Known, false, "460:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateNew, ""},
		// An existing cluster that a new aws_rds_global_cluster is created from.
		{"global_member.json", "aws_rds_cluster.inventory", "inventory-prod", model.ActionNoop, "532:7",
			wantValue{model.Known, "aurora-mysql", "687:11", `"engine"`},
			wantValue{model.Absent, nil, "654:11", `"backtrack_window": null`},
			wantValue{model.Known, int64(0), "551:11", `"backtrack_window": null`},
			wantValue{model.Known, "aws_rds_global_cluster.inventory", "830:11", `"source_db_cluster_identifier": "arn:aws:rds:`},
			wantValue{model.Known, false, "727:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateNew, ""},
		// Unknown and taken from a module output: stays unknown.
		{"global_member.json", "aws_rds_cluster.payments", "payments-secondary", model.ActionCreate, "849:7",
			wantValue{model.Known, "aurora-mysql", "886:11", `"engine"`},
			wantValue{model.Known, int64(86400), "863:11", `"backtrack_window"`},
			absent, wantValue{model.Unknown, "", "947:11", `"global_cluster_identifier": true`},
			wantValue{model.Known, false, "906:11", `"serverlessv2_scaling_configuration"`}, nil, model.CreateNew, ""},
		{"serverless_v2.json", "aws_rds_cluster.events", "events-prod", model.ActionCreate, "127:7",
			wantValue{model.Known, "aurora-mysql", "164:11", `"engine"`},
			wantValue{model.Known, int64(86400), "141:11", `"backtrack_window": 86400`},
			absent, wantValue{model.Absent, nil, "169:11", `"global_cluster_identifier"`},
			wantValue{model.Known, true, "185:11", `"serverlessv2_scaling_configuration": [`}, []string{"db.serverless"}, model.CreateNew, ""},
		{"minified.json", "aws_rds_cluster.cart", "cart-prod", model.ActionCreate, "1:2161",
			wantValue{model.Known, "aurora-mysql", "1:3035", `"engine":"aurora-mysql"`},
			wantValue{model.Absent, nil, "1:2443", `"backtrack_window":null`},
			absent, wantValue{model.Absent, nil, "1:3238", `"global_cluster_identifier":null`},
			wantValue{model.Known, false, "1:3703", `"serverlessv2_scaling_configuration":[]`}, nil, model.CreateNew, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.addr, func(t *testing.T) {
			inv, data := loadFixture(t, tt.file)
			if len(inv.Diagnostics) > 0 {
				t.Fatalf("diagnostics: %+v", inv.Diagnostics)
			}
			if inv.Coverage[CoverageKey] != 1 {
				t.Errorf("coverage %v, want %s = 1", inv.Coverage, CoverageKey)
			}
			c := cluster(t, inv, tt.addr)
			if c.Source != model.SourceTerraformPlan || c.Type != "aws_rds_cluster" || c.Root != tt.file {
				t.Errorf("source/type/root = %s/%s/%s", c.Source, c.Type, c.Root)
			}
			if c.Name != tt.name || c.Action != tt.action {
				t.Errorf("name/action = %q/%q, want %q/%q", c.Name, c.Action, tt.name, tt.action)
			}
			if got := fmt.Sprintf("%d:%d", c.Location.Line, c.Location.Column); got != tt.loc || c.Location.File != tt.file {
				t.Errorf("location %s, want %s:%s", c.Location, tt.file, tt.loc)
			}
			if s := textAt(t, data, c.Location); !strings.HasPrefix(s, `"address":`) || !strings.Contains(s, tt.addr) {
				t.Errorf("cluster location shows %q, want its address member", s)
			}
			checkValue(t, data, "engine", c.Engine, tt.engine)
			checkValue(t, data, "backtrack_window", c.BacktrackWindow, tt.window)
			checkValue(t, data, "prior backtrack_window", c.PriorBacktrackWindow, tt.prior)
			checkValue(t, data, "global_cluster_identifier", c.GlobalClusterID, tt.global)
			checkValue(t, data, "serverless v2", c.ServerlessV2, tt.serverless)
			if fmt.Sprint(c.InstanceClasses) != fmt.Sprint(tt.instances) {
				t.Errorf("instance classes %v, want %v", c.InstanceClasses, tt.instances)
			}
			if c.Creation != tt.creation || c.CreationSource != tt.creationSource {
				t.Errorf("creation %s/%q, want %s/%q", c.Creation, c.CreationSource, tt.creation, tt.creationSource)
			}
		})
	}
}

// Each cluster appears once although it is in planned_values and
// resource_changes (and prior_state); instances and global clusters are not
// clusters.
func TestEachClusterOnce(t *testing.T) {
	for file, want := range map[string][]string{
		"module_count.json":  {"module.db.aws_rds_cluster.this[0]", "module.db.module.audit.aws_rds_cluster.audit"},
		"global_member.json": {"aws_rds_cluster.primary", "aws_rds_cluster.inventory", "aws_rds_cluster.payments"},
		"serverless_v2.json": {"aws_rds_cluster.events"},
		"delete.json":        {"aws_rds_cluster.reporting"},
	} {
		inv, _ := loadFixture(t, file)
		var got []string
		for _, c := range inv.Clusters {
			got = append(got, c.Address)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: clusters %v, want %v", file, got, want)
		}
	}
}

// TestPolicyOnPlans runs the real policy on every fixture and asserts the
// exact verdicts, reasons and locations.
func TestPolicyOnPlans(t *testing.T) {
	type verdict struct {
		rule   string
		status model.Status
		reason model.Reason
		at     string // line:column
		text   string // what the location shows
	}
	tests := []struct {
		file, addr string
		want       []verdict
	}{
		{"create_backtrack.json", "aws_rds_cluster.orders", []verdict{
			{"KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled, "112:11", `"backtrack_window": 86400`},
			{"KG-BT-002", model.StatusPass, model.ReasonWindowMeetsMinimum, "112:11", `"backtrack_window": 86400`}}},
		// AWS rejects enabling backtrack on an existing cluster, though the
		// provider plans it in place (AuroraMySQL.Managing.Backtrack.Configuring.html).
		{"update_enable.json", "aws_rds_cluster.billing", []verdict{
			{"KG-BT-001", model.StatusFail, model.ReasonEnableOnExistingCluster, "275:11", `"backtrack_window": 86400`},
			{"KG-BT-002", model.StatusFail, model.ReasonEnableOnExistingCluster, "275:11", `"backtrack_window": 86400`}}},
		// Setting 0 disables backtrack for good (AuroraMySQL.Managing.Backtrack.Configuring.html).
		{"update_disable.json", "aws_rds_cluster.ledger", []verdict{
			{"KG-BT-001", model.StatusFail, model.ReasonDisableIrreversible, "275:11", `"backtrack_window": 0`},
			{"KG-BT-002", model.StatusFail, model.ReasonDisableIrreversible, "275:11", `"backtrack_window": 0`}}},
		{"noop_without_backtrack.json", "aws_rds_cluster.legacy", []verdict{
			// An explicit null window points at its key, not at the resource.
			{"KG-BT-001", model.StatusFail, model.ReasonBacktrackDisabled, "275:11", `"backtrack_window": null`},
			{"KG-BT-002", model.StatusFail, model.ReasonWindowBelowMinimum, "275:11", `"backtrack_window": null`}}},
		{"replace.json", "aws_rds_cluster.search", []verdict{
			{"KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled, "215:11", `"backtrack_window": 259200`},
			{"KG-BT-002", model.StatusPass, model.ReasonWindowMeetsMinimum, "215:11", `"backtrack_window": 259200`}}},
		{"delete.json", "aws_rds_cluster.reporting", []verdict{
			{"KG-BT-001", model.StatusNotApplicable, model.ReasonResourceDeleted, "9:7", `"address": "aws_rds_cluster.reporting"`},
			{"KG-BT-002", model.StatusNotApplicable, model.ReasonResourceDeleted, "9:7", `"address": "aws_rds_cluster.reporting"`}}},
		{"module_count.json", "module.db.aws_rds_cluster.this[0]", []verdict{
			{"KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled, "265:11", `"backtrack_window": 3600`},
			{"KG-BT-002", model.StatusFail, model.ReasonWindowBelowMinimum, "265:11", `"backtrack_window": 3600`}}},
		{"module_count.json", "module.db.module.audit.aws_rds_cluster.audit", []verdict{
			{"KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled, "513:11", `"backtrack_window": 72`},
			{"KG-BT-002", model.StatusFail, model.ReasonWindowLikelyHours, "513:11", `"backtrack_window": 72`}}},
		{"aurora_postgresql.json", "aws_rds_cluster.analytics", []verdict{
			{"KG-BT-001", model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL, "129:11", `"engine": "aurora-postgresql"`},
			{"KG-BT-002", model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL, "129:11", `"engine": "aurora-postgresql"`}}},
		{"global_member.json", "aws_rds_cluster.primary", []verdict{
			{"KG-BT-001", model.StatusNotApplicable, model.ReasonGlobalDatabaseMember, "1210:13", `"global_cluster_identifier": {`},
			{"KG-BT-002", model.StatusNotApplicable, model.ReasonGlobalDatabaseMember, "1210:13", `"global_cluster_identifier": {`}}},
		{"global_member.json", "aws_rds_cluster.inventory", []verdict{
			{"KG-BT-001", model.StatusNotApplicable, model.ReasonGlobalDatabaseMember, "830:11", `"source_db_cluster_identifier"`},
			{"KG-BT-002", model.StatusNotApplicable, model.ReasonGlobalDatabaseMember, "830:11", `"source_db_cluster_identifier"`}}},
		{"global_member.json", "aws_rds_cluster.payments", []verdict{
			{"KG-BT-001", model.StatusUnknown, model.ReasonUnresolvedValue, "947:11", `"global_cluster_identifier": true`},
			{"KG-BT-002", model.StatusUnknown, model.ReasonUnresolvedValue, "947:11", `"global_cluster_identifier": true`}}},
		{"serverless_v2.json", "aws_rds_cluster.events", []verdict{
			{"KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled, "141:11", `"backtrack_window": 86400`},
			{"KG-BT-002", model.StatusPass, model.ReasonWindowMeetsMinimum, "141:11", `"backtrack_window": 86400`}}},
		{"master_password.json", "aws_rds_cluster.crm", []verdict{
			{"KG-BT-001", model.StatusPass, model.ReasonBacktrackEnabled, "266:11", `"backtrack_window": 86400`},
			{"KG-BT-002", model.StatusPass, model.ReasonWindowMeetsMinimum, "266:11", `"backtrack_window": 86400`}}},
		{"minified.json", "aws_rds_cluster.cart", []verdict{
			{"KG-BT-001", model.StatusFail, model.ReasonBacktrackDisabled, "1:2443", `"backtrack_window":null`},
			{"KG-BT-002", model.StatusFail, model.ReasonWindowBelowMinimum, "1:2443", `"backtrack_window":null`}}},
		{"bad_window_type.json", "aws_rds_cluster.wrong", []verdict{
			{"KG-BT-001", model.StatusError, model.ReasonInvalidValue, "112:11", `"backtrack_window": "abc"`},
			{"KG-BT-002", model.StatusError, model.ReasonInvalidValue, "112:11", `"backtrack_window": "abc"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.addr, func(t *testing.T) {
			inv, data := loadFixture(t, tt.file)
			var got []verdict
			for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds}) {
				if f.Resource.Address != tt.addr {
					continue
				}
				if f.Location.File != tt.file {
					t.Errorf("%s: location file %q, want %q", f.RuleID, f.Location.File, tt.file)
				}
				if f.Message.EN == "" || f.Message.JA == "" {
					t.Errorf("%s: message not bilingual: %+v", f.RuleID, f.Message)
				}
				got = append(got, verdict{f.RuleID, f.Status, f.Reason, fmt.Sprintf("%d:%d", f.Location.Line, f.Location.Column), ""})
				if i := len(got) - 1; i < len(tt.want) {
					if s := textAt(t, data, f.Location); !strings.HasPrefix(s, tt.want[i].text) {
						t.Errorf("%s: location %s shows %q, want %q", f.RuleID, f.Location, s, tt.want[i].text)
					}
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("findings %+v, want %+v", got, tt.want)
			}
			for i := range got {
				w := tt.want[i]
				w.text = ""
				if got[i] != w {
					t.Errorf("finding %d = %+v, want %+v", i, got[i], w)
				}
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name     string
		file     string // fixture, or "" to use data
		data     string
		reason   model.Reason
		at       string // line:column
		contains []string
	}{
		{"truncated", "bad_truncated.json", "", model.ReasonParseError, "18:35", []string{"bad_truncated.json:18:35", "ends before the JSON document is complete"}},
		{"state not plan", "bad_not_a_plan.json", "", model.ReasonParseError, "2:3", []string{"not a Terraform plan", "terraform show -json PLANFILE"}},
		{"format version 2", "bad_format_version.json", "", model.ReasonParseError, "2:3", []string{`format_version "2.0" is not supported`, "major version 0 or 1"}},
		{"syntax", "", "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [ }\n", model.ReasonParseError, "3:25", []string{"3:25", "unexpected character looking for beginning of value"}},
		{"empty", "", "  \n", model.ReasonParseError, "2:1", []string{"empty"}},
		{"array", "", "[1, 2]", model.ReasonParseError, "1:1", []string{"not a Terraform plan"}},
		{"garbage", "", "{\"format_version\": 1.2x}", model.ReasonParseError, "1:23", []string{"1:23", "after object key:value pair"}},
		{"no format_version", "", `{"resource_changes": []}`, model.ReasonParseError, "1:1", []string{"no format_version"}},
		{"format_version junk", "", `{"format_version": "one", "resource_changes": []}`, model.ReasonInvalidValue, "1:2", []string{`"one" is not a version number`}},
		{"wrong type top", "", "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": {\"a\": 1}\n}", model.ReasonParseError, "3:3", []string{"expected an array, found an object", "/resource_changes"}},
		{"wrong type nested", "", "{\"format_version\": \"1.2\",\n \"resource_changes\": [\n  {\"address\": \"aws_rds_cluster.a\", \"change\": {\"actions\": \"create\"}}]}", model.ReasonParseError, "3:47", []string{"expected an array, found a string", "/resource_changes/0/change/actions"}},
		{"wrong type in expression", "", "{\"format_version\": \"1.2\", \"configuration\": {\"root_module\": {\"resources\": [\n{\"address\": \"aws_rds_cluster.a\", \"expressions\": {\"engine\": {\"references\": \"var.x\"}}}]}}}", model.ReasonParseError, "2:61", []string{"expected an array, found a string", "/configuration/root_module/resources/0/expressions/engine/references"}},
		{"utf16", "", "\xff\xfe{\x00}\x00", model.ReasonParseError, "1:1", []string{"UTF-16", "Out-File -Encoding utf8"}},
		{"unknown actions", "", `{"format_version":"1.2","resource_changes":[{"address":"aws_rds_cluster.a","mode":"managed","type":"aws_rds_cluster","name":"a","change":{"actions":["explode"],"before":null,"after":{"engine":"aurora-mysql"}}}]}`, model.ReasonInvalidValue, "1:139", []string{`[explode]`, "not ones kumoguard knows"}},
		{"after not object", "", `{"format_version":"1.2","resource_changes":[{"address":"aws_rds_cluster.a","mode":"managed","type":"aws_rds_cluster","name":"a","change":{"actions":["create"],"before":null,"after":"x"}}]}`, model.ReasonInvalidValue, "1:174", []string{"after value of aws_rds_cluster.a is a string", "expected an object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			path := "plans/inline.json"
			if tt.file != "" {
				var err error
				path = filepath.Join("testdata", tt.file)
				if data, err = os.ReadFile(path); err != nil {
					t.Fatal(err)
				}
			}
			inv := Load(path, data, Options{Root: filepath.Dir(path)})
			if len(inv.Diagnostics) != 1 {
				t.Fatalf("diagnostics %+v, want exactly one", inv.Diagnostics)
			}
			if len(inv.Clusters) != 0 || inv.Coverage[CoverageKey] != 0 && tt.reason != model.ReasonInvalidValue {
				t.Errorf("clusters %d, coverage %v: a broken plan must not yield clusters", len(inv.Clusters), inv.Coverage)
			}
			d := inv.Diagnostics[0]
			if d.Status != model.StatusError || d.Reason != tt.reason {
				t.Errorf("status/reason %s/%s, want ERROR/%s", d.Status, d.Reason, tt.reason)
			}
			if got := fmt.Sprintf("%d:%d", d.Location.Line, d.Location.Column); got != tt.at {
				t.Errorf("location %s, want %s", d.Location, tt.at)
			}
			if d.Location.File != filepath.Base(path) {
				t.Errorf("location file %q, want %q", d.Location.File, filepath.Base(path))
			}
			if d.Message.EN == "" || d.Message.JA == "" || d.Remediation.EN == "" {
				t.Errorf("message/remediation not bilingual: %+v", d)
			}
			for _, s := range tt.contains {
				if !strings.Contains(d.Message.EN, s) {
					t.Errorf("message %q does not contain %q", d.Message.EN, s)
				}
			}
			// The policy turns it into a KG-BT-000 ERROR at the same place.
			fs := policy.Evaluate(inv, policy.Options{})
			if len(fs) != 1 || fs[0].RuleID != "KG-BT-000" || fs[0].Status != model.StatusError || fs[0].Location != d.Location {
				t.Errorf("findings %+v", fs)
			}
		})
	}
}

func TestIsPlan(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"plan", `{"format_version":"1.2","planned_values":{}}`, true},
		{"plan config only", ` {"format_version":"1.2","configuration":{"root_module":{}}}`, true},
		{"bom", "\xef\xbb\xbf{\"format_version\":\"1.2\",\"resource_changes\":[]}", true},
		{"truncated plan", `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{"resources":[{"addr`, true},
		{"state", `{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{}}}`, false},
		{"nested keys only", `{"format_version":"1.0","values":{"planned_values":{}}}`, false},
		{"broken nested keys only", `{"format_version":"1.0","values":{"planned_values":{}`, false},
		{"cloudformation", `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}`, false},
		{"array", `[{"format_version":"1.2","planned_values":{}}]`, false},
		{"empty", ``, false},
		{"utf-16le plan", "\xff\xfe" + utf16le(`{"format_version":"1.2","resource_changes":[]}`), true},
		{"utf-16le state", "\xff\xfe" + utf16le(`{"format_version":"1.0","values":{}}`), false},
		{"not json", `format_version planned_values`, false},
	}
	for _, tt := range tests {
		if got := IsPlan([]byte(tt.data)); got != tt.want {
			t.Errorf("%s: IsPlan = %v, want %v", tt.name, got, tt.want)
		}
	}
	files, _ := filepath.Glob("testdata/*.json")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		want := !strings.Contains(f, "bad_not_a_plan")
		if got := IsPlan(data); got != want {
			t.Errorf("%s: IsPlan = %v, want %v", f, got, want)
		}
	}
}

func TestActionOf(t *testing.T) {
	tests := []struct {
		in   []string
		want model.PlanAction
		ok   bool
	}{
		{[]string{"create"}, model.ActionCreate, true},
		{[]string{"update"}, model.ActionUpdate, true},
		{[]string{"no-op"}, model.ActionNoop, true},
		{[]string{"delete", "create"}, model.ActionReplace, true},
		{[]string{"create", "delete"}, model.ActionReplace, true},
		{[]string{"delete"}, model.ActionDelete, true},
		{[]string{"read"}, model.ActionRead, true},
		{[]string{"forget"}, model.ActionForget, true},
		{[]string{}, model.ActionNone, false},
		{[]string{"update", "create"}, model.ActionNone, false},
		{[]string{"explode"}, model.ActionNone, false},
	}
	for _, tt := range tests {
		var acts tfjson.Actions
		for _, a := range tt.in {
			acts = append(acts, tfjson.Action(a))
		}
		got, ok := actionOf(acts)
		if got != tt.want || ok != tt.ok {
			t.Errorf("actionOf(%v) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestSecretsNeverCopied: the plan carries master_password in plaintext
// (change.before/after, planned_values, prior_state, variables). Nothing of
// it may reach the model, the findings or any rendering of them.
func TestSecretsNeverCopied(t *testing.T) {
	const password, oldPassword = "Kumo-S3cr3t-Pa55w0rd-7f3a9c", "Old-Pa55w0rd-Legacy-41d2e8"
	inv, data := loadFixture(t, "master_password.json")
	if !bytes.Contains(data, []byte(password)) || !bytes.Contains(data, []byte(oldPassword)) {
		t.Fatal("fixture no longer contains the passwords; the test would prove nothing")
	}
	findings := policy.Evaluate(inv, policy.Options{})
	out, err := json.Marshal(struct {
		Inventory model.Inventory
		Findings  []model.Finding
	}{inv, findings})
	if err != nil {
		t.Fatal(err)
	}
	dump := fmt.Sprintf("%s %+v %+v %#v", out, inv, findings, inv)
	for _, secret := range []string{password, oldPassword, "S3cr3t", "Pa55w0rd"} {
		if strings.Contains(dump, secret) {
			t.Errorf("report contains %q", secret)
		}
	}
	if len(findings) != 2 {
		t.Errorf("want the cluster evaluated (2 findings), got %d", len(findings))
	}

	// Broken plans: errors must not quote the password either.
	for _, mangle := range []func([]byte) []byte{
		func(b []byte) []byte { // control character inside the password string
			return bytes.Replace(b, []byte(password), []byte(password[:10]+"\x01"+password[10:]), 1)
		},
		func(b []byte) []byte { // password where backtrack_window is expected
			return bytes.Replace(b, []byte(`"backtrack_window": 86400`), []byte(`"backtrack_window": "`+password+`"`), -1)
		},
		func(b []byte) []byte { // truncated just after the password
			i := bytes.Index(b, []byte(password))
			return b[:i+len(password)]
		},
	} {
		inv := Load("master_password.json", mangle(append([]byte{}, data...)), Options{})
		fs := policy.Evaluate(inv, policy.Options{})
		out, _ := json.Marshal(struct {
			I model.Inventory
			F []model.Finding
		}{inv, fs})
		if bytes.Contains(out, []byte("S3cr3t")) || bytes.Contains(out, []byte(`\u0001`)) {
			t.Errorf("output quotes the password: %s", out)
		}
		if len(fs) == 0 {
			t.Error("broken plan yielded no finding")
		}
	}
}

// A password written where backtrack_window is expected is marked sensitive
// in the plan: it must not be quoted in the Invalid value's message.
func TestSensitiveAttributeNotRead(t *testing.T) {
	data := []byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_rds_cluster.a","mode":"managed","type":"aws_rds_cluster","name":"a",
"change":{"actions":["create"],"before":null,"after":{"engine":"aurora-mysql","backtrack_window":"hunter2-secret"},"after_unknown":{},"after_sensitive":{"backtrack_window":true}}}]}`)
	inv := Load("p.json", data, Options{})
	if len(inv.Clusters) != 1 {
		t.Fatalf("clusters %+v diags %+v", inv.Clusters, inv.Diagnostics)
	}
	w := inv.Clusters[0].BacktrackWindow
	if w.State != model.Unknown || !strings.Contains(w.Why.EN, "sensitive") {
		t.Errorf("window %+v, want Unknown because sensitive", w)
	}
	out, _ := json.Marshal(inv)
	if bytes.Contains(out, []byte("hunter2")) {
		t.Errorf("sensitive value copied: %s", out)
	}
}

// TestGolden compares the complete inventory of every fixture (the shared
// golden rendering) and its findings (JSON) with
// testdata/golden/<fixture>.golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			inv, _ := loadFixture(t, name)
			fs := policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds})
			fix.Enrich(fs) // the remediation text users see
			findings, err := json.MarshalIndent(fs, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := testenv.RenderInventory(inv) + "-- findings --\n" + string(findings) + "\n"
			testenv.Golden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".json")+".golden"), []byte(got))
		})
	}
}

func utf16le(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), 0)
	}
	return string(b)
}
