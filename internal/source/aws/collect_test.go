package awssource

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"

	"github.com/kumoguard/kumoguard/internal/model"
)

func TestBuildCluster(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	arn := "arn:aws:rds:eu-west-1:111122223333:cluster:c1"
	base := func(mut func(c *rdstypes.DBCluster)) rdstypes.DBCluster {
		c := rdstypes.DBCluster{DBClusterIdentifier: aws.String("c1"), DBClusterArn: aws.String(arn),
			Engine: aws.String("aurora-mysql"), EngineMode: aws.String("provisioned"), Status: aws.String("available")}
		if mut != nil {
			mut(&c)
		}
		return c
	}
	tests := []struct {
		name     string
		in       rdstypes.DBCluster
		insts    map[string][]rdstypes.DBInstance
		classErr error
		globals  map[string]string
		check    func(t *testing.T, c model.Cluster)
	}{
		{name: "absent window is a known 0", in: base(nil), check: func(t *testing.T, c model.Cluster) {
			if c.BacktrackWindow.State != model.Known || c.BacktrackWindow.V != 0 || !strings.Contains(c.BacktrackWindow.Why.EN, "absent") {
				t.Errorf("%+v", c.BacktrackWindow)
			}
		}},
		{name: "window and earliest time", in: base(func(c *rdstypes.DBCluster) {
			c.BacktrackWindow = aws.Int64(86400)
			c.EarliestBacktrackTime = aws.Time(now.Add(-23 * time.Hour))
			c.BacktrackConsumedChangeRecords = aws.Int64(42)
		}), check: func(t *testing.T, c model.Cluster) {
			if v, _ := c.Live.ActualWindowSeconds.Get(); v != 23*3600 {
				t.Errorf("actual = %d", v)
			}
			if v, _ := c.Live.ConsumedChangeRecords.Get(); v != 42 {
				t.Errorf("consumed = %d", v)
			}
		}},
		{name: "no earliest time is unknown with why", in: base(func(c *rdstypes.DBCluster) { c.BacktrackWindow = aws.Int64(3600) }),
			check: func(t *testing.T, c model.Cluster) {
				if c.Live.ActualWindowSeconds.State != model.Unknown || c.Live.ActualWindowSeconds.Why.JA == "" {
					t.Errorf("%+v", c.Live.ActualWindowSeconds)
				}
			}},
		{name: "binlog replica", in: base(func(c *rdstypes.DBCluster) { c.ReplicationSourceIdentifier = aws.String("arn:src") }),
			check: func(t *testing.T, c model.Cluster) {
				if v, _ := c.ReplicationSource.Get(); v != "arn:src" {
					t.Errorf("%+v", c.ReplicationSource)
				}
			}},
		{name: "binlog source", in: base(func(c *rdstypes.DBCluster) { c.ReadReplicaIdentifiers = []string{"arn:r1"} }),
			check: func(t *testing.T, c model.Cluster) {
				if len(c.ReadReplicas) != 1 || c.ReadReplicas[0] != "arn:r1" {
					t.Errorf("%v", c.ReadReplicas)
				}
			}},
		{name: "global member by field", in: base(func(c *rdstypes.DBCluster) { c.GlobalClusterIdentifier = aws.String("g1") }),
			check: func(t *testing.T, c model.Cluster) {
				if v, _ := c.GlobalClusterID.Get(); v != "g1" {
					t.Errorf("%+v", c.GlobalClusterID)
				}
			}},
		{name: "global member by DescribeGlobalClusters", in: base(nil), globals: map[string]string{arn: "g2"},
			check: func(t *testing.T, c model.Cluster) {
				if v, _ := c.GlobalClusterID.Get(); v != "g2" || c.GlobalClusterID.Provenance[0].Name != "DescribeGlobalClusters.GlobalClusterMembers" {
					t.Errorf("%+v", c.GlobalClusterID)
				}
			}},
		{name: "not global", in: base(nil), check: func(t *testing.T, c model.Cluster) {
			if v, ok := c.GlobalClusterID.Get(); !ok || v != "" {
				t.Errorf("%+v", c.GlobalClusterID)
			}
		}},
		{name: "serverless v2 by instance class", in: base(nil), insts: map[string][]rdstypes.DBInstance{"c1": {{DBInstanceClass: aws.String("db.serverless")}, {DBInstanceClass: aws.String("db.r6g.large")}}},
			check: func(t *testing.T, c model.Cluster) {
				if v, ok := c.ServerlessV2.Get(); !ok || !v || len(c.InstanceClasses) != 2 {
					t.Errorf("%+v %v", c.ServerlessV2, c.InstanceClasses)
				}
			}},
		{name: "serverless v2 unknown when instances could not be read", in: base(nil),
			classErr: &smithy.GenericAPIError{Code: "AccessDenied", Message: "no"},
			check: func(t *testing.T, c model.Cluster) {
				if c.ServerlessV2.State != model.Unknown || !strings.Contains(c.ServerlessV2.Why.EN, "AccessDenied") {
					t.Errorf("%+v", c.ServerlessV2)
				}
			}},
		{name: "identity and tags", in: base(func(c *rdstypes.DBCluster) {
			c.TagList = []rdstypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}
		}), check: func(t *testing.T, c model.Cluster) {
			if c.Address != arn || c.ARN != arn || c.Name != "c1" || c.Account != "111122223333" || c.Region != "eu-west-1" ||
				c.Tags["env"] != "prod" || c.Type != ClusterType || c.Source != model.SourceAWS || c.Location.ARN != arn {
				t.Errorf("%+v", c)
			}
		}},
		{name: "settings and instances a copy needs, writer first", in: base(func(c *rdstypes.DBCluster) {
			c.Port, c.DBSubnetGroup, c.KmsKeyId = aws.Int32(3306), aws.String("db-subnets"), aws.String("arn:kms")
			c.DBClusterParameterGroup, c.DeletionProtection = aws.String("cpg"), aws.Bool(true)
			c.VpcSecurityGroups = []rdstypes.VpcSecurityGroupMembership{{VpcSecurityGroupId: aws.String("sg-1")}}
			c.DBClusterMembers = []rdstypes.DBClusterMember{{DBInstanceIdentifier: aws.String("c1-b"), IsClusterWriter: aws.Bool(true)},
				{DBInstanceIdentifier: aws.String("c1-a"), IsClusterWriter: aws.Bool(false)}}
		}), insts: map[string][]rdstypes.DBInstance{"c1": {
			{DBInstanceIdentifier: aws.String("c1-a"), DBInstanceClass: aws.String("db.r6g.large"), PromotionTier: aws.Int32(2)},
			{DBInstanceIdentifier: aws.String("c1-b"), DBInstanceClass: aws.String("db.r6g.xlarge"), AvailabilityZone: aws.String("eu-west-1a"),
				DBParameterGroups: []rdstypes.DBParameterGroupStatus{{DBParameterGroupName: aws.String("ipg")}}},
		}}, check: func(t *testing.T, c model.Cluster) {
			st := c.Settings
			if st == nil || st.Port != 3306 || st.SubnetGroup != "db-subnets" || st.KMSKeyID != "arn:kms" || st.ClusterParameterGroup != "cpg" ||
				!st.DeletionProtection || len(st.SecurityGroups) != 1 || st.SecurityGroups[0] != "sg-1" {
				t.Errorf("settings %+v", st)
			}
			want := []model.Instance{
				{Identifier: "c1-b", Class: "db.r6g.xlarge", ParameterGroup: "ipg", AvailabilityZone: "eu-west-1a", Writer: true},
				{Identifier: "c1-a", Class: "db.r6g.large", PromotionTier: 2},
			}
			if len(c.Instances) != 2 || c.Instances[0] != want[0] || c.Instances[1] != want[1] {
				t.Errorf("instances %+v", c.Instances)
			}
		}},
		{name: "nothing set does not panic", in: rdstypes.DBCluster{}, check: func(t *testing.T, c model.Cluster) {
			if c.Engine.State != model.Absent {
				t.Errorf("engine %+v", c.Engine)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, buildCluster(tt.in, "111122223333", "eu-west-1", now, tt.insts, tt.classErr, tt.globals))
		})
	}
}

func TestDiagnosticMapsErrorCodes(t *testing.T) {
	tests := []struct {
		err    error
		reason model.Reason
		code   string
	}{
		{&smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized"}, model.ReasonAccessDenied, "AccessDenied"},
		{&smithy.GenericAPIError{Code: "AccessDeniedException", Message: "x"}, model.ReasonAccessDenied, "AccessDeniedException"},
		{&smithy.GenericAPIError{Code: "OptInRequired", Message: "region not enabled"}, model.ReasonAccessDenied, "OptInRequired"},
		{&smithy.GenericAPIError{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid"}, model.ReasonAccessDenied, "InvalidClientTokenId"},
		{&smithy.GenericAPIError{Code: "InternalFailure", Message: "boom"}, model.ReasonAPIError, "InternalFailure"},
		{errors.New("dial tcp: connection refused"), model.ReasonAPIError, "error"},
	}
	for _, tt := range tests {
		d := diagnostic("111122223333", "ap-east-1", tt.err, model.T("rds:DescribeDBClusters", "rds:DescribeDBClusters"))
		if d.Status != model.StatusError || d.Reason != tt.reason || !strings.Contains(d.Message.EN, tt.code) || !strings.Contains(d.Message.JA, tt.code) {
			t.Errorf("%v: %+v", tt.err, d)
		}
		if d.Resource.Account != "111122223333" || d.Resource.Region != "ap-east-1" || d.Resource.Kind != model.SourceAWS {
			t.Errorf("resource: %+v", d.Resource)
		}
	}
}

// FuzzBuildCluster: whatever DescribeDBClusters returns, mapping never panics
// and never invents a window.
func FuzzBuildCluster(f *testing.F) {
	f.Add("c1", "aurora-mysql", "provisioned", int64(86400), int64(3600), "g", "src", true)
	f.Add("", "", "", int64(-1), int64(-99999999999), "", "", false)
	f.Add("X", "aurora", "serverless", int64(1<<62), int64(1<<40), "", "", true)
	f.Fuzz(func(t *testing.T, id, engine, mode string, window, earliestAgo int64, global, repl string, hasWindow bool) {
		now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		c := rdstypes.DBCluster{DBClusterIdentifier: aws.String(id), Engine: aws.String(engine), EngineMode: aws.String(mode),
			GlobalClusterIdentifier: aws.String(global), ReplicationSourceIdentifier: aws.String(repl),
			EarliestBacktrackTime: aws.Time(now.Add(-time.Duration(earliestAgo)))}
		if hasWindow {
			c.BacktrackWindow = aws.Int64(window)
		}
		m := buildCluster(c, "1", "r", now, nil, nil, nil)
		if hasWindow && m.BacktrackWindow.V != window {
			t.Fatalf("window %d became %d", window, m.BacktrackWindow.V)
		}
		if !hasWindow && (m.BacktrackWindow.V != 0 || m.BacktrackWindow.State != model.Known) {
			t.Fatalf("absent window must be a known 0")
		}
	})
}
