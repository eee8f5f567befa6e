package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// liveCluster is an in-scope live Aurora MySQL cluster with a 24 h window.
func drillCluster(drills *model.DrillEvidence) model.Cluster {
	arn := "arn:aws:rds:us-east-1:123456789012:cluster:orders"
	l := model.Location{Account: "123456789012", Region: "us-east-1", ARN: arn}
	return model.Cluster{Source: model.SourceAWS, Type: "AWS::RDS::DBCluster", Name: "orders", ARN: arn,
		Account: "123456789012", Region: "us-east-1",
		Engine: model.KnownValue("aurora-mysql", l), EngineVersion: model.KnownValue("8.0.mysql_aurora.3.08.0", l),
		BacktrackWindow: model.KnownValue(int64(86400), l), Drills: drills}
}

func rec(id string, ageDays float64, succeeded, verified bool) model.DrillRecord {
	r := model.DrillRecord{ID: id, File: "ev/orders/" + id + ".json", Finished: now.Add(-time.Duration(ageDays * 24 * float64(time.Hour))),
		Succeeded: succeeded, Verified: verified}
	if !succeeded {
		r.Reason = "the backtrack of the clone failed"
	}
	if !verified {
		r.VerifyError = "signature: the signature does not match the contents"
	}
	return r
}

func evidence(rs ...model.DrillRecord) *model.DrillEvidence {
	return &model.DrillEvidence{Dir: "ev", Records: rs}
}

func TestKGBT004(t *testing.T) {
	tests := []struct {
		name    string
		cluster model.Cluster
		maxAge  time.Duration
		want    *want // nil: no finding
		msg     []string
	}{
		{"no evidence directory consulted", drillCluster(nil), 0, nil, nil},
		{"recent success passes", drillCluster(evidence(rec("d2", 10, true, true), rec("d1", 100, true, true))), 0,
			&want{model.StatusPass, model.ReasonDrillRecent}, []string{"d2", "succeeded on 2026-11-15 00:00 UTC", "10 days ago", "maximum 90 days"}},
		{"exactly at the maximum age still passes", drillCluster(evidence(rec("d1", 90, true, true))), 0,
			&want{model.StatusPass, model.ReasonDrillRecent}, nil},
		{"older than the maximum fails", drillCluster(evidence(rec("d1", 91, true, true))), 0,
			&want{model.StatusFail, model.ReasonDrillStale}, []string{"91 days ago", "maximum age of 90 days", "ev/orders/d1.json"}},
		{"a custom maximum age", drillCluster(evidence(rec("d1", 31, true, true))), 30 * 24 * time.Hour,
			&want{model.StatusFail, model.ReasonDrillStale}, []string{"maximum age of 30 days"}},
		{"no records is a failure", drillCluster(evidence()), 0,
			&want{model.StatusFail, model.ReasonDrillEvidenceMissing}, []string{"No drill evidence", "in ev"}},
		{"the newest failed, an older success does not count", drillCluster(evidence(rec("d2", 1, false, true), rec("d1", 5, true, true))), 0,
			&want{model.StatusFail, model.ReasonDrillFailed}, []string{"d2", "failed on", "the backtrack of the clone failed"}},
		{"records in any order: the newest decides", drillCluster(evidence(rec("d1", 5, true, true), rec("d2", 1, false, true))), 0,
			&want{model.StatusFail, model.ReasonDrillFailed}, []string{"d2"}},
		{"an unverifiable file is an error naming it", drillCluster(evidence(rec("d1", 3, true, false))), 0,
			&want{model.StatusError, model.ReasonDrillEvidenceUnverified}, []string{"ev/orders/d1.json: signature"}},
		{"an unverifiable older file is an error even with a valid newer one", drillCluster(evidence(rec("d2", 1, true, true), rec("d1", 30, true, false))), 0,
			&want{model.StatusError, model.ReasonDrillEvidenceUnverified}, []string{"ev/orders/d1.json", "The newest verified drill, d2"}},
		{"an unverifiable newer file hides no older success", drillCluster(evidence(rec("d2", 1, true, false), rec("d1", 200, true, true))), 0,
			&want{model.StatusError, model.ReasonDrillEvidenceUnverified}, []string{"ev/orders/d2.json"}},
		{"backtrack disabled is not applicable", func() model.Cluster {
			c := drillCluster(evidence())
			c.BacktrackWindow = model.KnownValue(int64(0), c.Location)
			return c
		}(), 0, &want{model.StatusNotApplicable, model.ReasonBacktrackDisabled}, []string{"KG-BT-001"}},
		{"postgres is out of scope", func() model.Cluster {
			c := drillCluster(evidence())
			c.Engine = model.KnownValue("aurora-postgresql", c.Location)
			return c
		}(), 0, &want{model.StatusNotApplicable, model.ReasonEngineNotAuroraMySQL}, nil},
		{"serverless v1 is out of scope", func() model.Cluster {
			c := drillCluster(evidence())
			c.EngineMode = model.KnownValue("serverless", c.Location)
			return c
		}(), 0, &want{model.StatusNotApplicable, model.ReasonServerlessV1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: now, DrillMaxAge: tt.maxAge}
			f := KGBT004.Check(tt.cluster, o)
			if tt.want == nil {
				if f != nil {
					t.Fatalf("finding %s %s, want none", f.Status, f.Reason)
				}
				return
			}
			if f == nil {
				t.Fatal("no finding")
			}
			if f.Status != tt.want.status || f.Reason != tt.want.reason {
				t.Errorf("got %s %s, want %s %s: %s", f.Status, f.Reason, tt.want.status, tt.want.reason, f.Message.EN)
			}
			for _, m := range tt.msg {
				if !strings.Contains(f.Message.EN, m) {
					t.Errorf("message %q lacks %q", f.Message.EN, m)
				}
			}
			if f.Message.JA == "" || f.Message.JA == f.Message.EN {
				t.Errorf("no Japanese message: %q", f.Message.JA)
			}
			switch f.Status {
			case model.StatusFail:
				if f.Resolution == nil || f.Resolution.Step != model.StepRunDrill {
					t.Errorf("resolution %+v, want run_drill", f.Resolution)
				}
			case model.StatusError:
				if f.Resolution == nil || f.Resolution.Step != model.StepCheckEvidence {
					t.Errorf("resolution %+v, want check_evidence", f.Resolution)
				}
			}
		})
	}
}

// Evaluate runs KG-BT-004 only when the scan consulted evidence.
func TestKGBT004InEvaluate(t *testing.T) {
	count := func(inv model.Inventory) int {
		n := 0
		for _, f := range Evaluate(inv, Options{Now: now}) {
			if f.RuleID == "KG-BT-004" {
				n++
			}
		}
		return n
	}
	if n := count(model.Inventory{Clusters: []model.Cluster{drillCluster(nil), base()}}); n != 0 {
		t.Errorf("%d KG-BT-004 findings without evidence", n)
	}
	if n := count(model.Inventory{Clusters: []model.Cluster{drillCluster(evidence())}}); n != 1 {
		t.Errorf("%d KG-BT-004 findings with evidence, want 1", n)
	}
	// Evaluate fills the default maximum age when Options leaves it 0.
	for _, f := range Evaluate(model.Inventory{Clusters: []model.Cluster{drillCluster(evidence(rec("d1", 89, true, true)))}}, Options{Now: now}) {
		if f.RuleID == "KG-BT-004" && f.Status != model.StatusPass {
			t.Errorf("89 days with the default: %s %s", f.Status, f.Message.EN)
		}
	}
}
