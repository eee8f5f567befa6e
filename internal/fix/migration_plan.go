package fix

import (
	"fmt"
	"strings"
)

// MigrationTagKey tags everything a migration creates with the source
// cluster's identifier: it makes `kumoguard migrate` idempotent and
// resumable (it finds what an interrupted run created by tag).
const MigrationTagKey = "kumoguard:backtrack-migration-from"

// MigrationPlan is the non-destructive part of a migration
// (https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack,
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html):
// snapshot the source, restore it into a new cluster with
// backtrack in the same network, parameter groups and KMS key, and create
// instances like the source's.
type MigrationPlan struct {
	Source    ClusterFacts
	Names     MigrationNames
	Window    int64
	Instances []InstanceFacts // the new cluster's instances, writer first
}

// PlanMigration derives the plan from the source's facts.
func PlanMigration(f ClusterFacts, window int64) MigrationPlan {
	id := f.Identifier
	if id == "" {
		id = "<cluster-id>"
	}
	p := MigrationPlan{Source: f, Names: NamesFor(id), Window: window}
	for i, in := range f.Instances {
		n := in
		if in.Identifier != "" {
			n.Identifier = trimID(in.Identifier, "-bt")
		} else {
			n.Identifier = fmt.Sprintf("%s-%d", p.Names.NewCluster, i+1)
		}
		p.Instances = append(p.Instances, n)
	}
	if len(p.Instances) == 0 {
		p.Instances = []InstanceFacts{{Identifier: p.Names.NewCluster + "-1", Writer: true}}
	}
	return p
}

func trimID(s, suffix string) string {
	if len(s)+len(suffix) > 63 {
		s = strings.TrimRight(s[:63-len(suffix)], "-")
	}
	return s + suffix
}

// live says whether the facts are complete (read from AWS); otherwise the
// commands carry placeholders for what only AWS can tell.
func (p MigrationPlan) live() bool { return p.Source.Source == "aws" }

func (p MigrationPlan) val(v, placeholder string) string {
	if v != "" {
		return shellQuote(v)
	}
	if p.live() {
		return ""
	}
	return placeholder
}

func (p MigrationPlan) region() string {
	if p.Source.Region == "" {
		return ""
	}
	return " \\\n  --region " + shellQuote(p.Source.Region)
}

// SnapshotCommand creates the source snapshot.
func (p MigrationPlan) SnapshotCommand() string {
	return fmt.Sprintf("aws rds create-db-cluster-snapshot \\\n  --db-cluster-identifier %s \\\n  --db-cluster-snapshot-identifier %s \\\n  --tags Key=%s,Value=%s%s",
		shellQuote(p.Source.Identifier), shellQuote(p.Names.Snapshot), MigrationTagKey, shellQuote(p.Source.Identifier), p.region())
}

// RestoreCommand restores the snapshot into the new cluster with backtrack.
func (p MigrationPlan) RestoreCommand() string {
	var b strings.Builder
	fmt.Fprintf(&b, "aws rds restore-db-cluster-from-snapshot \\\n  --db-cluster-identifier %s \\\n  --snapshot-identifier %s \\\n  --engine %s",
		shellQuote(p.Names.NewCluster), shellQuote(p.Names.Snapshot), shellQuote(orDefault(p.Source.Engine, "aurora-mysql")))
	opt := func(flag, v string) {
		if v != "" {
			fmt.Fprintf(&b, " \\\n  %s %s", flag, v)
		}
	}
	opt("--engine-version", p.val(p.Source.EngineVersion, "<engine-version>"))
	fmt.Fprintf(&b, " \\\n  --backtrack-window %d", p.Window)
	opt("--db-subnet-group-name", p.val(p.Source.SubnetGroup, "<db-subnet-group>"))
	if len(p.Source.SecurityGroups) > 0 {
		var q []string
		for _, s := range p.Source.SecurityGroups {
			q = append(q, shellQuote(s))
		}
		opt("--vpc-security-group-ids", strings.Join(q, " "))
	} else if !p.live() {
		opt("--vpc-security-group-ids", "<sg-id ...>")
	}
	opt("--db-cluster-parameter-group-name", p.val(p.Source.ClusterParameterGroup, "<db-cluster-parameter-group>"))
	opt("--kms-key-id", p.val(p.Source.KMSKeyID, "<kms-key-arn>"))
	if p.Source.Port != 0 {
		opt("--port", fmt.Sprint(p.Source.Port))
	}
	if p.Source.DeletionProtection {
		b.WriteString(" \\\n  --deletion-protection")
	}
	fmt.Fprintf(&b, " \\\n  --tags Key=%s,Value=%s%s", MigrationTagKey, shellQuote(p.Source.Identifier), p.region())
	return b.String()
}

// InstanceCommands create the new cluster's instances, writer first.
func (p MigrationPlan) InstanceCommands() []string {
	var out []string
	for _, in := range p.Instances {
		var b strings.Builder
		fmt.Fprintf(&b, "aws rds create-db-instance \\\n  --db-instance-identifier %s \\\n  --db-cluster-identifier %s \\\n  --engine %s \\\n  --db-instance-class %s",
			shellQuote(in.Identifier), shellQuote(p.Names.NewCluster), shellQuote(orDefault(p.Source.Engine, "aurora-mysql")), p.val(in.Class, "<instance-class>"))
		if in.ParameterGroup != "" {
			fmt.Fprintf(&b, " \\\n  --db-parameter-group-name %s", shellQuote(in.ParameterGroup))
		}
		if in.AvailabilityZone != "" {
			fmt.Fprintf(&b, " \\\n  --availability-zone %s", shellQuote(in.AvailabilityZone))
		}
		if in.PromotionTier != 0 {
			fmt.Fprintf(&b, " \\\n  --promotion-tier %d", in.PromotionTier)
		}
		fmt.Fprintf(&b, " \\\n  --tags Key=%s,Value=%s%s", MigrationTagKey, shellQuote(p.Source.Identifier), p.region())
		out = append(out, b.String())
	}
	return out
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
