package tfplan

import (
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// rcJSON is one aws_rds_* resource change in a compact plan.
func rcJSON(addr, typ, actions, before, after, unknown string) string {
	name := addr[strings.LastIndex(addr, ".")+1:]
	return `{"address":"` + addr + `","mode":"managed","type":"` + typ + `","name":"` + name + `","change":{"actions":` + actions +
		`,"before":` + before + `,"after":` + after + `,"after_unknown":` + unknown + `}}`
}

func planJSON(changes []string, extra string) string {
	return `{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[` + strings.Join(changes, ",") + `]` + extra + `}`
}

// TestLoadInline covers mappings the fixtures do not isolate.
func TestLoadInline(t *testing.T) {
	tests := []struct {
		name  string
		plan  string
		check func(t *testing.T, inv model.Inventory, data string)
	}{
		{"serverless v2 from a db.serverless instance matched by identifier",
			planJSON([]string{
				rcJSON("aws_rds_cluster.a", "aws_rds_cluster", `["create"]`, `null`, `{"cluster_identifier":"a-prod","engine":"aurora-mysql","backtrack_window":86400,"serverlessv2_scaling_configuration":[]}`, `{"arn":true}`),
				rcJSON("aws_rds_cluster_instance.i", "aws_rds_cluster_instance", `["create"]`, `null`, `{"cluster_identifier":"a-prod","instance_class":"db.serverless"}`, `{}`),
				rcJSON("aws_rds_cluster_instance.gone", "aws_rds_cluster_instance", `["delete"]`, `{"cluster_identifier":"a-prod","instance_class":"db.r5.large"}`, `null`, `{}`),
			}, ""),
			func(t *testing.T, inv model.Inventory, data string) {
				c := inv.Clusters[0]
				if v, ok := c.ServerlessV2.Get(); !ok || !v || !strings.HasPrefix(data[offsetOf(data, c.ServerlessV2.Where):], `"instance_class":"db.serverless"`) {
					t.Errorf("serverless v2 %+v", c.ServerlessV2)
				}
				if len(c.InstanceClasses) != 1 || c.InstanceClasses[0] != "db.serverless" {
					t.Errorf("instance classes %v (a deleted instance must not count)", c.InstanceClasses)
				}
			}},
		{"replica through a configuration reference; clone creation",
			planJSON([]string{
				rcJSON("aws_rds_cluster.r", "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql","restore_to_point_in_time":[{"restore_type":"copy-on-write","source_cluster_identifier":"prod"}]}`, `{"replication_source_identifier":true}`),
			}, `,"configuration":{"root_module":{"resources":[{"address":"aws_rds_cluster.r","mode":"managed","type":"aws_rds_cluster","name":"r","expressions":{"replication_source_identifier":{"references":["aws_rds_cluster.src.arn","aws_rds_cluster.src"]}}}]}}`),
			func(t *testing.T, inv model.Inventory, data string) {
				c := inv.Clusters[0]
				if v, ok := c.ReplicationSource.Get(); !ok || v != "aws_rds_cluster.src" {
					t.Errorf("replication source %+v", c.ReplicationSource)
				}
				if len(c.ReplicationSource.Provenance) != 2 || c.ReplicationSource.Provenance[1].Kind != model.OriginReference {
					t.Errorf("provenance %+v", c.ReplicationSource.Provenance)
				}
				if c.Creation != model.CreateClone || c.CreationSource != "prod" {
					t.Errorf("creation %s/%s", c.Creation, c.CreationSource)
				}
			}},
		{"planned values only: a missing attribute is unknown",
			`{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[{"address":"module.m","child_modules":[{"address":"module.m.module.n","resources":[{"address":"module.m.module.n.aws_rds_cluster.c","mode":"managed","type":"aws_rds_cluster","name":"c","values":{"engine":"aurora-mysql","engine_mode":"provisioned"},"sensitive_values":{}}]}]}]}}}`,
			func(t *testing.T, inv model.Inventory, data string) {
				c := inv.Clusters[0]
				if c.Address != "module.m.module.n.aws_rds_cluster.c" || c.Action != model.ActionNone {
					t.Errorf("address/action %s/%q", c.Address, c.Action)
				}
				if c.BacktrackWindow.State != model.Unknown || !strings.Contains(c.BacktrackWindow.Why.EN, "planned_values") {
					t.Errorf("window %+v", c.BacktrackWindow)
				}
				fs := policy.Evaluate(inv, policy.Options{})
				if fs[0].Status != model.StatusUnknown || fs[0].Reason != model.ReasonUnresolvedValue {
					t.Errorf("finding %s/%s, want UNKNOWN/UNRESOLVED_VALUE", fs[0].Status, fs[0].Reason)
				}
			}},
		{"window in after_unknown",
			planJSON([]string{rcJSON("aws_rds_cluster.u", "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql"}`, `{"backtrack_window":true}`)}, ""),
			func(t *testing.T, inv model.Inventory, data string) {
				w := inv.Clusters[0].BacktrackWindow
				if w.State != model.Unknown || !strings.Contains(w.Why.EN, "known only after apply") || !strings.Contains(w.Why.JA, "apply 後") {
					t.Errorf("window %+v", w)
				}
				if !strings.HasPrefix(data[offsetOf(data, w.Where):], `"backtrack_window":true`) {
					t.Errorf("where %s", w.Where)
				}
			}},
		{"numbers: 86400.0 is whole, 1.5 and 1e400 are not",
			planJSON([]string{
				rcJSON("aws_rds_cluster.a", "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql","backtrack_window":86400.0}`, `{}`),
				rcJSON("aws_rds_cluster.b", "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql","backtrack_window":1.5}`, `{}`),
				rcJSON("aws_rds_cluster.c", "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql","backtrack_window":1e400}`, `{}`),
				rcJSON("aws_rds_cluster.d", "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql","backtrack_window":true}`, `{}`),
			}, ""),
			func(t *testing.T, inv model.Inventory, data string) {
				if v, ok := inv.Clusters[0].BacktrackWindow.Get(); !ok || v != 86400 {
					t.Errorf("86400.0 → %+v", inv.Clusters[0].BacktrackWindow)
				}
				for _, c := range inv.Clusters[1:] {
					if c.BacktrackWindow.State != model.Invalid || !strings.Contains(c.BacktrackWindow.Why.EN, "expected a whole number of seconds") {
						t.Errorf("%s: %+v", c.Address, c.BacktrackWindow)
					}
				}
			}},
		{"forget keeps the cluster with a note; duplicate address reported",
			planJSON([]string{
				rcJSON("aws_rds_cluster.f", "aws_rds_cluster", `["forget"]`, `{"engine":"aurora-mysql","backtrack_window":0}`, `null`, `{}`),
				rcJSON("aws_rds_cluster.f", "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql"}`, `{}`),
			}, ""),
			func(t *testing.T, inv model.Inventory, data string) {
				if len(inv.Clusters) != 1 || inv.Clusters[0].Action != model.ActionForget || len(inv.Clusters[0].Notes) != 1 {
					t.Errorf("clusters %+v", inv.Clusters)
				}
				if len(inv.Diagnostics) != 1 || !strings.Contains(inv.Diagnostics[0].Message.EN, "more than once") {
					t.Errorf("diagnostics %+v", inv.Diagnostics)
				}
			}},
		{"data sources and deposed objects are not clusters",
			planJSON([]string{
				`{"address":"data.aws_rds_cluster.x","mode":"data","type":"aws_rds_cluster","name":"x","change":{"actions":["read"],"before":null,"after":{"engine":"aurora-mysql"}}}`,
				`{"address":"aws_rds_cluster.d","mode":"managed","type":"aws_rds_cluster","name":"d","deposed":"00000001","change":{"actions":["delete"],"before":{"engine":"aurora-mysql"},"after":null}}`,
				`{"address":"data.aws_rds_cluster.y","type":"aws_rds_cluster","name":"y","change":{"actions":["read"],"before":null,"after":{"engine":"aurora-mysql"}}}`,
			}, ""),
			func(t *testing.T, inv model.Inventory, data string) {
				if len(inv.Clusters) != 0 || len(inv.Diagnostics) != 0 || inv.Coverage[CoverageKey] != 1 {
					t.Errorf("clusters %+v diagnostics %+v", inv.Clusters, inv.Diagnostics)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := Load("p.json", []byte(tt.plan), Options{})
			if len(inv.Clusters) == 0 && !strings.Contains(tt.name, "not clusters") {
				t.Fatalf("no clusters; diagnostics %+v", inv.Diagnostics)
			}
			tt.check(t, inv, tt.plan)
		})
	}
}

// offsetOf converts a line-1 location back to a byte offset (inline plans
// are one line of ASCII).
func offsetOf(data string, l model.Location) int {
	if l.Line != 1 || l.Column < 1 || l.Column > len(data)+1 {
		return len(data)
	}
	return l.Column - 1
}
