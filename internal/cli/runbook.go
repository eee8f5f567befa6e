package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/fix"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/scan"
)

func init() { topCommands = append(topCommands, newRunbookCommand) }

type runbookFlags struct {
	iacInputFlags
	iac        bool
	resource   []string
	aws        awsFlags
	minWindow  string
	configPath string
	output     string
}

func newRunbookCommand(g *globalFlags) *cobra.Command {
	f := &runbookFlags{}
	cmd := &cobra.Command{
		Use:   "runbook [CLUSTER...] | --iac [PATH...] [--resource ADDRESS]",
		Short: "Write the migration runbook for a cluster created without backtrack",
		Long: `Write a Markdown runbook (English or Japanese, --lang) to migrate an Aurora MySQL cluster that exists
without backtrack to a new cluster with backtrack: backtrack can only be enabled when a cluster is created,
so the way is snapshot → restore-db-cluster-from-snapshot --backtrack-window into the same subnet
group, security groups, parameter groups and KMS key → instances like the source → validation (row counts,
checksums; binlog replication for a low-downtime cutover, with its caveat) → cutover (DNS, rename or
RDS Proxy) → rollback plan → decommission, and how to adopt the new cluster in Terraform or CloudFormation.
AWS documents the rule and the path at
https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
and https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack

Live: name clusters by identifier or ARN; kumoguard reads DescribeDBClusters and DescribeDBInstances
(read-only) and fills every command in. IaC: --iac scans the paths like "scan iac" and writes a runbook for
every cluster whose way out is a migration (or the --resource addresses); what only AWS can tell (subnet
group, security groups, KMS key) is left as a placeholder.`,
		Example: `  kumoguard runbook orders-prod --region ap-northeast-1 --lang ja > runbook.md
  kumoguard runbook arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-prod --profile prod
  kumoguard runbook --iac envs/prod --resource module.db.aws_rds_cluster.this[0] --output runbook.md`,
		RunE: func(cmd *cobra.Command, args []string) error { return runRunbook(cmd, g, f, args) },
	}
	addIaCInputFlags(cmd, &f.iacInputFlags)
	addAWSFlags(cmd, &f.aws, awsFlagsUsage{}) // after the IaC flags: shares their --region
	fl := cmd.Flags()
	fl.BoolVar(&f.iac, "iac", false, "the arguments are IaC paths (as for scan iac), not cluster identifiers")
	fl.StringArrayVar(&f.resource, "resource", nil, "with --iac: only this resource address (repeatable)")
	fl.StringVar(&f.minWindow, "min-window", "", "target window of the new cluster: 24h, 86400s, 1d (default 24h, at most 72h)")
	fl.StringVar(&f.configPath, "config", "", "kumoguard.yaml (default ./kumoguard.yaml when present)")
	fl.StringVarP(&f.output, "output", "o", "", "write the runbook to this file instead of standard output")
	return cmd
}

func runRunbook(cmd *cobra.Command, g *globalFlags, f *runbookFlags, args []string) error {
	rf := reportFlags{format: "table", minWindow: f.minWindow, configPath: f.configPath}
	s, err := rf.resolve(g, cmd.OutOrStdout())
	if err != nil {
		return err
	}
	opts := fix.RunbookOptions{Lang: s.lang, WindowSeconds: s.policy.MinWindowSeconds}
	var facts []fix.ClusterFacts
	if f.iac {
		facts, err = iacRunbookFacts(cmd, s, f, args)
	} else {
		if len(args) == 0 {
			return usageErr("name at least one cluster (identifier or ARN), or use --iac PATH")
		}
		facts, err = liveRunbookFacts(cmd.Context(), cmd.ErrOrStderr(), s.lang, s.policy.MinWindowSeconds, f, args)
	}
	if err != nil {
		return err
	}
	if len(facts) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), model.T("kumoguard: no cluster needs a migration runbook.", "kumoguard: 移行手順書が必要なクラスターはありません。").In(s.lang))
		return nil
	}
	var parts []string
	for _, fc := range facts {
		parts = append(parts, fix.Runbook(fc, opts))
	}
	text := strings.Join(parts, "\n---\n\n")
	if f.output == "" {
		_, err := io.WriteString(cmd.OutOrStdout(), text)
		return err
	}
	if err := writeOutput(f.output, cmd.OutOrStdout(), func(w io.Writer) error { _, err := io.WriteString(w, text); return err }); err != nil {
		return fatalErr("writing %s: %v", f.output, err)
	}
	return nil
}

// liveRunbookFacts reads each named cluster. A cluster that already has
// backtrack gets no runbook: its window is raised in place
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Modifying.html).
func liveRunbookFacts(ctx context.Context, stderr io.Writer, lang string, target int64, f *runbookFlags, refs []string) ([]fix.ClusterFacts, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var out []fix.ClusterFacts
	configs := map[string]aws.Config{}
	for _, ref := range refs {
		region := f.region
		if r := scan.RegionOfARN(ref); r != "" {
			region = r
		}
		cfg, ok := configs[region]
		if !ok {
			var err error
			if cfg, err = f.aws.config(ctx, region); err != nil {
				return nil, err
			}
			configs[region] = cfg
		}
		c, err := scan.LiveCluster(ctx, cfg, ref)
		if errors.Is(err, scan.ErrClusterNotFound) {
			return nil, usageErr("%v", err)
		}
		if err != nil {
			return nil, fatalErr("reading %s: %v", ref, err)
		}
		facts := fix.FactsFromCluster(c)
		if facts.Region == "" {
			facts.Region = region
		}
		if !strings.HasPrefix(strings.ToLower(facts.Engine), "aurora") || strings.Contains(facts.Engine, "postgres") {
			return nil, usageErr("%s", model.T("%s runs %s: backtrack exists only for Aurora MySQL; no migration applies.",
				"%s のエンジンは %s です。バックトラックは Aurora MySQL のみの機能のため、移行の対象外です。", facts.Identifier, facts.Engine).In(lang))
		}
		if facts.BacktrackWindow > 0 {
			fmt.Fprintln(stderr, alreadyHasBacktrack(facts.Identifier, facts.BacktrackWindow, target).In(lang))
			continue
		}
		out = append(out, facts)
	}
	return out, nil
}

// iacRunbookFacts scans IaC and returns the clusters whose remediation is a
// migration (or that might need one), or those named by --resource.
func iacRunbookFacts(cmd *cobra.Command, s settings, f *runbookFlags, args []string) ([]fix.ClusterFacts, error) {
	inv, _, err := loadIaC(cmd.Context(), args, &f.iacInputFlags)
	if err != nil {
		return nil, err
	}
	findings := scan.Findings(inv, s.scanSettings())
	want := map[string]bool{}
	for _, r := range f.resource {
		want[r] = true
	}
	var out []fix.ClusterFacts
	seen := map[string]bool{}
	for _, fd := range findings {
		c := fd.Cluster
		if c == nil || seen[c.Address] {
			continue
		}
		if len(want) > 0 && !want[c.Address] {
			continue
		}
		r := fix.Remediate(fd)
		if len(want) == 0 && r.Path != model.PathMigrate && r.Path != model.PathSetOrMigrate {
			continue
		}
		seen[c.Address] = true
		facts := fix.FactsFromCluster(*c)
		// A plan of the same address knows the live identity of the cluster.
		for _, o := range inv.Clusters {
			if o.Address == c.Address && o.Source == model.SourceTerraformPlan {
				facts.ARN, facts.Account, facts.Region = firstNonEmpty(facts.ARN, o.ARN), firstNonEmpty(facts.Account, o.Account), firstNonEmpty(facts.Region, o.Region)
				if facts.Identifier == "" {
					facts.Identifier = o.Name
				}
			}
		}
		out = append(out, facts)
	}
	for r := range want {
		if !seen[r] {
			return nil, usageErr("%s: no such Aurora cluster resource in %s", r, strings.Join(args, ", "))
		}
	}
	return out, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
