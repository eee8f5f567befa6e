// Package migrate is the migration executor: it performs the
// non-destructive part of a backtrack migration (snapshot, restore with
// backtrack, instances like the source's, verification) against live AWS.
// The plan, its AWS CLI commands and every human-facing text of the
// remediation are internal/fix's; the source cluster is read as a
// model.Cluster through the AWS source (scan.LiveCluster), the same
// code a scan uses.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/fix"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/scan"
)

// Options configure Run.
type Options struct {
	// WindowSeconds is the new cluster's target window (--min-window).
	WindowSeconds int64
	// Apply performs the plan; without it Migrate only prints it.
	Apply bool
	// PollInterval and Timeout bound each wait (default 30 s and 2 h).
	PollInterval time.Duration
	Timeout      time.Duration
	Lang         string
	// Out receives the plan and the progress.
	Out io.Writer
}

// StepState is what Run found or did for one step.
type StepState string

const (
	StepPlanned StepState = "planned" // to do, not applied (no --apply)
	StepExists  StepState = "exists"  // found from an earlier run (by name and tag): resumed
	StepCreated StepState = "created" // created by this run
	StepFailed  StepState = "failed"
)

// Step is one step of a migration.
type Step struct {
	Action   string // AWS API action
	Resource string // identifier of what it creates
	State    StepState
	Command  string // the equivalent AWS CLI command
}

// Result is what Run did.
type Result struct {
	Plan     fix.MigrationPlan
	Steps    []Step
	Verified bool // the new cluster reports the target BacktrackWindow
}

// ErrNotOurs is returned when a resource with a migration's name exists but
// is not tagged as created by a migration of this source: kumoguard never
// takes over (or changes) what it did not create.
var ErrNotOurs = errors.New("exists but was not created by kumoguard migrate for this cluster")

// ErrNoMigrationNeeded is returned for a cluster that already has backtrack.
var ErrNoMigrationNeeded = errors.New("the cluster already has backtrack: raise its window in place (modify-db-cluster), no migration needed")

// Run performs the non-destructive part of a migration
// (https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack,
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html):
// snapshot the source, restore it with --backtrack-window into
// the source's network, parameter groups and KMS key, create instances like
// the source's, wait until everything is available, and verify BacktrackWindow
// on the new cluster. It never deletes, renames or modifies the source (or
// anything else): it only calls Describe*, ListTagsForResource,
// CreateDBClusterSnapshot, RestoreDBClusterFromSnapshot and CreateDBInstance.
// Everything it creates is tagged MigrationTagKey=<source>, and every step
// first looks for what an earlier, interrupted run created, so running it
// again resumes where it stopped. Without Apply it prints the plan only.
//
// cfg says where the cluster is (credentials and Region; an ARN's Region
// wins); build it with internal/awsapi so every call, each waiter poll
// included, is bounded by the call timeout. A cluster that does not exist is
// scan.ErrClusterNotFound.
func Run(ctx context.Context, cfg aws.Config, ref string, o Options) (Result, error) {
	if o.WindowSeconds <= 0 {
		o.WindowSeconds = model.DefaultMinWindowSeconds
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 30 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Hour
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	say := func(en, ja string, a ...any) { fmt.Fprintln(o.Out, model.T(en, ja, a...).In(o.Lang)) }

	if r := scan.RegionOfARN(ref); r != "" {
		cfg = cfg.Copy()
		cfg.Region = r
	}
	cluster, err := scan.LiveCluster(ctx, cfg, ref)
	if err != nil {
		return Result{}, err
	}
	src := fix.FactsFromCluster(cluster)
	if src.Engine != "aurora-mysql" && src.Engine != "aurora" {
		return Result{}, fmt.Errorf("%s runs %s: backtrack exists only for Aurora MySQL", src.Identifier, src.Engine)
	}
	if src.BacktrackWindow > 0 {
		// The plan says what the cluster has: its current window.
		return Result{Plan: fix.MigrationPlan{Source: src, Window: src.BacktrackWindow}}, fmt.Errorf("%s: %w", src.Identifier, ErrNoMigrationNeeded)
	}
	api := rds.NewFromConfig(cfg)
	p := fix.PlanMigration(src, o.WindowSeconds)
	res := Result{Plan: p}
	for _, in := range p.Instances {
		if in.Class == "" {
			return res, fmt.Errorf("%s has no DB instances to copy: create the new cluster's instances by hand (see kumoguard runbook %s)", src.Identifier, src.Identifier)
		}
	}
	tag := []types.Tag{{Key: aws.String(fix.MigrationTagKey), Value: aws.String(src.Identifier)}}

	// What an earlier run left, by name, checked by tag.
	snapState, err := findSnapshot(ctx, api, p)
	if err != nil {
		return res, err
	}
	clusterState, err := findCluster(ctx, api, p)
	if err != nil {
		return res, err
	}
	instState := map[string]StepState{}
	if clusterState == StepExists {
		if instState, err = findInstances(ctx, api, p); err != nil {
			return res, err
		}
	}
	res.Steps = append(res.Steps, Step{Action: "CreateDBClusterSnapshot", Resource: p.Names.Snapshot, State: orPlanned(snapState), Command: p.SnapshotCommand()})
	res.Steps = append(res.Steps, Step{Action: "RestoreDBClusterFromSnapshot", Resource: p.Names.NewCluster, State: orPlanned(clusterState), Command: p.RestoreCommand()})
	cmds := p.InstanceCommands()
	for i, in := range p.Instances {
		res.Steps = append(res.Steps, Step{Action: "CreateDBInstance", Resource: in.Identifier, State: orPlanned(instState[in.Identifier]), Command: cmds[i]})
	}

	say("Migration of %s (%s) to %s with a %d s (%s) backtrack window. The source is never modified, renamed or deleted.",
		"%s（%s）を %s へ移行します（バックトラックウィンドウ %d 秒、%s）。移行元の変更・名前変更・削除は一切行いません。",
		src.Identifier, src.ARN, p.Names.NewCluster, o.WindowSeconds, model.FormatDuration(o.WindowSeconds))
	for i, s := range res.Steps {
		state := model.T("to do", "未実施")
		if s.State == StepExists {
			state = model.T("exists, resumed", "作成済み（再開）")
		}
		say("  %d. %s %s: %s", "  %d. %s %s：%s", i+1, s.Action, s.Resource, state.In(o.Lang))
	}
	if !o.Apply {
		say("Nothing changed: run again with --apply to perform the plan.", "何も変更していません。実行するには --apply を付けて再実行してください。")
		return res, nil
	}

	waitCtx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	// 1. Snapshot.
	if snapState != StepExists {
		_, err := api.CreateDBClusterSnapshot(ctx, &rds.CreateDBClusterSnapshotInput{
			DBClusterIdentifier: aws.String(src.Identifier), DBClusterSnapshotIdentifier: aws.String(p.Names.Snapshot), Tags: tag})
		if err != nil {
			res.Steps[0].State = StepFailed
			return res, fmt.Errorf("CreateDBClusterSnapshot %s: %w", p.Names.Snapshot, err)
		}
		res.Steps[0].State = StepCreated
		say("Created snapshot %s.", "スナップショット %s を作成しました。", p.Names.Snapshot)
	}
	say("Waiting for snapshot %s to be available...", "スナップショット %s が利用可能になるのを待っています…", p.Names.Snapshot)
	if err := rds.NewDBClusterSnapshotAvailableWaiter(api, func(w *rds.DBClusterSnapshotAvailableWaiterOptions) {
		w.MinDelay, w.MaxDelay = o.PollInterval, max(o.PollInterval, 2*time.Minute)
	}).Wait(waitCtx, &rds.DescribeDBClusterSnapshotsInput{DBClusterSnapshotIdentifier: aws.String(p.Names.Snapshot)}, o.Timeout); err != nil {
		return res, fmt.Errorf("waiting for snapshot %s: %w", p.Names.Snapshot, err)
	}

	// 2. Restore with backtrack.
	if clusterState != StepExists {
		in := &rds.RestoreDBClusterFromSnapshotInput{
			DBClusterIdentifier: aws.String(p.Names.NewCluster), SnapshotIdentifier: aws.String(p.Names.Snapshot),
			Engine: aws.String(src.Engine), BacktrackWindow: aws.Int64(o.WindowSeconds), Tags: tag,
			DeletionProtection: aws.Bool(src.DeletionProtection),
		}
		if src.EngineVersion != "" {
			in.EngineVersion = aws.String(src.EngineVersion)
		}
		if src.SubnetGroup != "" {
			in.DBSubnetGroupName = aws.String(src.SubnetGroup)
		}
		if len(src.SecurityGroups) > 0 {
			in.VpcSecurityGroupIds = src.SecurityGroups
		}
		if src.ClusterParameterGroup != "" {
			in.DBClusterParameterGroupName = aws.String(src.ClusterParameterGroup)
		}
		if src.KMSKeyID != "" {
			in.KmsKeyId = aws.String(src.KMSKeyID)
		}
		if src.Port != 0 {
			in.Port = aws.Int32(src.Port)
		}
		if _, err := api.RestoreDBClusterFromSnapshot(ctx, in); err != nil {
			res.Steps[1].State = StepFailed
			return res, fmt.Errorf("RestoreDBClusterFromSnapshot %s: %w", p.Names.NewCluster, err)
		}
		res.Steps[1].State = StepCreated
		say("Restored %s with backtrack.", "%s をバックトラック付きで復元しました。", p.Names.NewCluster)
	}
	say("Waiting for cluster %s to be available...", "クラスター %s が利用可能になるのを待っています…", p.Names.NewCluster)
	if err := rds.NewDBClusterAvailableWaiter(api, func(w *rds.DBClusterAvailableWaiterOptions) {
		w.MinDelay, w.MaxDelay = o.PollInterval, max(o.PollInterval, 2*time.Minute)
	}).Wait(waitCtx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(p.Names.NewCluster)}, o.Timeout); err != nil {
		return res, fmt.Errorf("waiting for cluster %s: %w", p.Names.NewCluster, err)
	}

	// 3. Instances like the source's, writer first.
	for i, in := range p.Instances {
		step := &res.Steps[2+i]
		if step.State == StepExists {
			continue
		}
		ci := &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(in.Identifier), DBClusterIdentifier: aws.String(p.Names.NewCluster),
			Engine: aws.String(src.Engine), DBInstanceClass: aws.String(in.Class), Tags: tag}
		if in.ParameterGroup != "" {
			ci.DBParameterGroupName = aws.String(in.ParameterGroup)
		}
		if in.AvailabilityZone != "" {
			ci.AvailabilityZone = aws.String(in.AvailabilityZone)
		}
		if in.PromotionTier != 0 {
			ci.PromotionTier = aws.Int32(in.PromotionTier)
		}
		if _, err := api.CreateDBInstance(ctx, ci); err != nil {
			step.State = StepFailed
			return res, fmt.Errorf("CreateDBInstance %s: %w", in.Identifier, err)
		}
		step.State = StepCreated
		say("Created instance %s (%s).", "インスタンス %s（%s）を作成しました。", in.Identifier, in.Class)
	}
	for _, in := range p.Instances {
		if err := rds.NewDBInstanceAvailableWaiter(api, func(w *rds.DBInstanceAvailableWaiterOptions) {
			w.MinDelay, w.MaxDelay = o.PollInterval, max(o.PollInterval, 2*time.Minute)
		}).Wait(waitCtx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(in.Identifier)}, o.Timeout); err != nil {
			return res, fmt.Errorf("waiting for instance %s: %w", in.Identifier, err)
		}
	}

	// 4. Verify backtrack on the new cluster.
	out, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(p.Names.NewCluster)})
	if err != nil || len(out.DBClusters) == 0 {
		return res, fmt.Errorf("verifying %s: %v", p.Names.NewCluster, err)
	}
	got := aws.ToInt64(out.DBClusters[0].BacktrackWindow)
	if got != o.WindowSeconds {
		return res, fmt.Errorf("%s reports BacktrackWindow %d, expected %d: backtrack was not enabled as asked (engine version or Region without backtrack?)",
			p.Names.NewCluster, got, o.WindowSeconds)
	}
	res.Verified = true
	say("Verified: %s has BacktrackWindow %d. Next: validate the data and cut over (kumoguard runbook %s).",
		"確認済み：%s の BacktrackWindow は %d です。次はデータ検証と切り替えです（kumoguard runbook %s）。", p.Names.NewCluster, got, src.Identifier)
	return res, nil
}

func orPlanned(s StepState) StepState {
	if s == "" {
		return StepPlanned
	}
	return s
}

func hasTag(tags []types.Tag, source string) bool {
	for _, t := range tags {
		if aws.ToString(t.Key) == fix.MigrationTagKey && aws.ToString(t.Value) == source {
			return true
		}
	}
	return false
}

func tagsOf(ctx context.Context, api *rds.Client, arn string, inline []types.Tag) ([]types.Tag, error) {
	if len(inline) > 0 || arn == "" {
		return inline, nil
	}
	out, err := api.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String(arn)})
	if err != nil {
		return nil, err
	}
	return out.TagList, nil
}

func findSnapshot(ctx context.Context, api *rds.Client, p fix.MigrationPlan) (StepState, error) {
	out, err := api.DescribeDBClusterSnapshots(ctx, &rds.DescribeDBClusterSnapshotsInput{DBClusterSnapshotIdentifier: aws.String(p.Names.Snapshot)})
	var nf *types.DBClusterSnapshotNotFoundFault
	if errors.As(err, &nf) || (err == nil && len(out.DBClusterSnapshots) == 0) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("DescribeDBClusterSnapshots %s: %w", p.Names.Snapshot, err)
	}
	s := out.DBClusterSnapshots[0]
	tags, err := tagsOf(ctx, api, aws.ToString(s.DBClusterSnapshotArn), s.TagList)
	if err != nil {
		return "", err
	}
	if !hasTag(tags, p.Source.Identifier) || aws.ToString(s.DBClusterIdentifier) != p.Source.Identifier {
		return "", fmt.Errorf("snapshot %s %w", p.Names.Snapshot, ErrNotOurs)
	}
	return StepExists, nil
}

func findCluster(ctx context.Context, api *rds.Client, p fix.MigrationPlan) (StepState, error) {
	out, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(p.Names.NewCluster)})
	var nf *types.DBClusterNotFoundFault
	if errors.As(err, &nf) || (err == nil && len(out.DBClusters) == 0) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("DescribeDBClusters %s: %w", p.Names.NewCluster, err)
	}
	c := out.DBClusters[0]
	tags, err := tagsOf(ctx, api, aws.ToString(c.DBClusterArn), c.TagList)
	if err != nil {
		return "", err
	}
	if !hasTag(tags, p.Source.Identifier) {
		return "", fmt.Errorf("cluster %s %w", p.Names.NewCluster, ErrNotOurs)
	}
	return StepExists, nil
}

func findInstances(ctx context.Context, api *rds.Client, p fix.MigrationPlan) (map[string]StepState, error) {
	out, err := api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{
		Filters: []types.Filter{{Name: aws.String("db-cluster-id"), Values: []string{p.Names.NewCluster}}}})
	if err != nil {
		return nil, fmt.Errorf("DescribeDBInstances %s: %w", p.Names.NewCluster, err)
	}
	found := map[string]StepState{}
	for _, i := range out.DBInstances {
		if aws.ToString(i.DBClusterIdentifier) != p.Names.NewCluster {
			continue
		}
		found[aws.ToString(i.DBInstanceIdentifier)] = StepExists
	}
	return found, nil
}
