package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

func liveCluster(window int64, mut func(c *model.Cluster)) model.Cluster {
	loc := model.Location{Account: "111111111111", Region: "us-east-1", ARN: "arn:aws:rds:us-east-1:111111111111:cluster:db"}
	c := model.Cluster{
		Source: model.SourceAWS, Type: "AWS::RDS::DBCluster", Address: loc.ARN, Name: "db",
		Account: loc.Account, Region: loc.Region, ARN: loc.ARN, Location: loc,
		Engine:          model.KnownValue("aurora-mysql", loc),
		EngineMode:      model.KnownValue("provisioned", loc),
		BacktrackWindow: model.KnownValue(window, loc),
		GlobalClusterID: model.KnownValue("", loc),
		Live: &model.LiveState{
			LookbackSeconds:            7 * 86400,
			ActualWindowSeconds:        model.KnownValue(window, loc),
			WindowAlerts:               model.KnownValue(0.0, loc),
			ChangeRecordsStoredAvg:     model.KnownValue(1e6, loc),
			MonthlyCostUSD:             model.KnownValue(8.76, loc),
			PricePerMillionRecordHours: 0.012,
		},
	}
	if mut != nil {
		mut(&c)
	}
	return c
}

// young makes the cluster ageSeconds old at the evaluation time.
func young(c *model.Cluster, ageSeconds int64) {
	obs := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	created := obs.Add(-time.Duration(ageSeconds) * time.Second)
	c.Live.ObservedAt, c.Live.ClusterCreateTime = obs, &created
}

func TestKGBT003(t *testing.T) {
	loc := model.Location{}
	tests := []struct {
		name    string
		c       model.Cluster
		status  model.Status
		reason  model.Reason
		nilFind bool
		msg     string
	}{
		{name: "meets target", c: liveCluster(86400, nil), status: model.StatusPass, reason: model.ReasonActualWindowMeetsTarget, msg: "24h"},
		{name: "within tolerance", c: liveCluster(86400, func(c *model.Cluster) { c.Live.ActualWindowSeconds.V = 86400 - 600 }),
			status: model.StatusPass, reason: model.ReasonActualWindowMeetsTarget},
		{name: "below target", c: liveCluster(86400, func(c *model.Cluster) { c.Live.ActualWindowSeconds.V = 3600 }),
			status: model.StatusFail, reason: model.ReasonActualWindowBelowTarget, msg: "1h"},
		{name: "younger than its target, window full so far: still filling, not FAIL", c: liveCluster(259200, func(c *model.Cluster) {
			young(c, 10*3600)
			c.Live.ActualWindowSeconds.V = 10*3600 - 30
		}), status: model.StatusNotApplicable, reason: model.ReasonWindowStillFilling, msg: "still filling"},
		{name: "younger than its target, records already dropped: FAIL", c: liveCluster(259200, func(c *model.Cluster) {
			young(c, 10*3600)
			c.Live.ActualWindowSeconds.V = 2 * 3600
		}), status: model.StatusFail, reason: model.ReasonActualWindowBelowTarget, msg: "shorter than the cluster's age"},
		{name: "younger than its target, alerts: FAIL", c: liveCluster(259200, func(c *model.Cluster) {
			young(c, 10*3600)
			c.Live.ActualWindowSeconds.V = 10 * 3600
			c.Live.WindowAlerts.V = 2
		}), status: model.StatusFail, reason: model.ReasonBacktrackWindowAlerts},
		{name: "older than its target: judged as usual", c: liveCluster(86400, func(c *model.Cluster) {
			young(c, 3*86400)
			c.Live.ActualWindowSeconds.V = 3600
		}), status: model.StatusFail, reason: model.ReasonActualWindowBelowTarget, msg: "below the target"},
		{name: "alerts", c: liveCluster(86400, func(c *model.Cluster) { c.Live.WindowAlerts.V = 3 }),
			status: model.StatusFail, reason: model.ReasonBacktrackWindowAlerts, msg: "3 times"},
		{name: "no earliest time", c: liveCluster(86400, func(c *model.Cluster) {
			c.Live.ActualWindowSeconds = model.UnknownValue[int64](loc, model.T("no EarliestBacktrackTime", "なし"))
		}), status: model.StatusUnknown, reason: model.ReasonMetricsUnavailable, msg: "no EarliestBacktrackTime"},
		{name: "alerts but no earliest time", c: liveCluster(86400, func(c *model.Cluster) {
			c.Live.ActualWindowSeconds = model.UnknownValue[int64](loc, model.T("x", "x"))
			c.Live.WindowAlerts.V = 1
		}), status: model.StatusFail, reason: model.ReasonBacktrackWindowAlerts},
		{name: "window met now, alerts unreadable: not a PASS", c: liveCluster(86400, func(c *model.Cluster) {
			c.Live.WindowAlerts = model.UnknownValue[float64](loc, model.T("no BacktrackWindowAlert datapoints", "データポイントなし"))
		}), status: model.StatusUnknown, reason: model.ReasonMetricsUnavailable, msg: "no BacktrackWindowAlert datapoints"},
		{name: "no live state", c: liveCluster(86400, func(c *model.Cluster) { c.Live = nil }),
			status: model.StatusUnknown, reason: model.ReasonMetricsUnavailable},
		{name: "disabled", c: liveCluster(0, nil), status: model.StatusNotApplicable, reason: model.ReasonBacktrackDisabled},
		{name: "absent window is disabled", c: liveCluster(0, func(c *model.Cluster) { c.BacktrackWindow = model.Value[int64]{} }),
			status: model.StatusNotApplicable, reason: model.ReasonBacktrackDisabled},
		{name: "postgres out of scope", c: liveCluster(0, func(c *model.Cluster) { c.Engine.V = "aurora-postgresql" }),
			status: model.StatusNotApplicable, reason: model.ReasonEngineNotAuroraMySQL},
		{name: "global member", c: liveCluster(3600, func(c *model.Cluster) { c.GlobalClusterID.V = "g1" }),
			status: model.StatusNotApplicable, reason: model.ReasonGlobalDatabaseMember},
		{name: "IaC is not evaluated", c: liveCluster(86400, func(c *model.Cluster) { c.Source = model.SourceTerraform }), nilFind: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := KGBT003.Check(tt.c, Options{MinWindowSeconds: 86400, Now: time.Now()})
			if tt.nilFind {
				if f != nil {
					t.Fatalf("want no finding, got %+v", f)
				}
				return
			}
			if f == nil {
				t.Fatal("no finding")
			}
			if f.Status != tt.status || f.Reason != tt.reason {
				t.Fatalf("got %s/%s, want %s/%s: %s", f.Status, f.Reason, tt.status, tt.reason, f.Message.EN)
			}
			if f.Message.EN == "" || f.Message.JA == "" {
				t.Errorf("message must be bilingual: %+v", f.Message)
			}
			if tt.msg != "" && !strings.Contains(f.Message.EN, tt.msg) {
				t.Errorf("message %q lacks %q", f.Message.EN, tt.msg)
			}
			if f.Status == model.StatusFail && (f.Resolution == nil || f.Resolution.Step != model.StepReduceWrites || f.Resolution.Window <= 0) {
				t.Errorf("FAIL needs a way out: %+v", f.Resolution)
			}
			if tt.c.Live != nil && (f.Status == model.StatusPass || f.Status == model.StatusFail) {
				for _, k := range []string{"actual_window_seconds", "target_window_seconds", "window_alerts", "change_records_stored", "monthly_cost_usd"} {
					if _, ok := f.Details[k]; !ok {
						t.Errorf("details lack %s: %v", k, f.Details)
					}
				}
			}
		})
	}
}

func TestKGBT003CostUnknownIsSaid(t *testing.T) {
	c := liveCluster(86400, func(c *model.Cluster) {
		c.Region = "ap-northeast-1"
		c.Live.MonthlyCostUSD = model.UnknownValue[float64](model.Location{}, model.T("The backtrack price for region ap-northeast-1 is unknown", "不明"))
	})
	f := KGBT003.Check(c, Options{MinWindowSeconds: 86400})
	if f.Details["monthly_cost_usd"] != nil {
		t.Fatalf("cost must be null when unknown, got %v", f.Details["monthly_cost_usd"])
	}
	found := false
	for _, n := range f.Notes {
		if strings.Contains(n.EN, "price for region ap-northeast-1 is unknown") {
			found = true
		}
	}
	if !found {
		t.Errorf("notes must say the cost is unknown and why: %+v", f.Notes)
	}
}

func TestKGBT003Cost(t *testing.T) {
	f := KGBT003.Check(liveCluster(86400, nil), Options{MinWindowSeconds: 86400})
	if f.Details["monthly_cost_usd"] != 8.76 {
		t.Fatalf("monthly_cost_usd = %v", f.Details["monthly_cost_usd"])
	}
}
