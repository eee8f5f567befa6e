package fix

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

func liveFacts() ClusterFacts {
	return ClusterFacts{
		Identifier: "orders-prod", ARN: "arn:aws:rds:ap-northeast-1:111122223333:cluster:orders-prod",
		Account: "111122223333", Region: "ap-northeast-1", Engine: "aurora-mysql", EngineVersion: "8.0.mysql_aurora.3.04.0",
		EngineMode: "provisioned", Port: 3306, SubnetGroup: "app-db", SecurityGroups: []string{"sg-0123456789abcdef0", "sg-0fedcba9876543210"},
		ClusterParameterGroup: "orders-aurora-mysql8", KMSKeyID: "arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		StorageEncrypted: true, DeletionProtection: true, Endpoint: "orders-prod.cluster-c1a2b3c4d5e6.ap-northeast-1.rds.amazonaws.com",
		Source: model.SourceAWS,
		Instances: []InstanceFacts{
			{Identifier: "orders-prod-1", Class: "db.r6g.xlarge", ParameterGroup: "orders-instance", AvailabilityZone: "ap-northeast-1a", Writer: true, PromotionTier: 1},
			{Identifier: "orders-prod-2", Class: "db.r6g.xlarge", ParameterGroup: "orders-instance", AvailabilityZone: "ap-northeast-1c", PromotionTier: 1},
		},
	}
}

func TestRunbookGolden(t *testing.T) {
	tfFacts := ClusterFacts{Identifier: "legacy-prod", Engine: "aurora-mysql", EngineVersion: "5.7.mysql_aurora.2.12.4",
		Source: model.SourceTerraform, Address: "module.db.aws_rds_cluster.this[0]", Location: model.Location{File: "envs/prod/main.tf", Line: 12, Column: 1}}
	cfnFacts := ClusterFacts{Identifier: "orders", Engine: "aurora-mysql", Source: model.SourceCloudFormation,
		Address: "OrdersCluster", Location: model.Location{File: "template.yaml", Line: 5, Column: 3}}
	cases := []struct {
		name   string
		facts  ClusterFacts
		window int64
		has    []string
		hasNot []string
	}{
		{"live", liveFacts(), 86400, []string{
			"--db-subnet-group-name app-db", "--vpc-security-group-ids sg-0123456789abcdef0 sg-0fedcba9876543210",
			"--db-cluster-parameter-group-name orders-aurora-mysql8", "--kms-key-id arn:aws:kms:", "--backtrack-window 86400",
			"--db-instance-class db.r6g.xlarge", "--db-parameter-group-name orders-instance", "--availability-zone ap-northeast-1c",
			"--deletion-protection", "mysql.rds_set_external_source", "--region ap-northeast-1", "CHECKSUM TABLE", "terraform state rm"},
			[]string{"copy-on-write", "<db-subnet-group>"}},
		{"terraform", tfFacts, 172800, []string{"<db-subnet-group>", "mysql.rds_set_external_master", "module.db.aws_rds_cluster.this[0]",
			"resource \"aws_rds_cluster\" \"this\"", "backtrack_window   = 172800", "snapshot_identifier"}, nil},
		{"cloudformation", cfnFacts, 86400, []string{"--change-set-type IMPORT", "DeletionPolicy: Retain", "BacktrackWindow: 86400"}, []string{"terraform state rm"}},
	}
	for _, tc := range cases {
		for _, lang := range []string{"en", "ja"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				md := Runbook(tc.facts, RunbookOptions{Lang: lang, WindowSeconds: tc.window})
				for _, want := range tc.has {
					if !strings.Contains(md, want) {
						t.Errorf("runbook lacks %q", want)
					}
				}
				for _, bad := range tc.hasNot {
					if strings.Contains(md, bad) {
						t.Errorf("runbook contains %q", bad)
					}
				}
				if strings.Count(md, "```")%2 != 0 {
					t.Error("unbalanced code fences")
				}
				golden(t, filepath.Join("testdata", "runbook", tc.name+"."+lang+".md"), md)
			})
		}
	}
}

func TestMigrationPlanNamesAndWriterFirst(t *testing.T) {
	p := PlanMigration(liveFacts(), 86400)
	if p.Names.NewCluster != "orders-prod-bt" || p.Names.Snapshot != "orders-prod-pre-backtrack" {
		t.Errorf("names %+v", p.Names)
	}
	if len(p.Instances) != 2 || !p.Instances[0].Writer || p.Instances[0].Identifier != "orders-prod-1-bt" {
		t.Errorf("instances %+v", p.Instances)
	}
	iac := PlanMigration(ClusterFacts{Identifier: "x", Source: model.SourceTerraform}, 86400)
	if len(iac.Instances) != 1 || iac.Instances[0].Identifier != "x-bt-1" || !strings.Contains(iac.InstanceCommands()[0], "<instance-class>") {
		t.Errorf("IaC plan instances %+v", iac.Instances)
	}
}
