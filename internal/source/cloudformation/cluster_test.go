package cloudformation

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestClusterProperties covers scope properties (engine, engine mode, global
// and replication membership, creation; docs/backtrack-rules.md and
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html)
// with the same reason codes as Terraform.
func TestClusterProperties(t *testing.T) {
	tests := []struct {
		name  string
		extra string // more resources
		props string
		want  []string
		check func(t *testing.T, c model.Cluster)
	}{
		{name: "postgres is out of scope", props: "Engine: aurora-postgresql\nBacktrackWindow: 0",
			want: []string{"KG-BT-001 Db NOT_APPLICABLE ENGINE_NOT_AURORA_MYSQL", "KG-BT-002 Db NOT_APPLICABLE ENGINE_NOT_AURORA_MYSQL"}},
		{name: "engine not set", props: "BacktrackWindow: 86400",
			want: []string{"KG-BT-001 Db UNKNOWN ENGINE_NOT_SET", "KG-BT-002 Db UNKNOWN ENGINE_NOT_SET"}},
		{name: "serverless v1", props: "Engine: aurora-mysql\nEngineMode: serverless",
			want: []string{"KG-BT-001 Db NOT_APPLICABLE SERVERLESS_V1", "KG-BT-002 Db NOT_APPLICABLE SERVERLESS_V1"}},
		{name: "engine mode provisioned", props: "Engine: aurora-mysql\nEngineMode: provisioned\nBacktrackWindow: 86400",
			want: []string{"KG-BT-001 Db PASS BACKTRACK_ENABLED", "KG-BT-002 Db PASS WINDOW_MEETS_MINIMUM"}},
		{name: "engine mode NoValue under unknown condition defaults to provisioned",
			props: "Engine: aurora-mysql\nEngineMode: !If [Open, provisioned, !Ref \"AWS::NoValue\"]\nBacktrackWindow: 86400",
			want:  []string{"KG-BT-001 Db PASS BACKTRACK_ENABLED", "KG-BT-002 Db PASS WINDOW_MEETS_MINIMUM"},
			check: func(t *testing.T, c model.Cluster) {
				if c.EngineMode.State != model.Unknown || !slices.Equal(c.EngineMode.Candidates, []string{"provisioned"}) {
					t.Errorf("engine mode = %+v", c.EngineMode)
				}
			}},
		{name: "global cluster by literal", props: "Engine: aurora-mysql\nGlobalClusterIdentifier: orders-global",
			want: []string{"KG-BT-001 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER", "KG-BT-002 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER"}},
		{name: "global cluster by Ref with generated name",
			extra: "  Global:\n    Type: AWS::RDS::GlobalCluster\n    Properties: {Engine: aurora-mysql}\n",
			props: "Engine: aurora-mysql\nGlobalClusterIdentifier: !Ref Global",
			want:  []string{"KG-BT-001 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER", "KG-BT-002 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER"},
			check: func(t *testing.T, c model.Cluster) {
				if c.GlobalClusterID.V != "Global" || c.GlobalClusterID.Provenance[1].Kind != model.OriginReference {
					t.Errorf("global = %+v", c.GlobalClusterID)
				}
			}},
		{name: "global cluster by Ref with identifier",
			extra: "  Global:\n    Type: AWS::RDS::GlobalCluster\n    Properties: {GlobalClusterIdentifier: orders-global}\n",
			props: "Engine: aurora-mysql\nGlobalClusterIdentifier: !Ref Global",
			want:  []string{"KG-BT-001 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER", "KG-BT-002 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER"},
			check: func(t *testing.T, c model.Cluster) {
				if c.GlobalClusterID.V != "orders-global" {
					t.Errorf("global = %+v", c.GlobalClusterID)
				}
			}},
		{name: "global cluster whose source is this cluster",
			extra: "  Global:\n    Type: AWS::RDS::GlobalCluster\n    Properties:\n      GlobalClusterIdentifier: orders-global\n      SourceDBClusterIdentifier: !Ref Db\n",
			props: "Engine: aurora-mysql\nBacktrackWindow: 86400",
			want:  []string{"KG-BT-001 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER", "KG-BT-002 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER"}},
		{name: "global cluster source by identifier",
			extra: "  Global:\n    Type: AWS::RDS::GlobalCluster\n    Properties:\n      SourceDBClusterIdentifier: arn:aws:rds:us-east-1:123456789012:cluster:orders\n",
			props: "DBClusterIdentifier: orders\nEngine: aurora-mysql\nBacktrackWindow: 86400",
			want:  []string{"KG-BT-001 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER", "KG-BT-002 Db NOT_APPLICABLE GLOBAL_DATABASE_MEMBER"}},
		{name: "global membership under an open condition",
			props: "Engine: aurora-mysql\nBacktrackWindow: 86400\nGlobalClusterIdentifier: !If [Open, orders-global, !Ref \"AWS::NoValue\"]",
			want:  []string{"KG-BT-001 Db UNKNOWN UNRESOLVED_VALUE", "KG-BT-002 Db UNKNOWN UNRESOLVED_VALUE"}},
		{name: "binlog replica", props: "Engine: aurora-mysql\nReplicationSourceIdentifier: arn:aws:rds:us-east-1:123456789012:cluster:source",
			want: []string{"KG-BT-001 Db NOT_APPLICABLE BINLOG_REPLICATION", "KG-BT-002 Db NOT_APPLICABLE BINLOG_REPLICATION"},
			check: func(t *testing.T, c model.Cluster) {
				if c.Creation != model.CreateReplicaOfCluster {
					t.Errorf("creation = %s", c.Creation)
				}
			}},
		{name: "snapshot restore", props: "Engine: aurora-mysql\nSnapshotIdentifier: orders-final\nBacktrackWindow: 86400",
			want: []string{"KG-BT-001 Db PASS BACKTRACK_ENABLED", "KG-BT-002 Db PASS WINDOW_MEETS_MINIMUM"},
			check: func(t *testing.T, c model.Cluster) {
				if c.Creation != model.CreateFromSnapshot || c.CreationSource != "orders-final" {
					t.Errorf("creation = %s %s", c.Creation, c.CreationSource)
				}
			}},
		{name: "point-in-time restore", props: "Engine: aurora-mysql\nSourceDBClusterIdentifier: orders\nUseLatestRestorableTime: true\nBacktrackWindow: 86400",
			want: []string{"KG-BT-001 Db PASS BACKTRACK_ENABLED", "KG-BT-002 Db PASS WINDOW_MEETS_MINIMUM"},
			check: func(t *testing.T, c model.Cluster) {
				if c.Creation != model.CreatePointInTime || c.CreationSource != "orders" {
					t.Errorf("creation = %s %s", c.Creation, c.CreationSource)
				}
			}},
		{name: "clone", props: "Engine: aurora-mysql\nSourceDBClusterIdentifier: orders\nRestoreType: copy-on-write\nBacktrackWindow: 86400",
			want: []string{"KG-BT-001 Db PASS BACKTRACK_ENABLED", "KG-BT-002 Db PASS WINDOW_MEETS_MINIMUM"},
			check: func(t *testing.T, c model.Cluster) {
				if c.Creation != model.CreateClone {
					t.Errorf("creation = %s", c.Creation)
				}
			}},
		{name: "serverless v2", props: "Engine: aurora-mysql\nBacktrackWindow: 86400\nServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 4}",
			want: []string{"KG-BT-001 Db PASS BACKTRACK_ENABLED", "KG-BT-002 Db PASS WINDOW_MEETS_MINIMUM"},
			check: func(t *testing.T, c model.Cluster) {
				if !c.ServerlessV2.V || c.ServerlessV2.State != model.Known {
					t.Errorf("serverless v2 = %+v", c.ServerlessV2)
				}
			}},
		{name: "engine from an open parameter", props: "Engine: !Ref EngineName\nBacktrackWindow: 86400",
			want: []string{"KG-BT-001 Db UNKNOWN UNRESOLVED_VALUE", "KG-BT-002 Db UNKNOWN UNRESOLVED_VALUE"}},
		{name: "engine is a list", props: "Engine: [aurora-mysql]\nBacktrackWindow: 86400",
			want: []string{"KG-BT-001 Db ERROR INVALID_VALUE", "KG-BT-002 Db ERROR INVALID_VALUE"}},
		{name: "name from DBClusterIdentifier", props: "DBClusterIdentifier: !Sub \"orders-${AWS::Region}\"\nEngine: aurora-mysql\nBacktrackWindow: 86400",
			want: []string{"KG-BT-001 Db PASS BACKTRACK_ENABLED", "KG-BT-002 Db PASS WINDOW_MEETS_MINIMUM"},
			check: func(t *testing.T, c model.Cluster) {
				if c.Name != "orders-eu-west-1" {
					t.Errorf("name = %q", c.Name)
				}
			}},
	}
	sections := "Parameters:\n  EngineName: {Type: String}\n  Flag: {Type: String}\nConditions:\n  Open: !Equals [!Ref Flag, \"yes\"]\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := clusterTemplate(sections, tt.props) + tt.extra
			inv := scanFiles(t, map[string]string{"t.yaml": tmpl}, Options{Region: "eu-west-1"})
			c := findCluster(t, inv, "Db")
			if got := withoutDiagnostics(verdicts(inv)); !slices.Equal(got, tt.want) {
				t.Errorf("verdicts = %v, want %v\n%s", got, tt.want, dumpInventory(inv))
			}
			if len(inv.Diagnostics) != 0 {
				t.Errorf("unexpected diagnostics:\n%s", dumpInventory(inv))
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestResourceCondition(t *testing.T) {
	sections := "Parameters:\n  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}\n  Flag: {Type: String}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  Open: !Equals [!Ref Flag, x]\n"
	tmpl := func(cond string) string {
		return "AWSTemplateFormatVersion: \"2010-09-09\"\n" + sections + "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Condition: " + cond +
			"\n    Properties:\n      Engine: aurora-mysql\n      BacktrackWindow: !If [IsProd, 86400, 0]\n"
	}
	inv := scanFiles(t, map[string]string{"t.yaml": tmpl("IsProd")}, Options{})
	if len(inv.Clusters) != 0 {
		t.Errorf("a cluster whose Condition is false is not created, got %s", dumpInventory(inv))
	}
	inv = scanFiles(t, map[string]string{"t.yaml": tmpl("IsProd")}, Options{Parameters: []string{"Env=prod"}})
	if c := findCluster(t, inv, "Db"); c.BacktrackWindow.V != 86400 || len(c.Notes) != 0 {
		t.Errorf("window = %+v notes %v", c.BacktrackWindow, c.Notes)
	}
	inv = scanFiles(t, map[string]string{"t.yaml": tmpl("Open")}, Options{})
	c := findCluster(t, inv, "Db")
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0].EN, `created only when condition "Open" is true`) || c.Notes[0].JA == "" {
		t.Errorf("notes = %v", c.Notes)
	}
}

// TestSecretsNeverInModel: MasterUserPassword (and NoEcho parameter values)
// never reach the model, the findings or the messages.
func TestSecretsNeverInModel(t *testing.T) {
	tmpl := "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Pw:\n    Type: String\n    NoEcho: true\n    Default: hunter2-default\n    AllowedValues: [hunter2-default, hunter2-other]\n" +
		"Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      MasterUsername: admin\n      MasterUserPassword: s3cr3t-literal\n      BacktrackWindow: !Ref Pw\n  Db2:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      MasterUserPassword: !Ref Pw\n"
	inv := scanFiles(t, map[string]string{"t.yaml": tmpl}, Options{Parameters: []string{"Pw=hunter2-flag"}})
	b, _ := json.Marshal(inv)
	fs, _ := json.Marshal(verdicts(inv))
	for _, secret := range []string{"s3cr3t-literal", "hunter2-flag", "hunter2-default", "hunter2-other"} {
		if strings.Contains(string(b), secret) || strings.Contains(string(fs), secret) {
			t.Errorf("secret %q leaked into the inventory or findings", secret)
		}
	}
	if !strings.Contains(string(b), "NoEcho value hidden") {
		t.Errorf("expected the NoEcho value to be named as hidden:\n%s", dumpInventory(inv))
	}
}
