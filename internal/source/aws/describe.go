package awssource

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/model"
)

// ErrClusterNotFound is returned by DescribeCluster when DescribeDBClusters
// does not know the cluster.
var ErrClusterNotFound = errors.New("DB cluster not found")

// RegionOf returns the Region of a cluster ARN, or "" when ref is not an ARN.
func RegionOf(ref string) string {
	if p := strings.Split(ref, ":"); strings.HasPrefix(ref, "arn:") && len(p) >= 6 {
		return p[3]
	}
	return ""
}

// DescribeCluster reads one live cluster by identifier or ARN, read-only,
// with the credentials of cfg in cfg's Region (an ARN's Region wins): the
// cluster with DescribeDBClusters and its instances with DescribeDBInstances.
// The result is built by the same code as a scan's clusters (settings and
// instances included; CloudWatch metrics and DescribeGlobalClusters are not
// read, GlobalClusterIdentifier still tells global membership). A cluster
// that does not exist is ErrClusterNotFound. Use a configuration from
// internal/awsapi so each call is bounded by the call timeout.
func DescribeCluster(ctx context.Context, cfg aws.Config, ref string) (model.Cluster, error) {
	if r := RegionOf(ref); r != "" {
		cfg = cfg.Copy()
		cfg.Region = r
	}
	client := rds.NewFromConfig(cfg)
	out, err := client.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(ref)})
	if err != nil {
		var nf *rdstypes.DBClusterNotFoundFault
		if errors.As(err, &nf) {
			return model.Cluster{}, fmt.Errorf("%s: %w", ref, ErrClusterNotFound)
		}
		return model.Cluster{}, err
	}
	if len(out.DBClusters) == 0 {
		return model.Cluster{}, fmt.Errorf("%s: %w", ref, ErrClusterNotFound)
	}
	c := out.DBClusters[0]
	id := aws.ToString(c.DBClusterIdentifier)
	account, region := "", cfg.Region
	if p := strings.Split(aws.ToString(c.DBClusterArn), ":"); len(p) >= 6 {
		region, account = p[3], p[4]
	}
	instances := map[string][]rdstypes.DBInstance{}
	p := rds.NewDescribeDBInstancesPaginator(client, &rds.DescribeDBInstancesInput{
		MaxRecords: aws.Int32(pageSize),
		Filters:    []rdstypes.Filter{{Name: aws.String("db-cluster-id"), Values: []string{id}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return model.Cluster{}, fmt.Errorf("DescribeDBInstances for %s: %w", id, err)
		}
		for _, in := range page.DBInstances {
			if aws.ToString(in.DBClusterIdentifier) == id {
				instances[id] = append(instances[id], in)
			}
		}
	}
	return buildCluster(c, account, region, time.Now().UTC(), instances, nil, nil), nil
}
