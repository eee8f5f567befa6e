package testenv

// CloudWatch, awsJson1_0: synthetic GetMetricData for benchmarks.

import (
	"encoding/json"
	"net/http"
)

// syntheticMetrics answers GetMetricData in awsJson1_0.
func (f *FakeAWS) syntheticMetrics(w http.ResponseWriter, q fakeReq) {
	var in struct {
		MetricDataQueries []struct {
			Id         string
			MetricStat struct {
				Metric struct {
					MetricName string
					Dimensions []struct{ Name, Value string }
				}
			}
		}
		EndTime float64
	}
	if err := json.Unmarshal(q.body, &in); err != nil {
		f.writeError(w, q, 400, "InvalidParameterValue", err.Error())
		return
	}
	if len(in.MetricDataQueries) > 500 {
		f.writeError(w, q, 400, "InvalidParameterValue", "The collection MetricDataQueries must not have a size greater than 500.")
		return
	}
	type result struct {
		Id         string
		StatusCode string
		Timestamps []float64
		Values     []float64
	}
	out := struct{ MetricDataResults []result }{MetricDataResults: []result{}}
	for _, mq := range in.MetricDataQueries {
		dim := ""
		if d := mq.MetricStat.Metric.Dimensions; len(d) > 0 {
			dim = d[0].Value
		}
		vals := f.opts.SyntheticMetrics(q.account, q.region, mq.MetricStat.Metric.MetricName, dim)
		ts := make([]float64, len(vals))
		for i := range ts {
			ts[i] = in.EndTime - float64(i*300)
		}
		out.MetricDataResults = append(out.MetricDataResults, result{Id: mq.Id, StatusCode: "Complete", Timestamps: ts, Values: vals})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	json.NewEncoder(w).Encode(out)
}
