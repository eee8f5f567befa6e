package drill

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/scan"
)

// MaxEventsLookback: DescribeEvents returns the past 14 days only.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeEvents.html
const MaxEventsLookback = 14 * 24 * time.Hour

// ProductionWindow reads, read-only, what the source itself could have
// rewound: its achieved window (now − EarliestBacktrackTime, from the same
// LiveCluster read as a scan), the sum of BacktrackWindowAlert over the
// look-back period (instance-level metric of the writer, read with the scan's
// CloudWatch client) and the RDS-EVENT-0131 events ("the actual backtrack
// window is smaller than the target") of its instances.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Monitoring.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html
func ProductionWindow(ctx context.Context, cfg aws.Config, pf Preflight, lookback time.Duration, now time.Time) evidence.ProductionWindow {
	c := pf.Cluster
	w, _ := c.BacktrackWindow.Get()
	pw := evidence.ProductionWindow{MeasuredAt: now, TargetWindowSeconds: w, LookbackSeconds: int64(lookback / time.Second)}
	if c.Live != nil && c.Live.EarliestBacktrackTime != nil {
		t := c.Live.EarliestBacktrackTime.UTC()
		pw.EarliestBacktrackTime = &t
		pw.AchievedSeconds = max(int64(now.Sub(t)/time.Second), 0)
	}
	if pf.Writer == "" {
		pw.WindowAlertError = "the cluster has no writer instance; BacktrackWindowAlert is reported per writer instance"
	} else {
		period := int32(3600)
		if lookback < time.Hour {
			period = 60
		}
		out, err := scan.CloudWatchClient(cfg).GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(now.Add(-lookback)), EndTime: aws.Time(now),
			MetricDataQueries: []cwtypes.MetricDataQuery{{
				Id: aws.String("alert"), ReturnData: aws.Bool(true),
				MetricStat: &cwtypes.MetricStat{Period: aws.Int32(period), Stat: aws.String("Sum"), Metric: &cwtypes.Metric{
					Namespace: aws.String("AWS/RDS"), MetricName: aws.String("BacktrackWindowAlert"),
					Dimensions: []cwtypes.Dimension{{Name: aws.String("DBInstanceIdentifier"), Value: aws.String(pf.Writer)}}}},
			}},
		})
		if err != nil {
			pw.WindowAlertError = "cloudwatch:GetMetricData failed: " + err.Error()
		} else {
			sum := 0.0
			for _, r := range out.MetricDataResults {
				for _, v := range r.Values {
					sum += v
				}
			}
			pw.WindowAlertSum = &sum
		}
	}
	evLookback := min(lookback, MaxEventsLookback)
	p := rds.NewDescribeEventsPaginator(rds.NewFromConfig(cfg), &rds.DescribeEventsInput{
		SourceType: types.SourceTypeDbInstance, EventCategories: []string{"backtrack"},
		StartTime: aws.Time(now.Add(-evLookback)), EndTime: aws.Time(now)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			pw.EventsError = fmt.Sprintf("rds:DescribeEvents failed: %v", err)
			break
		}
		for _, e := range page.Events {
			msg := aws.ToString(e.Message)
			if !slices.Contains(pf.Instances, aws.ToString(e.SourceIdentifier)) || !isEvent0131(msg) {
				continue
			}
			pw.Event0131 = append(pw.Event0131, evidence.Event{Time: aws.ToTime(e.Date).UTC(), Message: msg})
		}
	}
	return pw
}

// isEvent0131 tells RDS-EVENT-0131 by its message (the API's Event has no
// event ID): "The actual Backtrack window is smaller than the target
// Backtrack window you specified." RDS-EVENT-0132 says "equal".
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html
func isEvent0131(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "backtrack window") && strings.Contains(m, "smaller than")
}
