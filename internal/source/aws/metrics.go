package awssource

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/pricing"
)

// MaxQueriesPerCall is GetMetricData's limit of MetricDataQueries per call.
const MaxQueriesPerCall = 500

// HoursPerMonth is the month used for cost estimates (730 h; price per
// change-record-hour: https://aws.amazon.com/rds/aurora/pricing/).
const HoursPerMonth = 730

// Metric names (namespace AWS/RDS):
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
const (
	metricAlert    = "BacktrackWindowAlert"               // instance level: DBInstanceIdentifier (writer)
	metricStored   = "BacktrackChangeRecordsStored"       // cluster level: DBClusterIdentifier
	metricCreation = "BacktrackChangeRecordsCreationRate" // cluster level: DBClusterIdentifier
)

// NewCloudWatchClient builds the CloudWatch client the scanner uses.
//
// Protocol choice: aws-sdk-go-v2 cloudwatch ≥ v1.53 speaks Smithy RPC v2
// CBOR by default. Real CloudWatch accepts CBOR, awsJson1_0 and awsQuery;
// moto only JSON and Query. The scanner pins awsJson1_0
// here, in production code, so the tests against moto exercise exactly the
// wire protocol production uses. JSON over Query: smaller responses, no XML,
// and the SDK's current generated schemas stay in use (no version pin).
func NewCloudWatchClient(cfg aws.Config) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsjson.New10(cwschemas.GraniteServiceVersion20100801)
	})
}

type metricRef struct {
	cluster int    // index in the clusters slice
	metric  string // metric name
}

// collectMetrics fetches, for every backtrack-enabled Aurora MySQL cluster,
// the alerts, stored change records and creation rate over the look-back
// period, with GetMetricData batched at 500 queries per call (never one
// call per metric), and fills each cluster's LiveState.
func (s *Scanner) collectMetrics(ctx context.Context, cfg aws.Config, cs []model.Cluster, writers map[string]string, now time.Time) {
	lookback := s.o.Lookback
	period := int32((lookback + time.Minute - 1) / time.Minute * 60)
	if lookback >= time.Hour {
		period = int32((lookback + time.Hour - 1) / time.Hour * 3600)
	}
	var (
		queries []cwtypes.MetricDataQuery
		refs    = map[string]metricRef{}
	)
	add := func(i int, metric, dimName, dimValue, stat string) {
		id := fmt.Sprintf("m%d_%d", i, len(refs))
		refs[id] = metricRef{cluster: i, metric: metric}
		queries = append(queries, cwtypes.MetricDataQuery{
			Id: aws.String(id),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{
					Namespace:  aws.String("AWS/RDS"),
					MetricName: aws.String(metric),
					Dimensions: []cwtypes.Dimension{{Name: aws.String(dimName), Value: aws.String(dimValue)}},
				},
				Period: aws.Int32(period),
				Stat:   aws.String(stat),
			},
			ReturnData: aws.Bool(true),
		})
	}
	for i := range cs {
		c := &cs[i]
		w, ok := c.BacktrackWindow.Get()
		if !ok || w <= 0 || !isAuroraMySQL(c.Engine.V) || c.Live == nil {
			continue
		}
		c.Live.LookbackSeconds = int64(lookback / time.Second)
		if writer := writers[c.Name]; writer != "" {
			add(i, metricAlert, "DBInstanceIdentifier", writer, "Sum")
		} else {
			c.Live.WindowAlerts = model.UnknownValue[float64](c.Location, model.T(
				"The cluster has no writer instance, and BacktrackWindowAlert is reported per writer instance.",
				"クラスターにライターインスタンスがありません。BacktrackWindowAlert はライターインスタンス単位で報告されます。"))
		}
		add(i, metricStored, "DBClusterIdentifier", c.Name, "Average")
		add(i, metricCreation, "DBClusterIdentifier", c.Name, "Average")
	}
	if len(queries) == 0 {
		return
	}
	client := NewCloudWatchClient(cfg)
	values := map[string][]float64{}
	failed := map[int]error{}
	start, end := now.Add(-lookback), now
	for off := 0; off < len(queries); off += MaxQueriesPerCall {
		batch := queries[off:min(off+MaxQueriesPerCall, len(queries))]
		in := &cloudwatch.GetMetricDataInput{MetricDataQueries: batch, StartTime: aws.Time(start), EndTime: aws.Time(end),
			ScanBy: cwtypes.ScanByTimestampDescending}
		p := cloudwatch.NewGetMetricDataPaginator(client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				for _, q := range batch {
					failed[refs[aws.ToString(q.Id)].cluster] = err
				}
				break
			}
			for _, r := range page.MetricDataResults {
				values[aws.ToString(r.Id)] = append(values[aws.ToString(r.Id)], r.Values...)
			}
		}
	}
	type agg struct {
		alerts, stored, rate []float64
		seen                 map[string]bool
	}
	per := map[int]*agg{}
	for id, ref := range refs {
		a := per[ref.cluster]
		if a == nil {
			a = &agg{seen: map[string]bool{}}
			per[ref.cluster] = a
		}
		a.seen[ref.metric] = true
		v := values[id]
		switch ref.metric {
		case metricAlert:
			a.alerts = append(a.alerts, v...)
		case metricStored:
			a.stored = append(a.stored, v...)
		case metricCreation:
			a.rate = append(a.rate, v...)
		}
	}
	for i, a := range per {
		c := &cs[i]
		live := c.Live
		origin := model.Origin{Kind: model.OriginAPI, Name: "cloudwatch:GetMetricData", Location: c.Location}
		if err, bad := failed[i]; bad {
			why := model.T("CloudWatch GetMetricData failed: %s", "CloudWatch GetMetricData が失敗しました：%s", errorText(err))
			if a.seen[metricAlert] {
				live.WindowAlerts = model.UnknownValue[float64](c.Location, why)
			}
			live.ChangeRecordsStoredAvg = model.UnknownValue[float64](c.Location, why)
			live.ChangeRecordsCreationRate = model.UnknownValue[float64](c.Location, why)
			live.MonthlyCostUSD = model.UnknownValue[float64](c.Location, why)
			continue
		}
		noData := func(metric string) model.Text {
			return model.T("CloudWatch has no %s datapoints for this cluster over the last %s.",
				"過去 %[2]s の %[1]s のデータポイントが CloudWatch にありません。", metric, model.Text{EN: formatLookback(lookback), JA: model.Duration(int64(lookback / time.Second)).In("ja")})
		}
		if a.seen[metricAlert] {
			if len(a.alerts) == 0 {
				live.WindowAlerts = model.UnknownValue[float64](c.Location, noData(metricAlert))
			} else {
				live.WindowAlerts = model.KnownValue(sum(a.alerts), c.Location, origin)
			}
		}
		if len(a.rate) == 0 {
			live.ChangeRecordsCreationRate = model.UnknownValue[float64](c.Location, noData(metricCreation))
		} else {
			live.ChangeRecordsCreationRate = model.KnownValue(sum(a.rate)/float64(len(a.rate)), c.Location, origin)
		}
		var stored float64
		switch consumed, ok := live.ConsumedChangeRecords.Get(); {
		case len(a.stored) > 0:
			stored = sum(a.stored) / float64(len(a.stored))
			live.ChangeRecordsStoredAvg = model.KnownValue(stored, c.Location, origin)
		case ok:
			// BacktrackConsumedChangeRecords is "the number of change
			// records stored for Backtrack" (API_DBCluster): a point-in-time
			// reading used when CloudWatch has no average.
			// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
			stored = float64(consumed)
			live.ChangeRecordsStoredAvg = model.KnownValue(stored, c.Location, live.ConsumedChangeRecords.Provenance...)
		default:
			live.ChangeRecordsStoredAvg = model.UnknownValue[float64](c.Location, noData(metricStored))
			live.MonthlyCostUSD = model.UnknownValue[float64](c.Location, noData(metricStored))
			continue
		}
		res := s.prices.BacktrackPrice(ctx, c.Region)
		if !res.Known {
			live.PricePerMillionRecordHours, live.PriceSource = 0, ""
			live.MonthlyCostUSD = model.UnknownValue[float64](c.Location, unknownPriceWhy(c.Region, res))
			continue
		}
		price := res.Price
		// cost = stored records × price per 1M record-hours × 730 h
		// (https://aws.amazon.com/rds/aurora/pricing/).
		live.PricePerMillionRecordHours = price.USDPerMillionRecordHours
		live.PriceSource = priceSource(res)
		live.MonthlyCostUSD = model.KnownValue(pricing.MonthlyCostUSD(stored, price.USDPerMillionRecordHours, HoursPerMonth), c.Location, origin)
	}
}

// unknownPriceWhy says why region's backtrack price is unknown: never
// guessed: prices differ by Region, and only the Price List API says what
// they are (https://aws.amazon.com/rds/aurora/pricing/).
func unknownPriceWhy(region string, res pricing.Resolution) model.Text {
	switch {
	case res.APIError != nil:
		return model.T(
			"The backtrack price for region %s is unknown: the AWS Price List API failed (%s), and kumoguard's built-in price table has no price for this region; the cost cannot be estimated.",
			"リージョン %s のバックトラック料金は不明です。AWS Price List API が失敗し（%s）、kumoguard の組み込み料金表にもこのリージョンの料金がありません。費用を見積もれません。",
			region, errorText(res.APIError))
	case res.Missing != "":
		return model.T(
			"The backtrack price for region %s is unknown: %s (AWS Price List API); the cost cannot be estimated.",
			"リージョン %s のバックトラック料金は不明です：%s（AWS Price List API）。費用を見積もれません。",
			region, res.Missing)
	}
	return model.T(
		"The backtrack price for region %s is unknown (not in kumoguard's cited price table; --price-list asks the AWS Price List API); the cost cannot be estimated.",
		"リージョン %s のバックトラック料金は不明です（kumoguard の出典付き料金表にありません。--price-list で AWS Price List API に問い合わせられます）。費用を見積もれません。", region)
}

// priceSource is LiveState.PriceSource: where the price was read, and why
// the built-in table was used when the Price List API failed.
func priceSource(res pricing.Resolution) string {
	if res.FromPriceList {
		return res.Price.Source
	}
	src := "kumoguard built-in price table, " + res.Price.AsOf + ": " + res.Price.Source
	if res.APIError != nil {
		src += "; used because the AWS Price List API failed: " + errorText(res.APIError)
	}
	return src
}

func sum(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t
}

// formatLookback renders a look-back period as people say it: "7d", "36h", "90m".
func formatLookback(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", int64(d/(24*time.Hour)))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", int64(d/time.Hour))
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", int64(d/time.Minute))
	}
	return d.String()
}
