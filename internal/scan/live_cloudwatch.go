package scan

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	awssource "github.com/kumoguard/kumoguard/internal/source/aws"
)

// CloudWatchClient is the CloudWatch client the live scan reads backtrack
// metrics with (its wire protocol pinned, see awssource.NewCloudWatchClient),
// for the drills' read of production's BacktrackWindowAlert.
func CloudWatchClient(cfg aws.Config) *cloudwatch.Client { return awssource.NewCloudWatchClient(cfg) }
