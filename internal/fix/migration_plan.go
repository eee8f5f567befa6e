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

// command is one AWS CLI command as its parts: the command itself, then
// each flag with its value. Runbooks print it over several lines, reports
// on one: the command is written in one place.
type command []string

// multiline is the command as runbooks print it, one flag a line.
func (c command) multiline() string { return strings.Join(c, " \\\n  ") }

// line is the command on one line, as remediation steps carry it.
func (c command) line() string { return strings.Join(c, " ") }

func (p MigrationPlan) withRegion(c command) command {
	if p.Source.Region != "" {
		c = append(c, "--region "+shellQuote(p.Source.Region))
	}
	return c
}

func (p MigrationPlan) tag() string {
	return fmt.Sprintf("--tags Key=%s,Value=%s", MigrationTagKey, shellQuote(p.Source.Identifier))
}

// snapshot creates the source snapshot.
func (p MigrationPlan) snapshot() command {
	return p.withRegion(command{"aws rds create-db-cluster-snapshot",
		"--db-cluster-identifier " + shellQuote(p.Source.Identifier),
		"--db-cluster-snapshot-identifier " + shellQuote(p.Names.Snapshot), p.tag()})
}

// restore restores the snapshot into the new cluster with backtrack, in the
// source's subnet group, security groups, parameter group and KMS key
// (https://docs.aws.amazon.com/cli/latest/reference/rds/restore-db-cluster-from-snapshot.html).
func (p MigrationPlan) restore() command {
	c := command{"aws rds restore-db-cluster-from-snapshot",
		"--db-cluster-identifier " + shellQuote(p.Names.NewCluster),
		"--snapshot-identifier " + shellQuote(p.Names.Snapshot),
		"--engine " + shellQuote(orDefault(p.Source.Engine, "aurora-mysql"))}
	opt := func(flag, v string) {
		if v != "" {
			c = append(c, flag+" "+v)
		}
	}
	opt("--engine-version", p.val(p.Source.EngineVersion, "<engine-version>"))
	c = append(c, fmt.Sprintf("--backtrack-window %d", p.Window))
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
		c = append(c, "--deletion-protection")
	}
	return p.withRegion(append(c, p.tag()))
}

// instances create the new cluster's instances, writer first.
func (p MigrationPlan) instances() []command {
	var out []command
	for _, in := range p.Instances {
		c := command{"aws rds create-db-instance",
			"--db-instance-identifier " + shellQuote(in.Identifier),
			"--db-cluster-identifier " + shellQuote(p.Names.NewCluster),
			"--engine " + shellQuote(orDefault(p.Source.Engine, "aurora-mysql")),
			"--db-instance-class " + p.val(in.Class, "<instance-class>")}
		if in.ParameterGroup != "" {
			c = append(c, "--db-parameter-group-name "+shellQuote(in.ParameterGroup))
		}
		if in.AvailabilityZone != "" {
			c = append(c, "--availability-zone "+shellQuote(in.AvailabilityZone))
		}
		if in.PromotionTier != 0 {
			c = append(c, fmt.Sprintf("--promotion-tier %d", in.PromotionTier))
		}
		out = append(out, p.withRegion(append(c, p.tag())))
	}
	return out
}

// SnapshotCommand creates the source snapshot.
func (p MigrationPlan) SnapshotCommand() string { return p.snapshot().multiline() }

// RestoreCommand restores the snapshot into the new cluster with backtrack.
func (p MigrationPlan) RestoreCommand() string { return p.restore().multiline() }

// InstanceCommands create the new cluster's instances, writer first.
func (p MigrationPlan) InstanceCommands() []string {
	var out []string
	for _, c := range p.instances() {
		out = append(out, c.multiline())
	}
	return out
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
