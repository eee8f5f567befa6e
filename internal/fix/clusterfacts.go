package fix

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/model"
)

// ClusterFacts is what a runbook or a migration needs to know about the
// source cluster: the settings the new cluster must copy (same subnet group,
// security groups, parameter groups and KMS key; instances matching the
// source; https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html).
type ClusterFacts struct {
	Identifier            string
	ARN                   string
	Account               string
	Region                string
	Engine                string
	EngineVersion         string
	EngineMode            string
	Port                  int32
	SubnetGroup           string
	SecurityGroups        []string
	ClusterParameterGroup string
	KMSKeyID              string
	StorageEncrypted      bool
	DeletionProtection    bool
	BacktrackWindow       int64
	Endpoint              string
	ReaderEndpoint        string
	Status                string
	Instances             []InstanceFacts
	Tags                  map[string]string

	// Source is where the facts come from: aws (complete) or IaC (partial:
	// what live AWS would tell is a placeholder).
	Source model.SourceKind
	// Address and Location name the IaC resource, for the adoption section.
	Address  string
	Location model.Location
}

// InstanceFacts is one DB instance of the source cluster.
type InstanceFacts struct {
	Identifier       string
	Class            string
	ParameterGroup   string
	AvailabilityZone string
	Writer           bool
	PromotionTier    int32
}

// FactsFromCluster builds the partial facts an IaC cluster gives.
func FactsFromCluster(c model.Cluster) ClusterFacts {
	f := ClusterFacts{Identifier: c.Name, ARN: c.ARN, Account: c.Account, Region: c.Region, Source: c.Source,
		Address: c.Address, Location: c.Location, Tags: c.Tags}
	f.Engine, _ = c.Engine.Get()
	f.EngineVersion, _ = c.EngineVersion.Get()
	f.EngineMode, _ = c.EngineMode.Get()
	f.BacktrackWindow, _ = c.BacktrackWindow.Get()
	for i, cl := range c.InstanceClasses {
		f.Instances = append(f.Instances, InstanceFacts{Class: cl, Writer: i == 0})
	}
	return f
}

// ErrClusterNotFound is returned when DescribeDBClusters does not know the cluster.
var ErrClusterNotFound = errors.New("DB cluster not found")

// ReadCluster reads a live cluster by identifier or ARN with
// DescribeDBClusters and its instances with DescribeDBInstances.
func ReadCluster(ctx context.Context, api *rds.Client, ref string) (ClusterFacts, error) {
	out, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(ref)})
	if err != nil {
		var nf *types.DBClusterNotFoundFault
		if errors.As(err, &nf) {
			return ClusterFacts{}, fmt.Errorf("%s: %w", ref, ErrClusterNotFound)
		}
		return ClusterFacts{}, err
	}
	if len(out.DBClusters) == 0 {
		return ClusterFacts{}, fmt.Errorf("%s: %w", ref, ErrClusterNotFound)
	}
	c := out.DBClusters[0]
	f := ClusterFacts{
		Identifier: aws.ToString(c.DBClusterIdentifier), ARN: aws.ToString(c.DBClusterArn),
		Engine: aws.ToString(c.Engine), EngineVersion: aws.ToString(c.EngineVersion), EngineMode: aws.ToString(c.EngineMode),
		Port: aws.ToInt32(c.Port), SubnetGroup: aws.ToString(c.DBSubnetGroup),
		ClusterParameterGroup: aws.ToString(c.DBClusterParameterGroup), KMSKeyID: aws.ToString(c.KmsKeyId),
		StorageEncrypted: aws.ToBool(c.StorageEncrypted), DeletionProtection: aws.ToBool(c.DeletionProtection),
		BacktrackWindow: aws.ToInt64(c.BacktrackWindow), Endpoint: aws.ToString(c.Endpoint),
		ReaderEndpoint: aws.ToString(c.ReaderEndpoint), Status: aws.ToString(c.Status),
		Source: model.SourceAWS, Tags: map[string]string{},
	}
	if p := strings.Split(f.ARN, ":"); len(p) >= 6 {
		f.Region, f.Account = p[3], p[4]
	}
	for _, sg := range c.VpcSecurityGroups {
		f.SecurityGroups = append(f.SecurityGroups, aws.ToString(sg.VpcSecurityGroupId))
	}
	for _, t := range c.TagList {
		f.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	writer := map[string]bool{}
	for _, m := range c.DBClusterMembers {
		writer[aws.ToString(m.DBInstanceIdentifier)] = aws.ToBool(m.IsClusterWriter)
	}
	ins, err := api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{
		Filters: []types.Filter{{Name: aws.String("db-cluster-id"), Values: []string{f.Identifier}}}})
	if err != nil {
		return f, fmt.Errorf("DescribeDBInstances for %s: %w", f.Identifier, err)
	}
	for _, i := range ins.DBInstances {
		if aws.ToString(i.DBClusterIdentifier) != f.Identifier {
			continue
		}
		fi := InstanceFacts{Identifier: aws.ToString(i.DBInstanceIdentifier), Class: aws.ToString(i.DBInstanceClass),
			AvailabilityZone: aws.ToString(i.AvailabilityZone), Writer: writer[aws.ToString(i.DBInstanceIdentifier)],
			PromotionTier: aws.ToInt32(i.PromotionTier)}
		if len(i.DBParameterGroups) > 0 {
			fi.ParameterGroup = aws.ToString(i.DBParameterGroups[0].DBParameterGroupName)
		}
		f.Instances = append(f.Instances, fi)
	}
	// Writer first, then by identifier: the order instances are created in.
	sort.SliceStable(f.Instances, func(a, b int) bool {
		if f.Instances[a].Writer != f.Instances[b].Writer {
			return f.Instances[a].Writer
		}
		return f.Instances[a].Identifier < f.Instances[b].Identifier
	})
	return f, nil
}
