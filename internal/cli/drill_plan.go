package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/drill"
	"github.com/kumoguard/kumoguard/internal/scan"
)

func init() { drillCommands = append(drillCommands, newDrillPlanCommand) }

// drillCloneFlags are the flags that shape a drill, shared by plan and run.
type drillCloneFlags struct {
	aws            awsFlags
	subnetGroup    string
	securityGroups []string
	instanceClass  string
	ttl            time.Duration
	dataCheck      string
	tables         []string
	forward        bool
}

func addDrillCloneFlags(cmd *cobra.Command, f *drillCloneFlags) {
	addAWSFlags(cmd, &f.aws, awsFlagsUsage{region: "AWS Region of the clusters (default from the profile or AWS_REGION; an ARN's Region wins)"})
	fl := cmd.Flags()
	fl.StringVar(&f.subnetGroup, "subnet-group", "", "DB subnet group of the clone (default: the source's)")
	fl.StringSliceVar(&f.securityGroups, "security-groups", nil, "VPC security group IDs of the clone, comma-separated (default: the source's)")
	fl.StringVar(&f.instanceClass, "instance-class", "", "instance class of the clone's one instance (default "+drill.DefaultInstanceClass+", the smallest every current Aurora MySQL version supports)")
	fl.DurationVar(&f.ttl, "ttl", drill.DefaultTTL, "the clone's "+drill.TagExpiresAt+" tag: after this long, kumoguard drill reap may delete it")
	fl.StringVar(&f.dataCheck, "data-check", drill.DataCheckNone, "none, or marker: write a marker row on the clone, backtrack to before it and verify it is gone and --tables are unchanged")
	fl.StringSliceVar(&f.tables, "tables", nil, "schema.table names to fingerprint (row count and CHECKSUM TABLE) with --data-check marker")
	fl.BoolVar(&f.forward, "forward", false, "after the check, backtrack forward past the marker and verify it is back")
}

func (f *drillCloneFlags) options(lang string) (drill.Options, error) {
	if f.dataCheck != drill.DataCheckNone && f.dataCheck != drill.DataCheckMarker {
		return drill.Options{}, usageErr("--data-check must be none or marker, not %q", f.dataCheck)
	}
	tables, err := drill.ParseTables(f.tables)
	if err != nil {
		return drill.Options{}, usageErr("--tables: %v", err)
	}
	if len(tables) > 0 && f.dataCheck != drill.DataCheckMarker {
		return drill.Options{}, usageErr("--tables needs --data-check marker")
	}
	if f.ttl <= 0 {
		return drill.Options{}, usageErr("--ttl must be more than 0")
	}
	return drill.Options{Lang: lang, SubnetGroup: f.subnetGroup, SecurityGroups: f.securityGroups, InstanceClass: f.instanceClass,
		TTL: f.ttl, DataCheck: f.dataCheck, Tables: tables, Forward: f.forward, Version: ToolVersion()}, nil
}

func newDrillPlanCommand(g *globalFlags) *cobra.Command {
	f := &drillCloneFlags{}
	cmd := &cobra.Command{
		Use:   "plan CLUSTER...",
		Short: "Show what a drill of each cluster would do: every AWS call in order and its cost (read-only)",
		Long: `Run the read-only pre-flight of a backtrack drill and print its plan: the source must be
Aurora MySQL, provisioned, with backtrack and at least one instance; its clone group must have fewer
than 15 copy-on-write clones (the 16th would be a full copy); binary logging (binlog_format not OFF)
means the backtrack needs Force. The plan names every AWS call the drill makes, in order, and what it
costs. Nothing is created, changed or deleted.

Exit codes: 0 every cluster can be drilled, 2 a cluster is refused or cannot be read.`,
		Example: `  kumoguard drill plan orders-prod --region ap-northeast-1
  kumoguard drill plan orders-prod --data-check marker --tables shop.orders --lang ja`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runDrillPlan(cmd, g, f, args) },
	}
	addDrillCloneFlags(cmd, f)
	return cmd
}

func runDrillPlan(cmd *cobra.Command, g *globalFlags, f *drillCloneFlags, refs []string) error {
	lang, err := langOf(g)
	if err != nil {
		return err
	}
	o, err := f.options(lang)
	if err != nil {
		return err
	}
	o.Out = cmd.OutOrStdout()
	var refused []string
	for i, ref := range refs {
		if i > 0 {
			fmt.Fprintln(o.Out)
		}
		cfg, err := f.aws.config(cmd.Context(), scan.RegionOfARN(ref))
		if err != nil {
			return err
		}
		p, err := drill.MakePlan(cmd.Context(), cfg, ref, o)
		if errors.Is(err, scan.ErrClusterNotFound) {
			return usageErr("%v", err)
		}
		if err != nil {
			return fatalErr("%s: %v (nothing was changed)", ref, err)
		}
		p.Print(o)
		if len(p.Source.Problems) > 0 {
			refused = append(refused, ref)
		}
	}
	if len(refused) > 0 {
		return fatalErr("refused: %s", strings.Join(refused, ", "))
	}
	return nil
}
