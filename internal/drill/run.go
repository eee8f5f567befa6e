package drill

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/scan"
)

// Phase names, in the order they run.
const (
	PhasePreflight = "preflight"
	PhaseClone     = "clone"
	PhaseInstance  = "instance"
	PhaseDataCheck = "data-check"
	PhaseBacktrack = "backtrack"
	PhaseVerify    = "verify"
	PhaseForward   = "forward"
)

// Result is what Run did for one source.
type Result struct {
	Plan Plan
	// Document is the evidence (nil without --apply or when the drill never
	// started); EvidencePath where it was written.
	Document     *evidence.Document
	EvidencePath string
	// Succeeded is the drill's outcome; CleanedUp that the clone and its
	// instance are gone (or were never created).
	Succeeded bool
	CleanedUp bool
	// CleanupError says what could not be removed (kumoguard drill reap
	// removes it once it expires).
	CleanupError error
}

// ErrNoKey is returned by Run with Apply and no signing key.
var ErrNoKey = errors.New("no evidence signing key: pass --key (create one with kumoguard drill keygen)")

type runner struct {
	cfg  aws.Config
	api  *rds.Client
	o    Options
	plan Plan
	doc  *evidence.Document

	restoreTried, instanceTried bool
	cloneEndpoint               string
	clonePort                   int32
	cloneCreated                time.Time
	phaseIDs                    *[]string
}

// Run drills one source cluster. Without o.Apply it prints the plan and
// changes nothing. With o.Apply it clones, backtracks, verifies, writes the
// evidence (evidence.Append, before anything is deleted) and deletes the
// clone and its instance, also when ctx is cancelled, the drill fails or
// panics (cleanup then runs on a fresh context bounded by CleanupTimeout).
//
// The error is for what kept the drill from running or from being recorded
// (pre-flight, refusal, no key, evidence not written); a drill that ran and
// failed returns Result.Succeeded false with its evidence and a nil error.
func Run(ctx context.Context, cfg aws.Config, ref string, o Options) (res Result, err error) {
	o.defaults()
	if o.DataCheck != DataCheckNone && o.DataCheck != DataCheckMarker {
		return res, fmt.Errorf("--data-check must be none or marker, not %q", o.DataCheck)
	}
	if o.Apply && len(o.Key) == 0 {
		return res, ErrNoKey
	}
	if r := scan.RegionOfARN(ref); r != "" {
		cfg = cfg.Copy()
		cfg.Region = r
	}
	started := o.now()
	pf, err := RunPreflight(ctx, cfg, ref)
	if err != nil {
		return res, err
	}
	plan := buildPlan(pf, cfg.Region, o)
	res.Plan = plan
	plan.Print(o)
	if len(pf.Problems) > 0 {
		return res, fmt.Errorf("%s: %w: %s", pf.Cluster.Name, ErrRefused, pf.Problems[0].In(o.Lang))
	}
	if !o.Apply {
		o.say(model.T("Nothing changed: run again with --apply to perform the drill.", "何も変更していません。ドリルを実行するには --apply を付けて再実行してください。"))
		return res, nil
	}
	if pf.Cluster.Region != "" {
		cfg = cfg.Copy()
		cfg.Region = pf.Cluster.Region
	}
	r := &runner{cfg: cfg, api: rds.NewFromConfig(cfg), o: o, plan: plan}
	engine, _ := pf.Cluster.Engine.Get()
	version, _ := pf.Cluster.EngineVersion.Get()
	window, _ := pf.Cluster.BacktrackWindow.Get()
	r.doc = &evidence.Document{
		Schema: evidence.Schema, DrillID: plan.DrillID, KumoguardVersion: firstNonEmpty(o.Version, "dev"),
		Account: pf.Cluster.Account, Region: cfg.Region, Started: started,
		Source: evidence.SourceCluster{ARN: pf.Cluster.ARN, Identifier: pf.Cluster.Name, Engine: engine, EngineVersion: version,
			BacktrackWindowSeconds: window, BinlogEnabled: pf.Binlog, ClonesInGroup: pf.ClonesInGroup},
		Clone: evidence.Clone{Identifier: plan.Clone, Instance: plan.Instance, InstanceClass: plan.InstanceClass, BacktrackWindowSeconds: o.CloneWindow},
	}
	res.Document = r.doc

	recorded := false
	finish := func(cause error) {
		if cause != nil {
			r.fail(cause)
		}
		if r.doc.Outcome == "" {
			r.doc.Outcome = evidence.OutcomeSucceeded
		}
		r.doc.Finished = r.o.now()
		res.Succeeded = r.doc.Outcome == evidence.OutcomeSucceeded
		// Evidence first: the clone's backtrack records disappear with it.
		// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/logging-using-cloudtrail.html
		if o.EvidenceDir != "" {
			path, werr := evidence.Append(o.EvidenceDir, r.doc, o.Key)
			if werr != nil {
				err = fmt.Errorf("writing the evidence: %w", werr)
			}
			res.EvidencePath = path
		}
		recorded = true
		cerr := r.cleanup(ctx)
		res.CleanedUp, res.CleanupError = cerr == nil, cerr
		if cerr != nil && err == nil {
			err = fmt.Errorf("cleanup: %w (kumoguard drill reap --apply removes the clone after %s)", cerr, plan.ExpiresAt.Format(time.RFC3339))
		}
	}
	defer func() {
		if p := recover(); p != nil {
			if !recorded {
				finish(fmt.Errorf("panic: %v", p))
			}
			panic(p)
		}
	}()
	derr := r.drill(ctx)
	if derr == nil && ctx.Err() != nil {
		derr = ctx.Err()
	}
	finish(derr)
	r.report(&res)
	return res, err
}

func (r *runner) fail(err error) {
	r.doc.Outcome = evidence.OutcomeFailed
	if r.doc.FailureReason == "" {
		msg := err.Error()
		if errors.Is(err, context.Canceled) {
			msg = "interrupted (context cancelled): " + msg
		}
		r.doc.FailureReason = msg
	}
}

func (r *runner) report(res *Result) {
	d := r.doc
	if res.Succeeded {
		r.o.say(model.T("Drill %s of %s succeeded: measured recovery (backtrack) time %.2f s.", "%[2]s のドリル %[1]s は成功しました：計測した復旧（バックトラック）時間 %[3].2f 秒。",
			d.DrillID, d.Source.Identifier, d.RecoverySeconds))
	} else {
		r.o.say(model.T("Drill %s of %s FAILED: %s", "%[2]s のドリル %[1]s は失敗しました：%[3]s", d.DrillID, d.Source.Identifier, d.FailureReason))
	}
	if res.EvidencePath != "" {
		r.o.say(model.T("Evidence: %s", "エビデンス：%s", res.EvidencePath))
	}
	if res.CleanedUp {
		r.o.say(model.T("Removed the clone %s and its instance %s.", "クローン %s とインスタンス %s を削除しました。", d.Clone.Identifier, d.Clone.Instance))
	} else {
		r.o.say(model.T("Could not remove the clone %s: %v. kumoguard drill reap --apply removes it after it expires.", "クローン %s を削除できませんでした：%v。期限切れ後に kumoguard drill reap --apply で削除できます。", d.Clone.Identifier, res.CleanupError))
	}
}

// phase runs fn as one evidence phase with its timing and request IDs.
func (r *runner) phase(name string, fn func() error) error {
	ph := evidence.Phase{Name: name, Started: r.o.now()}
	ids := []string{}
	r.phaseIDs = &ids
	err := fn()
	r.phaseIDs = nil
	ph.Finished = r.o.now()
	ph.DurationSeconds = ph.Finished.Sub(ph.Started).Seconds()
	ph.RequestIDs = ids
	ph.Outcome = evidence.OutcomeSucceeded
	if err != nil {
		ph.Outcome = evidence.OutcomeFailed
		ph.Error = err.Error()
	}
	r.doc.Phases = append(r.doc.Phases, ph)
	return err
}

// note keeps an AWS request ID for the current phase.
func (r *runner) note(md middleware.Metadata) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	if id != "" && r.phaseIDs != nil {
		*r.phaseIDs = append(*r.phaseIDs, id)
	}
	return id
}

func (r *runner) noteErr(err error) {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.ServiceRequestID() != "" && r.phaseIDs != nil {
		*r.phaseIDs = append(*r.phaseIDs, re.ServiceRequestID())
	}
}

func (r *runner) drill(ctx context.Context) error {
	o := r.o
	pf := r.plan.Source
	err := r.phase(PhasePreflight, func() error {
		id, err := sts.NewFromConfig(r.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			r.noteErr(err)
			return fmt.Errorf("sts:GetCallerIdentity: %w", err)
		}
		r.note(id.ResultMetadata)
		r.doc.CallerARN = aws.ToString(id.Arn)
		if r.doc.Account == "" {
			r.doc.Account = aws.ToString(id.Account)
		}
		r.doc.Production = ProductionWindow(ctx, r.cfg, pf, o.Lookback, o.now())
		return nil
	})
	if err != nil {
		return err
	}

	// Clone: copy-on-write, latest restorable time, explicit window, drill
	// tags; the source's cluster parameter group so binary logging matches.
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterToPointInTime.html
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Clone.html
	tags := []types.Tag{
		{Key: aws.String(TagDrillID), Value: aws.String(r.plan.DrillID)},
		{Key: aws.String(TagExpiresAt), Value: aws.String(r.plan.ExpiresAt.UTC().Format(time.RFC3339))},
	}
	err = r.phase(PhaseClone, func() error {
		in := &rds.RestoreDBClusterToPointInTimeInput{
			DBClusterIdentifier: aws.String(r.plan.Clone), SourceDBClusterIdentifier: aws.String(pf.Cluster.Name),
			RestoreType: aws.String("copy-on-write"), UseLatestRestorableTime: aws.Bool(true),
			BacktrackWindow: aws.Int64(o.CloneWindow), Tags: tags, DeletionProtection: aws.Bool(false),
		}
		if r.plan.SubnetGroup != "" {
			in.DBSubnetGroupName = aws.String(r.plan.SubnetGroup)
		}
		if len(r.plan.SecurityGroup) > 0 {
			in.VpcSecurityGroupIds = r.plan.SecurityGroup
		}
		if g := clusterGroup(pf); g != "" {
			in.DBClusterParameterGroupName = aws.String(g)
		}
		r.restoreTried = true
		out, err := r.api.RestoreDBClusterToPointInTime(ctx, in)
		if err != nil {
			r.noteErr(err)
			return fmt.Errorf("RestoreDBClusterToPointInTime %s: %w", r.plan.Clone, err)
		}
		r.note(out.ResultMetadata)
		if out.DBCluster != nil {
			r.doc.Clone.ARN = aws.ToString(out.DBCluster.DBClusterArn)
		}
		o.say(model.T("Cloning %s into %s (copy-on-write)...", "%s を %s にクローンしています（コピーオンライト）…", pf.Cluster.Name, r.plan.Clone))
		c, err := r.waitCluster(ctx, r.plan.Clone, o.WaitPoll, o.WaitTimeout, func(c types.DBCluster) bool { return aws.ToString(c.Status) == "available" })
		if err != nil {
			return err
		}
		r.doc.Clone.ARN = aws.ToString(c.DBClusterArn)
		// The clone must have backtrack: it gets it only from a source
		// that has it. https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
		if w := aws.ToInt64(c.BacktrackWindow); w <= 0 {
			return fmt.Errorf("the clone %s has no backtrack (BacktrackWindow %d)", r.plan.Clone, w)
		} else {
			r.doc.Clone.BacktrackWindowSeconds = w
		}
		return nil
	})
	if err != nil {
		return err
	}

	// One instance of the smallest class; a clone has none.
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
	err = r.phase(PhaseInstance, func() error {
		engine, _ := pf.Cluster.Engine.Get()
		r.instanceTried = true
		out, err := r.api.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(r.plan.Instance), DBClusterIdentifier: aws.String(r.plan.Clone),
			Engine: aws.String(engine), DBInstanceClass: aws.String(r.plan.InstanceClass), Tags: tags,
			PubliclyAccessible: aws.Bool(false),
		})
		if err != nil {
			r.noteErr(err)
			return fmt.Errorf("CreateDBInstance %s: %w", r.plan.Instance, err)
		}
		r.note(out.ResultMetadata)
		o.say(model.T("Waiting for instance %s (%s)...", "インスタンス %s（%s）を待っています…", r.plan.Instance, r.plan.InstanceClass))
		if err := r.waitInstance(ctx, o.WaitPoll, o.WaitTimeout, false); err != nil {
			return err
		}
		c, err := r.describeCluster(ctx, r.plan.Clone)
		if err != nil {
			return err
		}
		r.cloneEndpoint, r.clonePort = aws.ToString(c.Endpoint), aws.ToInt32(c.Port)
		r.cloneCreated = aws.ToTime(c.ClusterCreateTime)
		return nil
	})
	if err != nil {
		return err
	}

	// Data check: fingerprint, then the backtrack target, then the marker.
	var db *sql.DB
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	var target time.Time
	var fpRows []int64
	var fpSums []string
	if o.DataCheck == DataCheckMarker {
		dc := newDataCheck(o.Tables)
		r.doc.DataCheck = dc
		err = r.phase(PhaseDataCheck, func() error {
			var err error
			if db, err = r.openDB(ctx); err != nil {
				return err
			}
			if err := prepareMarker(ctx, db); err != nil {
				return err
			}
			if fpRows, fpSums, err = fingerprint(ctx, db, o.Tables); err != nil {
				return err
			}
			for i := range dc.Tables {
				dc.Tables[i].RowsBefore, dc.Tables[i].ChecksumBefore = fpRows[i], fpSums[i]
			}
			if target, err = dbNow(ctx, db); err != nil {
				return err
			}
			if err := sleep(ctx, o.MarkerGap); err != nil {
				return err
			}
			m, err := writeMarker(ctx, db, r.plan.DrillID)
			if err != nil {
				return err
			}
			dc.MarkerWrittenAt = m
			o.say(model.T("Marker row written at %s; backtracking to %s.", "マーカー行を %s に書き込みました。%s へバックトラックします。",
				m.Format(time.RFC3339Nano), target.Format(time.RFC3339Nano)))
			return nil
		})
		if db != nil {
			db.Close()
			db = nil
		}
		if err != nil {
			dc.Error = err.Error()
			return err
		}
	} else {
		// No marker: a target after the clone's creation (a clone cannot be
		// backtracked to before it), MarkerGap in the past.
		// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Performing0.html
		if err := sleep(ctx, o.MarkerGap); err != nil {
			return err
		}
		target = o.now().Add(-o.MarkerGap / 2)
		if !r.cloneCreated.IsZero() && !target.After(r.cloneCreated) {
			target = r.cloneCreated.Add(time.Second)
		}
	}

	err = r.phase(PhaseBacktrack, func() error {
		bt, err := r.backtrack(ctx, "back", target)
		r.doc.Backtracks = append(r.doc.Backtracks, bt)
		if err != nil {
			return err
		}
		r.doc.RecoverySeconds = bt.Finished.Sub(bt.Started).Seconds()
		return nil
	})
	if err != nil {
		return err
	}

	var backFrom time.Time
	if len(r.doc.Backtracks) > 0 {
		backFrom = r.doc.Backtracks[0].Started
	}
	if o.DataCheck == DataCheckMarker {
		dc := r.doc.DataCheck
		err = r.phase(PhaseVerify, func() error {
			var err error
			if db, err = r.openDB(ctx); err != nil {
				return err
			}
			present, err := markerPresent(ctx, db, r.plan.DrillID)
			if err != nil {
				return err
			}
			dc.MarkerGoneAfterBacktrack = !present
			rows, sums, err := fingerprint(ctx, db, o.Tables)
			if err != nil {
				return err
			}
			dc.FingerprintMatches = true
			for i := range dc.Tables {
				dc.Tables[i].RowsAfter, dc.Tables[i].ChecksumAfter = rows[i], sums[i]
				if rows[i] != fpRows[i] || sums[i] != fpSums[i] {
					dc.FingerprintMatches = false
				}
			}
			if present {
				return errors.New("the marker row survived the backtrack: the clone was not rewound")
			}
			if !dc.FingerprintMatches {
				return errors.New("the tables' fingerprint after the backtrack differs from before the marker")
			}
			return nil
		})
		if db != nil {
			db.Close()
			db = nil
		}
		if err != nil {
			if dc.Error == "" {
				dc.Error = err.Error()
			}
			return err
		}
	}

	if o.Forward {
		err = r.phase(PhaseForward, func() error {
			// Forward to just before the backward backtrack was asked for:
			// past the marker. https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
			to := backFrom.Add(-o.MarkerGap / 4)
			if r.doc.DataCheck != nil && !to.After(r.doc.DataCheck.MarkerWrittenAt) {
				to = backFrom
			}
			bt, err := r.backtrack(ctx, "forward", to)
			r.doc.Backtracks = append(r.doc.Backtracks, bt)
			if err != nil {
				return err
			}
			if r.doc.DataCheck == nil {
				return nil
			}
			if db, err = r.openDB(ctx); err != nil {
				return err
			}
			present, err := markerPresent(ctx, db, r.plan.DrillID)
			if err != nil {
				return err
			}
			r.doc.DataCheck.MarkerBackAfterForward = &present
			if !present {
				return errors.New("the marker row did not come back after the forward backtrack")
			}
			return nil
		})
		if err != nil {
			if r.doc.DataCheck != nil && r.doc.DataCheck.Error == "" {
				r.doc.DataCheck.Error = err.Error()
			}
			return err
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backtrack rewinds the clone (only ever the clone: its drill tag is checked
// first) to `to` and polls DescribeDBClusterBacktracks and the cluster's
// status every PollInterval (at most 1 s) until the backtrack is completed
// and the clone available again, or failed, or BacktrackTimeout passes.
// There is no completion timestamp and no documented event: polling is the
// measurement. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBClusterBacktrack.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Status.html
func (r *runner) backtrack(ctx context.Context, direction string, to time.Time) (evidence.Backtrack, error) {
	bt := evidence.Backtrack{Direction: direction, RequestedTo: to.UTC()}
	c, err := r.describeCluster(ctx, r.plan.Clone)
	if err != nil {
		return bt, err
	}
	if err := r.checkOurs(ctx, aws.ToString(c.DBClusterArn), aws.ToString(c.DBClusterIdentifier)); err != nil {
		return bt, err
	}
	bt.Started = r.o.now()
	// Force: needed when binary logging is on.
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_BacktrackDBCluster.html
	out, err := r.api.BacktrackDBCluster(ctx, &rds.BacktrackDBClusterInput{
		DBClusterIdentifier: aws.String(r.plan.Clone), BacktrackTo: aws.Time(to.UTC()), Force: aws.Bool(r.plan.Force)})
	if err != nil {
		r.noteErr(err)
		bt.Status, bt.Finished = "failed", r.o.now()
		return bt, fmt.Errorf("BacktrackDBCluster %s: %w", r.plan.Clone, err)
	}
	bt.RequestID = r.note(out.ResultMetadata)
	bt.BacktrackIdentifier = aws.ToString(out.BacktrackIdentifier)
	bt.Status = aws.ToString(out.Status)
	r.o.say(model.T("Backtracking %s %s to %s...", "%[1]s を %[3]s へバックトラックしています（%[2]s）…", r.plan.Clone, direction, to.UTC().Format(time.RFC3339Nano)))
	deadline := time.Now().Add(r.o.BacktrackTimeout)
	tick := time.NewTicker(r.o.PollInterval)
	defer tick.Stop()
	for {
		bo, err := r.api.DescribeDBClusterBacktracks(ctx, &rds.DescribeDBClusterBacktracksInput{
			DBClusterIdentifier: aws.String(r.plan.Clone), BacktrackIdentifier: out.BacktrackIdentifier})
		if err != nil {
			r.noteErr(err)
			bt.Finished = r.o.now()
			return bt, fmt.Errorf("DescribeDBClusterBacktracks %s: %w", r.plan.Clone, err)
		}
		status := ""
		for _, b := range bo.DBClusterBacktracks {
			if bt.BacktrackIdentifier == "" || aws.ToString(b.BacktrackIdentifier) == bt.BacktrackIdentifier {
				status = aws.ToString(b.Status)
				if b.BacktrackTo != nil {
					bt.ActualTo = b.BacktrackTo.UTC()
				}
			}
		}
		if status != "" {
			bt.Status = status
		}
		if status == "failed" {
			bt.Finished = r.o.now()
			return bt, fmt.Errorf("the %s backtrack of %s failed (DescribeDBClusterBacktracks status failed)", direction, r.plan.Clone)
		}
		if status == "completed" {
			c, err := r.describeCluster(ctx, r.plan.Clone)
			if err != nil {
				bt.Finished = r.o.now()
				return bt, err
			}
			if aws.ToString(c.Status) == "available" {
				bt.Finished = r.o.now()
				return bt, nil
			}
		}
		if time.Now().After(deadline) {
			bt.Finished = r.o.now()
			return bt, fmt.Errorf("the %s backtrack of %s did not complete within %s (last status %q)", direction, r.plan.Clone, r.o.BacktrackTimeout, bt.Status)
		}
		select {
		case <-ctx.Done():
			bt.Finished = r.o.now()
			return bt, ctx.Err()
		case <-tick.C:
		}
	}
}

func (r *runner) describeCluster(ctx context.Context, id string) (types.DBCluster, error) {
	out, err := r.api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(id)})
	if err != nil {
		r.noteErr(err)
		return types.DBCluster{}, fmt.Errorf("DescribeDBClusters %s: %w", id, err)
	}
	r.note(out.ResultMetadata)
	if len(out.DBClusters) == 0 {
		return types.DBCluster{}, fmt.Errorf("%s: %w", id, scan.ErrClusterNotFound)
	}
	return out.DBClusters[0], nil
}

func (r *runner) waitCluster(ctx context.Context, id string, every, timeout time.Duration, done func(types.DBCluster) bool) (types.DBCluster, error) {
	deadline := time.Now().Add(timeout)
	for {
		c, err := r.describeCluster(ctx, id)
		if err != nil {
			return c, err
		}
		if done(c) {
			return c, nil
		}
		if time.Now().After(deadline) {
			return c, fmt.Errorf("%s is still %s after %s", id, aws.ToString(c.Status), timeout)
		}
		if err := sleep(ctx, every); err != nil {
			return c, err
		}
	}
}

// waitInstance waits until the drill's instance is available, or (gone) no
// longer exists.
func (r *runner) waitInstance(ctx context.Context, every, timeout time.Duration, gone bool) error {
	deadline := time.Now().Add(timeout)
	for {
		out, err := r.api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(r.plan.Instance)})
		var nf *types.DBInstanceNotFoundFault
		switch {
		case errors.As(err, &nf) || (err == nil && len(out.DBInstances) == 0):
			if gone {
				return nil
			}
			return fmt.Errorf("instance %s not found", r.plan.Instance)
		case err != nil:
			r.noteErr(err)
			return fmt.Errorf("DescribeDBInstances %s: %w", r.plan.Instance, err)
		}
		r.note(out.ResultMetadata)
		status := aws.ToString(out.DBInstances[0].DBInstanceStatus)
		if !gone && status == "available" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("instance %s is still %s after %s", r.plan.Instance, status, timeout)
		}
		if err := sleep(ctx, every); err != nil {
			return err
		}
	}
}

// checkOurs refuses a resource that is not this drill's: its identifier
// must start with NamePrefix and its tags carry this drill's id.
func (r *runner) checkOurs(ctx context.Context, arn, id string) error {
	if !strings.HasPrefix(id, NamePrefix) {
		return fmt.Errorf("%s is not named %s*: not a drill resource, left alone", id, NamePrefix)
	}
	tags, err := r.api.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String(arn)})
	if err != nil {
		r.noteErr(err)
		return fmt.Errorf("ListTagsForResource %s: %w", id, err)
	}
	r.note(tags.ResultMetadata)
	for _, t := range tags.TagList {
		if aws.ToString(t.Key) == TagDrillID && aws.ToString(t.Value) == r.plan.DrillID {
			return nil
		}
	}
	return fmt.Errorf("%s does not carry %s=%s: not this drill's, left alone", id, TagDrillID, r.plan.DrillID)
}

// cleanup deletes the drill's instance, then its clone, on a fresh context
// (the drill's may be cancelled) bounded by CleanupTimeout. Each is deleted
// only after its name and drill tag are checked again.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html
func (r *runner) cleanup(parent context.Context) error {
	if !r.restoreTried {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), r.o.CleanupTimeout)
	defer cancel()
	ids := []string{}
	r.phaseIDs = &ids
	defer func() { r.phaseIDs = nil }()
	out, err := r.api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(r.plan.Instance)})
	var inf *types.DBInstanceNotFoundFault
	switch {
	case errors.As(err, &inf) || (err == nil && len(out.DBInstances) == 0):
	case err != nil:
		return fmt.Errorf("DescribeDBInstances %s: %w", r.plan.Instance, err)
	default:
		in := out.DBInstances[0]
		if aws.ToString(in.DBClusterIdentifier) != r.plan.Clone {
			return fmt.Errorf("instance %s belongs to %s, not to the clone %s: left alone", r.plan.Instance, aws.ToString(in.DBClusterIdentifier), r.plan.Clone)
		}
		if err := r.checkOurs(ctx, aws.ToString(in.DBInstanceArn), aws.ToString(in.DBInstanceIdentifier)); err != nil {
			return err
		}
		if aws.ToString(in.DBInstanceStatus) != "deleting" {
			if _, err := r.api.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(r.plan.Instance), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
				return fmt.Errorf("DeleteDBInstance %s: %w", r.plan.Instance, err)
			}
		}
		if err := r.waitInstance(ctx, r.o.WaitPoll, r.o.CleanupTimeout, true); err != nil {
			return err
		}
	}
	cl, err := r.api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(r.plan.Clone)})
	var cnf *types.DBClusterNotFoundFault
	switch {
	case errors.As(err, &cnf) || (err == nil && len(cl.DBClusters) == 0):
		return nil
	case err != nil:
		return fmt.Errorf("DescribeDBClusters %s: %w", r.plan.Clone, err)
	}
	c := cl.DBClusters[0]
	if err := r.checkOurs(ctx, aws.ToString(c.DBClusterArn), aws.ToString(c.DBClusterIdentifier)); err != nil {
		return err
	}
	if aws.ToString(c.Status) == "deleting" {
		return nil
	}
	if _, err := r.api.DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{DBClusterIdentifier: aws.String(r.plan.Clone), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		return fmt.Errorf("DeleteDBCluster %s: %w", r.plan.Clone, err)
	}
	return nil
}
