package fix

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// describedCluster is a cluster as awssource.DescribeCluster builds it.
func describedCluster() model.Cluster {
	arn := "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-prod"
	loc := model.Location{Account: "123456789012", Region: "ap-northeast-1", ARN: arn}
	return model.Cluster{
		Source: model.SourceAWS, Type: "AWS::RDS::DBCluster", Address: arn, Name: "orders-prod", Location: loc,
		Account: "123456789012", Region: "ap-northeast-1", ARN: arn, Status: "available",
		Engine: model.KnownValue("aurora-mysql", loc), EngineVersion: model.KnownValue("8.0.mysql_aurora.3.04.0", loc),
		EngineMode: model.KnownValue("provisioned", loc), BacktrackWindow: model.KnownValue(int64(0), loc),
		InstanceClasses: []string{"db.r6g.large", "db.r6g.large"},
		Tags:            map[string]string{"team": "payments"},
		Settings: &model.ClusterSettings{Port: 3306, SubnetGroup: "default", SecurityGroups: []string{"sg-0123456789abcdef0"},
			ClusterParameterGroup: "default.aurora-mysql8.0", DeletionProtection: true,
			Endpoint: "orders-prod.cluster-x.ap-northeast-1.rds.amazonaws.com"},
		Instances: []model.Instance{
			{Identifier: "orders-prod-1", Class: "db.r6g.large", Writer: true, AvailabilityZone: "ap-northeast-1a"},
			{Identifier: "orders-prod-2", Class: "db.r6g.large", PromotionTier: 2, ParameterGroup: "ipg"},
		},
	}
}

func TestFactsFromCluster(t *testing.T) {
	iac := model.Cluster{Source: model.SourceTerraform, Name: "legacy", Address: "aws_rds_cluster.legacy",
		Engine: model.KnownValue("aurora-mysql", model.Location{}), InstanceClasses: []string{"db.r6g.large", "db.r6g.xlarge"}}
	for _, tt := range []struct {
		name string
		in   model.Cluster
		want ClusterFacts
	}{
		{name: "live", in: describedCluster(), want: ClusterFacts{
			Identifier: "orders-prod", ARN: "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-prod", Account: "123456789012",
			Region: "ap-northeast-1", Engine: "aurora-mysql", EngineVersion: "8.0.mysql_aurora.3.04.0", EngineMode: "provisioned",
			Port: 3306, SubnetGroup: "default", SecurityGroups: []string{"sg-0123456789abcdef0"},
			ClusterParameterGroup: "default.aurora-mysql8.0", DeletionProtection: true,
			Endpoint: "orders-prod.cluster-x.ap-northeast-1.rds.amazonaws.com", Status: "available",
			Instances: []InstanceFacts{
				{Identifier: "orders-prod-1", Class: "db.r6g.large", Writer: true, AvailabilityZone: "ap-northeast-1a"},
				{Identifier: "orders-prod-2", Class: "db.r6g.large", PromotionTier: 2, ParameterGroup: "ipg"},
			},
			Tags: map[string]string{"team": "payments"}, Source: model.SourceAWS,
			Address:  "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-prod",
			Location: model.Location{Account: "123456789012", Region: "ap-northeast-1", ARN: "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-prod"},
		}},
		{name: "iac: classes only, the first is the writer", in: iac, want: ClusterFacts{
			Identifier: "legacy", Engine: "aurora-mysql", Source: model.SourceTerraform, Address: "aws_rds_cluster.legacy",
			Instances: []InstanceFacts{{Class: "db.r6g.large", Writer: true}, {Class: "db.r6g.xlarge"}},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := FactsFromCluster(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestRunbookFromLiveCluster: the runbook of a live cluster copies its
// network, instances and Region into every command.
func TestRunbookFromLiveCluster(t *testing.T) {
	md := Runbook(FactsFromCluster(describedCluster()), RunbookOptions{Lang: "en", WindowSeconds: 86400})
	for _, want := range []string{"--vpc-security-group-ids sg-0123456789abcdef0", "--db-instance-identifier orders-prod-2-bt",
		"--region ap-northeast-1", "--db-subnet-group-name default", "--deletion-protection", "--promotion-tier 2"} {
		if !strings.Contains(md, want) {
			t.Errorf("runbook lacks %q", want)
		}
	}
}
