package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/migrate"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/scan"
)

func init() { topCommands = append(topCommands, newMigrateCommand) }

type migrateFlags struct {
	aws          awsFlags
	minWindow    string
	configPath   string
	apply        bool
	pollInterval time.Duration
	timeout      time.Duration
}

func newMigrateCommand(g *globalFlags) *cobra.Command {
	f := &migrateFlags{}
	cmd := &cobra.Command{
		Use:   "migrate CLUSTER",
		Short: "Create a backtrack-enabled copy of a cluster created without it (plan first; acts only with --apply)",
		Long: `Perform the non-destructive part of a backtrack migration: snapshot the cluster, restore the
snapshot into <cluster>-bt with --backtrack-window in the same subnet group, security groups, cluster
parameter group and KMS key, create instances like the source's (writer first), wait until everything is
available, and verify BacktrackWindow on the new cluster. This is the path AWS documents for a cluster
created without backtrack: https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack

Without --apply it prints the plan and changes nothing. It never deletes, renames or modifies the source
or anything else: it only creates (CreateDBClusterSnapshot, RestoreDBClusterFromSnapshot, CreateDBInstance)
and reads. Everything it creates is tagged kumoguard:backtrack-migration-from=<cluster>; when interrupted,
run it again: it finds what it already created by name and tag and resumes. A resource with one of its
names that it did not create stops it.

Validation, cutover, rollback and decommission are human steps: "kumoguard runbook CLUSTER" writes them.`,
		Example: `  kumoguard migrate orders-prod --region ap-northeast-1            # the plan
  kumoguard migrate orders-prod --region ap-northeast-1 --apply    # do it (resumable)`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runMigrate(cmd, g, f, args[0]) },
	}
	addAWSFlags(cmd, &f.aws, awsFlagsUsage{region: "AWS Region of the cluster (default from the profile or AWS_REGION; an ARN's Region wins)"})
	fl := cmd.Flags()
	fl.StringVar(&f.minWindow, "min-window", "", "target window of the new cluster: 24h, 86400s, 1d (default 24h, at most 72h)")
	fl.StringVar(&f.configPath, "config", "", "kumoguard.yaml (default ./kumoguard.yaml when present)")
	fl.BoolVar(&f.apply, "apply", false, "perform the plan (default: print it and change nothing)")
	durationVar(fl, &f.pollInterval, "poll-interval", 30*time.Second, "how often to poll while waiting")
	durationVar(fl, &f.timeout, "timeout", 2*time.Hour, "give up waiting after this long (run again to resume)")
	return cmd
}

func runMigrate(cmd *cobra.Command, g *globalFlags, f *migrateFlags, ref string) error {
	rf := reportFlags{format: "table", minWindow: f.minWindow, configPath: f.configPath}
	s, err := rf.resolve(g, cmd.OutOrStdout())
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	cfg, err := f.aws.config(ctx, scan.RegionOfARN(ref))
	if err != nil {
		return err
	}
	res, err := migrate.Run(ctx, cfg, ref, migrate.Options{
		WindowSeconds: s.policy.MinWindowSeconds, Apply: f.apply, PollInterval: f.pollInterval, Timeout: f.timeout,
		Lang: s.lang, Out: cmd.OutOrStdout()})
	switch {
	case errors.Is(err, scan.ErrClusterNotFound):
		return usageErr("%v", err)
	case errors.Is(err, migrate.ErrNoMigrationNeeded):
		fmt.Fprintln(cmd.ErrOrStderr(), alreadyHasBacktrack(firstNonEmpty(res.Plan.Source.Identifier, ref), res.Plan.Window, s.policy.MinWindowSeconds).In(s.lang))
		return nil
	case err != nil:
		return fatalErr("%v (nothing was deleted or modified; run again to resume)", err)
	}
	if f.apply && !res.Verified {
		return fatalErr("the new cluster could not be verified")
	}
	return nil
}

// alreadyHasBacktrack says what to do about a cluster that has backtrack
// already: nothing when its window meets the target, else raise the window in
// place (never a migration).
func alreadyHasBacktrack(id string, window, target int64) model.Text {
	if window >= target {
		return model.T("kumoguard: %s already has backtrack with a window of %d s (%s), at least the target %d s (%s): nothing to do.",
			"kumoguard: %s は既にバックトラックが有効で、ウィンドウ %d 秒（%s）はターゲット %d 秒（%s）以上です。対応は不要です。",
			id, window, model.Duration(window), target, model.Duration(target))
	}
	return model.T("kumoguard: %s already has backtrack (window %d s, %s): no migration needed; raise the window in place, with no outage: aws rds modify-db-cluster --db-cluster-identifier %s --backtrack-window %d --apply-immediately",
		"kumoguard: %s は既にバックトラックが有効です（ウィンドウ %d 秒、%s）。移行は不要で、停止なしでその場でウィンドウを引き上げます：aws rds modify-db-cluster --db-cluster-identifier %s --backtrack-window %d --apply-immediately",
		id, window, model.Duration(window), id, target)
}
