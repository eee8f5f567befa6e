// Package drill runs backtrack drills: it clones a backtrack-enabled Aurora
// MySQL cluster (copy-on-write), gives the clone one instance, optionally
// writes a marker row, backtracks the clone to before the marker, verifies
// the rewind, writes signed evidence and deletes the clone. The source
// cluster is only read, never modified, backtracked or deleted. It reads the
// source through the scan pipeline's AWS source (scan.LiveCluster) and talks
// to AWS only through a configuration built by internal/awsapi.
//
// The steps follow AWS's documentation:
//   - cloning: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Clone.html
//   - RestoreDBClusterToPointInTime: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterToPointInTime.html
//   - backtracking: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Performing0.html
//   - BacktrackDBCluster: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_BacktrackDBCluster.html
//   - DescribeDBClusterBacktracks: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusterBacktracks.html
package drill

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/pricing"
	"github.com/kumoguard/kumoguard/internal/scan"
)

// Tags and names of what a drill creates. Reap and cleanup delete only
// clusters and instances that carry TagDrillID and whose identifier starts
// with NamePrefix.
const (
	TagDrillID   = "kumoguard:drill-id"
	TagExpiresAt = "kumoguard:expires-at"
	NamePrefix   = "kg-drill-"
)

// MaxCopyOnWriteClones is how many copy-on-write clones a source can have:
// "up to 15"; the 16th is a full copy, with full storage cost.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Clone.html
const MaxCopyOnWriteClones = 15

// DefaultInstanceClass is the clone's instance class when none is given:
// db.t3.medium, the smallest class the current Aurora MySQL versions (2, 3
// and 8.4) all support; the T classes are meant for tests like this one.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.BestPractices.Performance.html
const DefaultInstanceClass = "db.t3.medium"

// Defaults of Options.
const (
	DefaultTTL              = 6 * time.Hour
	DefaultCloneWindow      = 3600 // s: the clone's target backtrack window
	DefaultPollInterval     = time.Second
	DefaultWaitTimeout      = time.Hour
	DefaultBacktrackTimeout = 30 * time.Minute
	DefaultCleanupTimeout   = 30 * time.Minute
	DefaultLookback         = 7 * 24 * time.Hour
	// ExpectedDuration is what the plan's cost assumes: clone and instance
	// creation take minutes, mostly instance provisioning (2 TB in about
	// 5.5 min: https://aws.amazon.com/blogs/aws/amazon-aurora-fast-database-cloning/).
	ExpectedDuration = time.Hour
)

// Data check modes.
const (
	DataCheckNone   = "none"
	DataCheckMarker = "marker"
)

// ErrRefused is wrapped into a pre-flight error that makes a drill
// impossible or unsafe (out of scope, no instance, clone group full).
var ErrRefused = errors.New("drill refused")

// Options configure Plan and Run.
type Options struct {
	Lang string
	Out  io.Writer
	// Apply performs the drill; without it Run prints the plan only.
	Apply bool

	// Clone settings: subnet group and security groups (default: the
	// source's), instance class (default DefaultInstanceClass), TTL of the
	// expires-at tag and the clone's backtrack window in seconds.
	SubnetGroup    string
	SecurityGroups []string
	InstanceClass  string
	TTL            time.Duration
	CloneWindow    int64

	// DataCheck is "none" (default) or "marker"; Tables are fingerprinted.
	DataCheck string
	Tables    []string
	// Forward backtracks forward past the marker afterwards.
	Forward bool
	DB      DBOptions

	// PollInterval is how often waits poll (at most 1 s while backtracking).
	PollInterval     time.Duration
	WaitTimeout      time.Duration
	BacktrackTimeout time.Duration
	CleanupTimeout   time.Duration
	// MarkerGap separates the backtrack target from the marker (default 2 s).
	MarkerGap time.Duration
	// Lookback is the production window's period (events: at most 14 days).
	Lookback time.Duration

	// Evidence: the directory and the Ed25519 key evidence.Append signs with.
	EvidenceDir string
	Key         ed25519.PrivateKey
	Version     string
	// WaitPoll is how often the clone's and the instance's creation and
	// deletion are polled (default 15 s).
	WaitPoll time.Duration

	now   func() time.Time
	newID func() string
}

func (o *Options) defaults() {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.CloneWindow <= 0 {
		o.CloneWindow = DefaultCloneWindow
	}
	if o.DataCheck == "" {
		o.DataCheck = DataCheckNone
	}
	if o.PollInterval <= 0 || o.PollInterval > DefaultPollInterval {
		o.PollInterval = min(max(o.PollInterval, 0), DefaultPollInterval)
		if o.PollInterval == 0 {
			o.PollInterval = DefaultPollInterval
		}
	}
	if o.WaitPoll <= 0 {
		o.WaitPoll = 15 * time.Second
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = DefaultWaitTimeout
	}
	if o.BacktrackTimeout <= 0 {
		o.BacktrackTimeout = DefaultBacktrackTimeout
	}
	if o.CleanupTimeout <= 0 {
		o.CleanupTimeout = DefaultCleanupTimeout
	}
	if o.MarkerGap <= 0 {
		o.MarkerGap = 2 * time.Second
	}
	if o.Lookback <= 0 {
		o.Lookback = DefaultLookback
	}
	if o.now == nil {
		o.now = func() time.Time { return time.Now().UTC() }
	}
	if o.newID == nil {
		o.newID = newDrillID
	}
}

func (o *Options) say(t model.Text) { fmt.Fprintln(o.Out, t.In(o.Lang)) }

// newDrillID is 16 random hex digits.
func newDrillID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

var nonIdent = regexp.MustCompile(`[^a-z0-9-]+`)

// Names returns the clone's and its instance's identifiers for a drill of
// source: kg-drill-<source>-<first 8 of the id>, and that plus "-1". The
// source part is shortened so both fit the 63-character limit, and no two
// hyphens follow each other.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterToPointInTime.html
func Names(source, drillID string) (clone, instance string) {
	s := nonIdent.ReplaceAllString(strings.ToLower(source), "-")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	short := drillID
	if len(short) > 8 {
		short = short[:8]
	}
	limit := 63 - len(NamePrefix) - 1 - len(short) - 2
	if len(s) > limit {
		s = s[:limit]
	}
	s = strings.Trim(s, "-")
	clone = NamePrefix + s + "-" + short
	return clone, clone + "-1"
}

// Call is one AWS call a drill makes, as the plan prints it.
type Call struct {
	Action string     // IAM action, "rds:RestoreDBClusterToPointInTime"
	Target string     // what it acts on
	Why    model.Text // what it is for
	// Changes is true for the calls that create or delete (never on the source).
	Changes bool
}

// Preflight is what the read-only pre-flight found about a source.
type Preflight struct {
	Cluster model.Cluster
	// CloneGroupID and ClonesInGroup: the copy-on-write clones already
	// sharing the source's storage (the source itself not counted).
	CloneGroupID  string
	ClonesInGroup int
	// Binlog: binlog_format of the cluster parameter group is not OFF, so
	// the backtrack needs Force. BinlogKnown is false when it could not be
	// read (the drill then sets Force, harmless on a clone).
	Binlog      bool
	BinlogKnown bool
	BinlogWhy   string
	// MasterUserSecretARN is the source's Secrets Manager secret (the clone
	// shares the source's data, users included).
	MasterUserSecretARN string
	MasterUsername      string
	// Writer is the source's writer instance (BacktrackWindowAlert's dimension).
	Writer string
	// Instances are the source's instance identifiers (RDS events' sources).
	Instances []string
	// Problems make the drill impossible or unsafe.
	Problems []model.Text
}

// Plan is what a drill of one source would do.
type Plan struct {
	Source        Preflight
	DrillID       string
	Clone         string
	Instance      string
	InstanceClass string
	SubnetGroup   string
	SecurityGroup []string
	ExpiresAt     time.Time
	Force         bool
	Calls         []Call
	Cost          []model.Text
}

// RunPreflight reads the source (read-only): scope, instances, clone group,
// binary logging. A source that cannot be drilled has Problems.
func RunPreflight(ctx context.Context, cfg aws.Config, ref string) (Preflight, error) {
	if r := scan.RegionOfARN(ref); r != "" {
		cfg = cfg.Copy()
		cfg.Region = r
	}
	c, err := scan.LiveCluster(ctx, cfg, ref)
	if err != nil {
		return Preflight{}, err
	}
	p := Preflight{Cluster: c}
	engine, _ := c.Engine.Get()
	mode, _ := c.EngineMode.Get()
	window, _ := c.BacktrackWindow.Get()
	// Backtrack exists for Aurora MySQL provisioned clusters only:
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
	if engine != "aurora-mysql" && engine != "aurora" {
		p.Problems = append(p.Problems, model.T("%s runs %s: backtrack exists only for Aurora MySQL.",
			"%s は %s です。バックトラックは Aurora MySQL にしかありません。", c.Name, engine))
	}
	if mode != "" && mode != "provisioned" {
		p.Problems = append(p.Problems, model.T("%s has engine mode %s: drills need a provisioned cluster.",
			"%s のエンジンモードは %s です。ドリルにはプロビジョニングされたクラスターが必要です。", c.Name, mode))
	}
	// A clone gets backtrack only when its source has it:
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
	if window <= 0 {
		p.Problems = append(p.Problems, model.T("%s has no backtrack (BacktrackWindow 0): its clone cannot have backtrack, so there is nothing to drill. Migrate it first (kumoguard migrate %s).",
			"%s はバックトラックが無効です（BacktrackWindow 0）。クローンもバックトラックを持てないため、ドリルできません。先に移行してください（kumoguard migrate %s）。", c.Name, c.Name))
	}
	// "You can't create a clone from an Aurora DB cluster without a DB instance":
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Clone.html
	if len(c.Instances) == 0 {
		p.Problems = append(p.Problems, model.T("%s has no DB instance: a cluster without instances cannot be cloned.",
			"%s には DB インスタンスがありません。インスタンスのないクラスターはクローンできません。", c.Name))
	}
	for _, in := range c.Instances {
		p.Instances = append(p.Instances, in.Identifier)
		if in.Writer {
			p.Writer = in.Identifier
		}
	}
	api := rds.NewFromConfig(cfg)
	out, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(c.Name)})
	if err != nil {
		return p, fmt.Errorf("DescribeDBClusters %s: %w", c.Name, err)
	}
	if len(out.DBClusters) == 0 {
		return p, fmt.Errorf("%s: %w", c.Name, scan.ErrClusterNotFound)
	}
	raw := out.DBClusters[0]
	p.MasterUsername = aws.ToString(raw.MasterUsername)
	if raw.MasterUserSecret != nil {
		p.MasterUserSecretARN = aws.ToString(raw.MasterUserSecret.SecretArn)
	}
	// Clones share a clone group (CloneGroupId, DescribeDBClusters'
	// clone-group-id filter); at 15 the next one would be a full copy.
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
	p.CloneGroupID = aws.ToString(raw.CloneGroupId)
	if p.CloneGroupID != "" {
		pg := rds.NewDescribeDBClustersPaginator(api, &rds.DescribeDBClustersInput{
			Filters: []types.Filter{{Name: aws.String("clone-group-id"), Values: []string{p.CloneGroupID}}}})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				return p, fmt.Errorf("DescribeDBClusters clone-group-id %s: %w", p.CloneGroupID, err)
			}
			for _, m := range page.DBClusters {
				if aws.ToString(m.DBClusterIdentifier) != c.Name && aws.ToString(m.CloneGroupId) == p.CloneGroupID {
					p.ClonesInGroup++
				}
			}
		}
	}
	if p.ClonesInGroup >= MaxCopyOnWriteClones {
		p.Problems = append(p.Problems, model.T("%s already has %d copy-on-write clones in its clone group %s: the next clone would be a full copy with full storage cost (at most %d copy-on-write clones per source). Delete unused clones first.",
			"%[1]s のクローングループ %[3]s には既にコピーオンライトのクローンが %[2]d 個あります。次のクローンはフルコピーになり、ストレージ全体の費用がかかります（コピーオンライトのクローンはソースあたり最大 %[4]d 個）。不要なクローンを先に削除してください。",
			c.Name, p.ClonesInGroup, p.CloneGroupID, MaxCopyOnWriteClones))
	}
	// Binary logging: with binlog_format other than OFF a backtrack needs
	// Force. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_BacktrackDBCluster.html
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_LogAccess.MySQL.BinaryFormat.html
	group := aws.ToString(raw.DBClusterParameterGroup)
	p.Binlog, p.BinlogKnown, p.BinlogWhy = readBinlog(ctx, api, group)
	return p, nil
}

func readBinlog(ctx context.Context, api *rds.Client, group string) (on, known bool, why string) {
	if group == "" {
		return false, false, "the cluster names no DB cluster parameter group"
	}
	pg := rds.NewDescribeDBClusterParametersPaginator(api, &rds.DescribeDBClusterParametersInput{
		DBClusterParameterGroupName: aws.String(group),
		Filters:                     []types.Filter{{Name: aws.String("parameter-name"), Values: []string{"binlog_format"}}},
	})
	value := ""
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return false, false, fmt.Sprintf("rds:DescribeDBClusterParameters %s failed: %v", group, err)
		}
		for _, prm := range page.Parameters {
			if strings.EqualFold(aws.ToString(prm.ParameterName), "binlog_format") {
				value = strings.TrimSpace(aws.ToString(prm.ParameterValue))
			}
		}
	}
	// Unset, binlog_format is OFF in Aurora MySQL's default groups.
	if value == "" || strings.EqualFold(value, "OFF") {
		return false, true, fmt.Sprintf("binlog_format is %s in %s", firstNonEmpty(value, "OFF (default)"), group)
	}
	return true, true, fmt.Sprintf("binlog_format is %s in %s", value, group)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// MakePlan is the pre-flight plus the calls and costs of a drill of ref.
// It changes nothing.
func MakePlan(ctx context.Context, cfg aws.Config, ref string, o Options) (Plan, error) {
	o.defaults()
	pf, err := RunPreflight(ctx, cfg, ref)
	if err != nil {
		return Plan{Source: pf}, err
	}
	return buildPlan(pf, cfg.Region, o), nil
}

func buildPlan(pf Preflight, region string, o Options) Plan {
	o.defaults()
	id := o.newID()
	clone, inst := Names(pf.Cluster.Name, id)
	p := Plan{Source: pf, DrillID: id, Clone: clone, Instance: inst, InstanceClass: firstNonEmpty(o.InstanceClass, DefaultInstanceClass),
		ExpiresAt: o.now().Add(o.TTL).Truncate(time.Second), Force: pf.Binlog || !pf.BinlogKnown}
	if pf.Cluster.Live != nil && pf.Cluster.Region != "" {
		region = pf.Cluster.Region
	}
	st := pf.Cluster.Settings
	p.SubnetGroup = o.SubnetGroup
	p.SecurityGroup = o.SecurityGroups
	if st != nil {
		if p.SubnetGroup == "" {
			p.SubnetGroup = st.SubnetGroup
		}
		if len(p.SecurityGroup) == 0 {
			p.SecurityGroup = st.SecurityGroups
		}
	}
	src := pf.Cluster.Name
	read := func(action, target string, why model.Text) {
		p.Calls = append(p.Calls, Call{Action: action, Target: target, Why: why})
	}
	change := func(action, target string, why model.Text) {
		p.Calls = append(p.Calls, Call{Action: action, Target: target, Why: why, Changes: true})
	}
	read("sts:GetCallerIdentity", "", model.T("who runs the drill (evidence)", "ドリルの実行者（エビデンス用）"))
	read("rds:DescribeDBClusters", src, model.T("the source: scope, backtrack, clone group", "ソース：対象範囲、バックトラック、クローングループ"))
	read("rds:DescribeDBInstances", src, model.T("the source's instances", "ソースのインスタンス"))
	read("rds:DescribeDBClusterParameters", firstNonEmpty(clusterGroup(pf), "-"), model.T("binlog_format (backtrack needs Force with binary logging)", "binlog_format（バイナリログ有効時はバックトラックに Force が必要）"))
	read("cloudwatch:GetMetricData", firstNonEmpty(pf.Writer, src), model.T("production: BacktrackWindowAlert over the look-back period", "本番：参照期間の BacktrackWindowAlert"))
	read("rds:DescribeEvents", src, model.T("production: RDS-EVENT-0131 (actual window smaller than the target)", "本番：RDS-EVENT-0131（実ウィンドウがターゲットより短い）"))
	change("rds:RestoreDBClusterToPointInTime", clone, model.T("copy-on-write clone of %s, latest restorable time, BacktrackWindow %d s, tagged %s and %s", "%s のコピーオンライトクローン（最新の復元可能時刻、BacktrackWindow %d 秒、タグ %s と %s）", src, o.CloneWindow, TagDrillID, TagExpiresAt))
	read("rds:DescribeDBClusters", clone, model.T("wait until the clone is available", "クローンが利用可能になるまで待機"))
	change("rds:CreateDBInstance", inst, model.T("one %s instance in the clone", "クローンに %s インスタンスを 1 台作成", p.InstanceClass))
	read("rds:DescribeDBInstances", inst, model.T("wait until the instance is available", "インスタンスが利用可能になるまで待機"))
	if o.DataCheck == DataCheckMarker {
		read("secretsmanager:GetSecretValue", firstNonEmpty(pf.MasterUserSecretARN, "-"), model.T("database credentials (or an IAM token / KUMOGUARD_DRILL_DB_PASSWORD); never printed or stored", "データベース認証情報（または IAM トークン / KUMOGUARD_DRILL_DB_PASSWORD）。表示も保存もしません"))
	}
	force := ""
	if p.Force {
		force = ", Force"
	}
	if o.DataCheck == DataCheckMarker {
		change("rds:BacktrackDBCluster", clone, model.T("rewind the clone to before the marker%s", "クローンをマーカーより前に巻き戻す%s", force))
	} else {
		change("rds:BacktrackDBCluster", clone, model.T("rewind the clone by a few seconds (no data check)%s", "クローンを数秒巻き戻す（データチェックなし）%s", force))
	}
	read("rds:DescribeDBClusterBacktracks", clone, model.T("poll the backtrack every second until completed or failed", "完了または失敗まで毎秒バックトラックを確認"))
	read("rds:DescribeDBClusters", clone, model.T("poll the clone's status", "クローンの状態を確認"))
	if o.Forward {
		change("rds:BacktrackDBCluster", clone, model.T("forward past the marker%s", "マーカーより後へ進める%s", force))
		read("rds:DescribeDBClusterBacktracks", clone, model.T("poll the forward backtrack", "前方バックトラックを確認"))
	}
	read("rds:ListTagsForResource", inst, model.T("check the drill tag before deleting", "削除前にドリルタグを確認"))
	change("rds:DeleteDBInstance", inst, model.T("delete the clone's instance (after the evidence is written)", "クローンのインスタンスを削除（エビデンス書き込み後）"))
	read("rds:DescribeDBInstances", inst, model.T("wait until the instance is gone", "インスタンスの削除完了を待機"))
	read("rds:ListTagsForResource", clone, model.T("check the drill tag before deleting", "削除前にドリルタグを確認"))
	change("rds:DeleteDBCluster", clone, model.T("delete the clone, without a final snapshot", "クローンを削除（最終スナップショットなし）"))

	// Costs. Instances are billed per hour of the class; the clone's storage
	// only for the pages that change after cloning; the clone's change
	// records per 1 million change-record-hours.
	// https://aws.amazon.com/rds/aurora/pricing/
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Clone.html
	p.Cost = append(p.Cost, model.T("instance: %s for about %s (one instance-hour at most for a typical drill): price unknown (kumoguard has no instance price table; see https://aws.amazon.com/rds/aurora/pricing/)",
		"インスタンス：%s を約 %s（通常のドリルで最大 1 インスタンス時間）：料金不明（kumoguard はインスタンス料金表を持ちません。https://aws.amazon.com/rds/aurora/pricing/ を参照）",
		p.InstanceClass, model.FormatDuration(int64(ExpectedDuration/time.Second))))
	p.Cost = append(p.Cost, model.T("clone storage: only the pages changed after cloning (the marker row; nothing else is written): price unknown, expected negligible",
		"クローンのストレージ：クローン作成後に変更されたページのみ（マーカー行のみ書き込み）：料金不明、ごく僅かな見込み"))
	if price, ok := pricing.BacktrackPrice(region); ok {
		p.Cost = append(p.Cost, model.T("backtrack change records on the clone: USD %g per 1 million change-record-hours in %s (%s); a drill writes a handful of records: well under USD 0.01",
			"クローンのバックトラック変更レコード：%[2]s では 100 万変更レコード時間あたり USD %[1]g（%[3]s）。ドリルが書くレコードはわずかで、USD 0.01 を大きく下回ります",
			price.USDPerMillionRecordHours, region, price.Source))
	} else {
		p.Cost = append(p.Cost, model.T("backtrack change records on the clone: price unknown in %s (only a handful of records are written)",
			"クローンのバックトラック変更レコード：%s の料金不明（書き込むレコードはわずか）", region))
	}
	if pf.ClonesInGroup >= MaxCopyOnWriteClones {
		p.Cost = append(p.Cost, model.T("refused: a 16th clone would be a full copy, billed for the whole volume",
			"拒否：16 個目のクローンはフルコピーとなり、ボリューム全体が課金されます"))
	}
	return p
}

func clusterGroup(pf Preflight) string {
	if pf.Cluster.Settings != nil {
		return pf.Cluster.Settings.ClusterParameterGroup
	}
	return ""
}

// Print writes the plan in o.Lang.
func (p Plan) Print(o Options) {
	o.defaults()
	c := p.Source.Cluster
	window, _ := c.BacktrackWindow.Get()
	engine, _ := c.Engine.Get()
	version, _ := c.EngineVersion.Get()
	o.say(model.T("Drill plan for %s (%s, %s %s, backtrack window %d s). The source is only read: never modified, backtracked or deleted.",
		"%s のドリル計画（%s、%s %s、バックトラックウィンドウ %d 秒）。ソースは読み取るだけで、変更・バックトラック・削除は一切しません。",
		c.Name, c.ARN, engine, version, window))
	o.say(model.T("  clone %s (drill id %s, expires %s), instance %s (%s), subnet group %s, security groups %s",
		"  クローン %s（ドリル ID %s、期限 %s）、インスタンス %s（%s）、サブネットグループ %s、セキュリティグループ %s",
		p.Clone, p.DrillID, p.ExpiresAt.Format(time.RFC3339), p.Instance, p.InstanceClass, firstNonEmpty(p.SubnetGroup, "default"), firstNonEmpty(strings.Join(p.SecurityGroup, ","), "default")))
	o.say(model.T("  copy-on-write clones already in the clone group: %d of %d", "  クローングループ内の既存コピーオンライトクローン：%d / %d", p.Source.ClonesInGroup, MaxCopyOnWriteClones))
	binlog := model.T("binary logging off (%s)", "バイナリログ無効（%s）", p.Source.BinlogWhy)
	switch {
	case !p.Source.BinlogKnown:
		binlog = model.T("binary logging unknown (%s): the backtrack uses Force, harmless on a clone", "バイナリログ不明（%s）：バックトラックは Force を使います（クローンでは無害）", p.Source.BinlogWhy)
	case p.Source.Binlog:
		binlog = model.T("binary logging on (%s): the backtrack needs Force (a clone has no binlog replicas)", "バイナリログ有効（%s）：バックトラックに Force が必要です（クローンに binlog レプリカはありません）", p.Source.BinlogWhy)
	}
	o.say(model.T("  %s", "  %s", binlog.In(o.Lang)))
	for _, pr := range p.Source.Problems {
		o.say(model.T("  REFUSED: %s", "  拒否：%s", pr.In(o.Lang)))
	}
	o.say(model.T("AWS calls, in order (* = creates or deletes; only the clone and its instance):", "AWS 呼び出し（順番どおり。* は作成または削除。対象はクローンとそのインスタンスのみ）："))
	for i, call := range p.Calls {
		mark := " "
		if call.Changes {
			mark = "*"
		}
		o.say(model.T("  %2d.%s %s %s: %s", "  %2d.%s %s %s：%s", i+1, mark, call.Action, firstNonEmpty(call.Target, "-"), call.Why.In(o.Lang)))
	}
	o.say(model.T("Cost:", "費用："))
	for _, c := range p.Cost {
		o.say(model.T("  - %s", "  - %s", c.In(o.Lang)))
	}
}

// Actions are the distinct IAM actions of the plan, in order.
func (p Plan) Actions() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range p.Calls {
		if !seen[c.Action] {
			seen[c.Action] = true
			out = append(out, c.Action)
		}
	}
	return out
}
