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
		cmd(t, model.T("Create the cluster with a %s target backtrack window.", "ターゲットバックトラックウィンドウ %s でクラスターを作成します。", model.FormatDuration(target)),
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
			"ターゲットバックトラックウィンドウを %d 秒（%s）にその場で引き上げます（停止なし）。", target, model.FormatDuration(target)),
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
// snapshot, restore with --backtrack-window, instances.
func cliMigrate(t target, c *model.Cluster, target int64) []model.CLICommand {
	n := NamesFor(t.id)
	ver := "<engine-version of the source>"
	class := "<instance class of the source writer>"
	if c != nil {
		if v, ok := c.EngineVersion.Get(); ok && v != "" {
			ver = v
		}
		if len(c.InstanceClasses) > 0 && c.InstanceClasses[0] != "" {
			class = c.InstanceClasses[0]
		}
	}
	out := accountCheck(t)
	out = append(out,
		cmd(t, model.T("Snapshot the source cluster.", "元のクラスターのスナップショットを取得します。"),
			"aws rds create-db-cluster-snapshot --db-cluster-identifier %s --db-cluster-snapshot-identifier %s", shellQuote(t.id), shellQuote(n.Snapshot)),
		cmd(t, model.T("Wait until the snapshot is available.", "スナップショットが利用可能になるまで待ちます。"),
			"aws rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier %s", shellQuote(n.Snapshot)),
		cmd(t, model.T("Restore it into a new cluster with backtrack, in the source's subnet group, security groups, parameter group and KMS key.",
			"バックトラックを有効にして新しいクラスターに復元します（元と同じサブネットグループ、セキュリティグループ、パラメータグループ、KMS キー）。"),
			"aws rds restore-db-cluster-from-snapshot --db-cluster-identifier %s --snapshot-identifier %s --engine aurora-mysql --engine-version %s --backtrack-window %d --db-subnet-group-name <subnet-group> --vpc-security-group-ids <sg-ids> --db-cluster-parameter-group-name <cluster-parameter-group> --kms-key-id <kms-key>",
			shellQuote(n.NewCluster), shellQuote(n.Snapshot), shellQuote(ver), target),
		cmd(t, model.T("Wait until the new cluster is available.", "新しいクラスターが利用可能になるまで待ちます。"),
			"aws rds wait db-cluster-available --db-cluster-identifier %s", shellQuote(n.NewCluster)),
		cmd(t, model.T("Add a writer instance like the source's (repeat for each reader).", "元と同じライターインスタンスを追加します（リーダーごとに繰り返します）。"),
			"aws rds create-db-instance --db-instance-identifier %s --db-cluster-identifier %s --engine aurora-mysql --db-instance-class %s",
			shellQuote(n.NewCluster+"-1"), shellQuote(n.NewCluster), shellQuote(class)),
		describeWindow(t, n.NewCluster),
	)
	return out
}
