package scan

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kumoguard/kumoguard/internal/model"
	awssource "github.com/kumoguard/kumoguard/internal/source/aws"
)

// ErrClusterNotFound is returned by LiveCluster for a cluster AWS does not know.
var ErrClusterNotFound = awssource.ErrClusterNotFound

// LiveCluster reads one live cluster by identifier or ARN through the AWS
// source (DescribeDBClusters and DescribeDBInstances, read-only), built by
// the same code as a live scan's clusters, with the settings and instances a
// migration copies. cfg gives the credentials and Region (an ARN's Region
// wins); build it with internal/awsapi so every call is bounded by the call
// timeout. It is how runbook, migrate and fix --check-aws read a cluster.
func LiveCluster(ctx context.Context, cfg aws.Config, ref string) (model.Cluster, error) {
	return awssource.DescribeCluster(ctx, cfg, ref)
}

// RegionOfARN returns the Region of a cluster ARN, or "" when ref is not an ARN.
func RegionOfARN(ref string) string { return awssource.RegionOf(ref) }
