package evidence

import (
	"strings"
	"time"
)

// Sample returns a complete, consistent drill document for a source cluster
// ARN (arn:aws:rds:<region>:<account>:cluster:<identifier>), started at
// start, that succeeded (outcome OutcomeSucceeded) or failed in its backtrack
// (OutcomeFailed). Tests and documentation use it; it is not signed.
func Sample(arn, drillID string, start time.Time, outcome string) *Document {
	start = start.UTC()
	parts := strings.Split(arn, ":")
	region, account, ident := "us-east-1", "123456789012", "cluster"
	if len(parts) >= 7 {
		region, account, ident = parts[3], parts[4], parts[6]
	}
	at := func(s float64) time.Time { return start.Add(time.Duration(s * float64(time.Second))) }
	phase := func(name string, from, to float64, outcome string) Phase {
		return Phase{Name: name, Started: at(from), Finished: at(to), DurationSeconds: to - from, Outcome: outcome,
			RequestIDs: []string{"req-" + name}}
	}
	clone := "kg-drill-" + drillID
	d := &Document{
		Schema:           Schema,
		DrillID:          drillID,
		KumoguardVersion: "test",
		CallerARN:        "arn:aws:iam::" + account + ":user/drill",
		Account:          account,
		Region:           region,
		Source: SourceCluster{ARN: arn, Identifier: ident, Engine: "aurora-mysql", EngineVersion: "8.0.mysql_aurora.3.08.0",
			BacktrackWindowSeconds: 86400, ClonesInGroup: 1},
		Clone: Clone{Identifier: clone, Instance: clone + "-1", InstanceClass: "db.t4g.medium", BacktrackWindowSeconds: 3600},
		Phases: []Phase{
			phase("preflight", 0, 1.5, OutcomeSucceeded),
			phase("clone", 1.5, 301.5, OutcomeSucceeded),
			phase("instance", 301.5, 901.5, OutcomeSucceeded),
			phase("data-check", 901.5, 903, OutcomeSucceeded),
			phase("backtrack", 903, 1023, OutcomeSucceeded),
			phase("verify", 1023, 1024, OutcomeSucceeded),
		},
		Backtracks: []Backtrack{{Direction: "back", BacktrackIdentifier: "bt-" + drillID, RequestedTo: at(900), ActualTo: at(899.75),
			Status: "completed", RequestID: "req-backtrack", Started: at(903), Finished: at(1023)}},
		DataCheck: &DataCheck{Mode: "marker", Tables: []TableFingerprint{{Table: "shop.orders", RowsBefore: 1200, RowsAfter: 1200,
			ChecksumBefore: "crc32:1a2b3c4d", ChecksumAfter: "crc32:1a2b3c4d"}},
			MarkerWrittenAt: at(902), MarkerGoneAfterBacktrack: true, FingerprintMatches: true},
		Outcome:         outcome,
		Started:         start,
		Finished:        at(1024),
		RecoverySeconds: 120,
	}
	earliest := start.Add(-20 * time.Hour)
	alerts := 0.0
	d.Production = ProductionWindow{MeasuredAt: at(1), TargetWindowSeconds: 86400, EarliestBacktrackTime: &earliest,
		AchievedSeconds: 20 * 3600, WindowAlertSum: &alerts, LookbackSeconds: 14 * 86400}
	if outcome == OutcomeFailed {
		d.Phases[4].Outcome = OutcomeFailed
		d.Phases[4].Error = "backtrack bt-" + drillID + " ended failed"
		d.Phases = d.Phases[:5]
		d.Backtracks[0].Status = "failed"
		d.Backtracks[0].ActualTo = time.Time{}
		d.DataCheck.MarkerGoneAfterBacktrack = false
		d.DataCheck.FingerprintMatches = false
		d.DataCheck.Tables[0].RowsAfter = 1201
		d.DataCheck.Tables[0].ChecksumAfter = "crc32:ffffffff"
		d.FailureReason = "the backtrack of the clone failed"
		d.Finished = at(1023)
		d.RecoverySeconds = 0
	}
	return d
}
