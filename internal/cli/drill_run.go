package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/drill"
	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/scan"
)

func init() { drillCommands = append(drillCommands, newDrillRunCommand) }

// Exit codes of drill run: 0 every drill succeeded, 1 a drill ran and failed
// (its evidence is written, outcome failed), 2 an error (refused, no key,
// evidence or cleanup failed).
const (
	ExitDrillFailed = 1
)

type drillRunFlags struct {
	clone            drillCloneFlags
	apply            bool
	evidenceDir      string
	keyPath          string
	dbAuth           string
	dbEndpoint       string
	dbTLS            string
	backtrackTimeout time.Duration
	waitTimeout      time.Duration
	pollInterval     time.Duration
	cleanupTimeout   time.Duration
	lookback         time.Duration
}

func newDrillRunCommand(g *globalFlags) *cobra.Command {
	f := &drillRunFlags{}
	cmd := &cobra.Command{
		Use:   "run CLUSTER...",
		Short: "Run a backtrack drill on a copy-on-write clone of each cluster, with signed evidence (acts only with --apply)",
		Long: `Drill each cluster: clone it (RestoreDBClusterToPointInTime, copy-on-write, latest restorable
time, tagged ` + drill.TagDrillID + ` and ` + drill.TagExpiresAt + `, named ` + drill.NamePrefix + `<cluster>-<id>),
add one instance of the smallest class, optionally write a marker row (--data-check marker), backtrack the
clone to before it (BacktrackDBCluster, Force when binary logging is on), poll DescribeDBClusterBacktracks
and the clone's status every second until it completes or fails, verify, optionally backtrack forward
(--forward), write signed evidence (before deleting anything), then delete the instance and the clone.
On Ctrl-C, failure or a crash the same run still deletes them; what a killed run leaves, kumoguard drill
reap removes once its expiry tag has passed. The source cluster is only read: never modified,
backtracked or deleted.

Without --apply it prints the plan and changes nothing.

Database credentials for --data-check marker (never printed, logged or stored): KUMOGUARD_DRILL_DB_USER /
KUMOGUARD_DRILL_DB_PASSWORD, else the source's Secrets Manager master user secret (--db-auth auto), or an
RDS IAM authentication token (--db-auth iam).

Exit codes: 0 every drill succeeded, 1 a drill failed (evidence written, outcome failed), 2 error
(refused, no key, evidence not written, clone not removed).`,
		Example: `  kumoguard drill keygen --dir ~/.kumoguard                                 # once
  kumoguard drill run orders-prod --region ap-northeast-1                     # the plan
  kumoguard drill run orders-prod --region ap-northeast-1 --apply \
      --key ~/.kumoguard/kumoguard-drill.key --evidence-dir drill-evidence \
      --data-check marker --tables shop.orders,shop.customers --forward`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runDrillRun(cmd, g, f, args) },
	}
	addDrillCloneFlags(cmd, &f.clone)
	fl := cmd.Flags()
	fl.BoolVar(&f.apply, "apply", false, "perform the drill (default: print the plan and change nothing)")
	fl.StringVar(&f.evidenceDir, "evidence-dir", "drill-evidence", "directory of the signed evidence documents (one per drill, chained per cluster)")
	fl.StringVar(&f.keyPath, "key", evidence.PrivateKeyFile, "Ed25519 private key that signs the evidence (kumoguard drill keygen)")
	fl.StringVar(&f.dbAuth, "db-auth", drill.DBAuthAuto, "database credentials for --data-check: auto (environment, else the source's Secrets Manager secret), env, secret or iam")
	fl.StringVar(&f.dbTLS, "db-tls", "preferred", "TLS to the clone's database: preferred, true, skip-verify or false")
	fl.StringVar(&f.dbEndpoint, "db-endpoint", "", "connect the data check to this host:port instead of the clone's endpoint (tests)")
	_ = fl.MarkHidden("db-endpoint")
	fl.DurationVar(&f.backtrackTimeout, "backtrack-timeout", drill.DefaultBacktrackTimeout, "give up on a backtrack that has not completed after this long (the drill fails)")
	fl.DurationVar(&f.waitTimeout, "wait-timeout", drill.DefaultWaitTimeout, "give up waiting for the clone or its instance to be available after this long")
	fl.DurationVar(&f.pollInterval, "poll-interval", 15*time.Second, "how often to poll while the clone and its instance are created or deleted (a backtrack: this often, at least every second)")
	fl.DurationVar(&f.cleanupTimeout, "cleanup-timeout", drill.DefaultCleanupTimeout, "give up deleting the clone after this long (drill reap removes it later)")
	fl.DurationVar(&f.lookback, "lookback", drill.DefaultLookback, "period of production's BacktrackWindowAlert sum and RDS-EVENT-0131 history (events: at most 14 days)")
	return cmd
}

func runDrillRun(cmd *cobra.Command, g *globalFlags, f *drillRunFlags, refs []string) error {
	lang, err := langOf(g)
	if err != nil {
		return err
	}
	o, err := f.clone.options(lang)
	if err != nil {
		return err
	}
	for name, d := range map[string]time.Duration{"--backtrack-timeout": f.backtrackTimeout, "--wait-timeout": f.waitTimeout,
		"--poll-interval": f.pollInterval, "--cleanup-timeout": f.cleanupTimeout, "--lookback": f.lookback} {
		if d <= 0 {
			return usageErr("%s must be more than 0", name)
		}
	}
	o.Out, o.Apply = cmd.OutOrStdout(), f.apply
	o.EvidenceDir = f.evidenceDir
	o.DB = drill.DBOptions{Endpoint: f.dbEndpoint, Auth: f.dbAuth, TLS: f.dbTLS}
	o.BacktrackTimeout, o.WaitTimeout, o.WaitPoll, o.CleanupTimeout, o.Lookback = f.backtrackTimeout, f.waitTimeout, f.pollInterval, f.cleanupTimeout, f.lookback
	o.PollInterval = min(f.pollInterval, time.Second) // backtracks: at least once a second
	switch f.dbAuth {
	case drill.DBAuthAuto, drill.DBAuthEnv, drill.DBAuthSecret, drill.DBAuthIAM:
	default:
		return usageErr("--db-auth must be auto, env, secret or iam, not %q", f.dbAuth)
	}
	if f.apply {
		if f.evidenceDir == "" {
			return usageErr("--evidence-dir must not be empty with --apply: the evidence is written before the clone is deleted")
		}
		key, err := evidence.LoadPrivateKey(f.keyPath)
		if err != nil {
			return usageErr("--key: %v (create a key with kumoguard drill keygen)", err)
		}
		o.Key = key
	}
	ctx, stop := signalContext(cmd)
	defer stop()
	failed, errs := 0, 0
	for i, ref := range refs {
		if i > 0 {
			fmt.Fprintln(o.Out)
		}
		cfg, err := f.clone.aws.config(ctx, scan.RegionOfARN(ref))
		if err != nil {
			return err
		}
		res, err := drill.Run(ctx, cfg, ref, o)
		switch {
		case errors.Is(err, scan.ErrClusterNotFound):
			fmt.Fprintf(cmd.ErrOrStderr(), "kumoguard: %v\n", err)
			errs++
		case err != nil:
			fmt.Fprintf(cmd.ErrOrStderr(), "kumoguard: %s: %v\n", ref, err)
			errs++
		case f.apply && !res.Succeeded:
			failed++
		}
		if ctx.Err() != nil {
			break
		}
	}
	switch {
	case errs > 0:
		return &ExitError{Code: ExitFatal}
	case failed > 0:
		return &ExitError{Code: ExitDrillFailed, Msg: fmt.Sprintf("%d drill(s) failed; see the evidence", failed)}
	}
	return nil
}
