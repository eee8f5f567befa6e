package fix

import (
	"fmt"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// AWS CLI commands, with the exact flags of the AWS CLI reference
// (https://docs.aws.amazon.com/cli/latest/reference/rds/).

// target names the cluster a command acts on.
type target struct {
	id      string // DB cluster identifier, or a placeholder
	account string
	region  string
}

func (t target) suffix() string {
	if t.region == "" {
		return ""
	}
	return " --region " + shellQuote(t.region)
}

func cmd(t target, purpose model.Text, format string, args ...any) model.CLICommand {
	return model.CLICommand{Purpose: purpose, Command: fmt.Sprintf(format, args...) + t.suffix()}
}

// accountCheck verifies the credentials point at the finding's account.
func accountCheck(t target) []model.CLICommand {
	if t.account == "" {
		return nil
	}
	return []model.CLICommand{{
		Purpose: model.T("Check that the credentials are for account %s.", "認証情報がアカウント %s のものであることを確認します。", t.account),
		Command: "aws sts get-caller-identity --query Account --output text",
	}}
}

func describeWindow(t target, id string) model.CLICommand {
	return cmd(t, model.T("Verify: BacktrackWindow shows the target (seconds) and EarliestBacktrackTime advances.",
		"確認：BacktrackWindow が目標値（秒）になり、EarliestBacktrackTime が進んでいることを確認します。"),
		"aws rds describe-db-clusters --db-cluster-identifier %s --query 'DBClusters[0].[BacktrackWindow,EarliestBacktrackTime]'", shellQuote(id))
}

// cliCreate is the CLI equivalent of creating the cluster with backtrack
// (the CLI creates clusters without instances:
// https://docs.aws.amazon.com/cli/latest/reference/rds/create-db-instance.html). The password is
// never written: --manage-master-user-password keeps it in Secrets Manager.
func cliCreate(t target, engineVersion string, target int64) []model.CLICommand {
	ver := engineVersion
	if ver == "" {
		ver = "<8.0.mysql_aurora.3.x.y>"
	}
	return []model.CLICommand{
		cmd(t, model.T("Create the cluster with a %s target backtrack window.", "ターゲットバックトラックウィンドウ %s でクラスターを作成します。", model.Duration(target)),
			"aws rds create-db-cluster --db-cluster-identifier %s --engine aurora-mysql --engine-version %s --master-username admin --manage-master-user-password --backtrack-window %d",
			shellQuote(t.id), shellQuote(ver), target),
		describeWindow(t, t.id),
	}
}

// cliRaise changes the window of an enabled cluster in place; no outage
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Modifying.html).
func cliRaise(t target, target int64) []model.CLICommand {
	return append(accountCheck(t),
		cmd(t, model.T("Raise the target backtrack window to %d seconds (%s), in place, no outage.",
			"ターゲットバックトラックウィンドウを %d 秒（%s）にその場で引き上げます（停止なし）。", target, model.Duration(target)),
			"aws rds modify-db-cluster --db-cluster-identifier %s --backtrack-window %d --apply-immediately", shellQuote(t.id), target),
		describeWindow(t, t.id))
}

// MigrationNames are the names a migration gives what it creates.
type MigrationNames struct {
	Snapshot   string
	NewCluster string
}

// NamesFor derives the snapshot and new-cluster identifiers from the source
// cluster identifier, within the 63-character limit.
func NamesFor(id string) MigrationNames {
	trim := func(s string, suffix string) string {
		if len(s)+len(suffix) > 63 {
			s = strings.TrimRight(s[:63-len(suffix)], "-")
		}
		return s + suffix
	}
	return MigrationNames{Snapshot: trim(id, "-pre-backtrack"), NewCluster: trim(id, "-bt")}
}

// cliMigrate is the documented path for an existing cluster without backtrack
// (https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack):
// snapshot, restore with --backtrack-window, instances. The snapshot,
// restore and instance commands are the migration plan's, the same the
// runbook and kumoguard migrate use, on one line each.
func cliMigrate(t target, c *model.Cluster, target int64) []model.CLICommand {
	facts := ClusterFacts{Identifier: t.id, Region: t.region}
	if c != nil {
		facts = FactsFromCluster(*c)
		facts.Identifier, facts.Region = t.id, firstNonEmptyString(facts.Region, t.region)
	}
	p := PlanMigration(facts, target)
	line := func(purpose model.Text, c command) model.CLICommand {
		return model.CLICommand{Purpose: purpose, Command: c.line()}
	}
	out := accountCheck(t)
	out = append(out,
		line(model.T("Snapshot the source cluster.", "元のクラスターのスナップショットを取得します。"), p.snapshot()),
		cmd(t, model.T("Wait until the snapshot is available.", "スナップショットが利用可能になるまで待ちます。"),
			"aws rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier %s", shellQuote(p.Names.Snapshot)),
		line(model.T("Restore it into a new cluster with backtrack, in the source's subnet group, security groups, parameter group and KMS key.",
			"バックトラックを有効にして新しいクラスターに復元します（元と同じサブネットグループ、セキュリティグループ、パラメータグループ、KMS キー）。"), p.restore()),
		cmd(t, model.T("Wait until the new cluster is available.", "新しいクラスターが利用可能になるまで待ちます。"),
			"aws rds wait db-cluster-available --db-cluster-identifier %s", shellQuote(p.Names.NewCluster)),
	)
	for i, in := range p.instances() {
		purpose := model.T("Add the writer instance, like the source's.", "元と同じ構成のライターインスタンスを追加します。")
		if i > 0 {
			purpose = model.T("Add a reader instance, like the source's.", "元と同じ構成のリーダーインスタンスを追加します。")
		}
		if len(p.Source.Instances) == 0 {
			purpose = model.T("Add a writer instance like the source's (repeat for each reader).", "元と同じライターインスタンスを追加します（リーダーごとに繰り返します）。")
		}
		out = append(out, line(purpose, in))
	}
	return append(out, describeWindow(t, p.Names.NewCluster))
}

func firstNonEmptyString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
