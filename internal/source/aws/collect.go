package awssource

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/pricing"
)

// ClusterType is model.Cluster.Type for live clusters.
const ClusterType = "AWS::RDS::DBCluster"

// pageSize is the DescribeDBClusters/DescribeDBInstances page size: the
// maximum AWS accepts, so calls grow with clusters / 100.
const pageSize = 100

type scopeResult struct {
	account  string
	region   string
	clusters []model.Cluster
	diag     *model.Diagnostic
	skipped  bool
}

// globalMembership caches DescribeGlobalClusters once per account: global
// clusters are visible from any region of the partition, so one call per
// account (not per region) lists every member ARN.
type globalMembership struct {
	mu   sync.Mutex
	once map[string]*sync.Once
	arns map[string]map[string]string // account → member cluster ARN → global cluster ID
}

func newGlobalMembership() *globalMembership {
	return &globalMembership{once: map[string]*sync.Once{}, arns: map[string]map[string]string{}}
}

func (g *globalMembership) get(acct string, load func() map[string]string) map[string]string {
	g.mu.Lock()
	o, ok := g.once[acct]
	if !ok {
		o = &sync.Once{}
		g.once[acct] = o
	}
	g.mu.Unlock()
	o.Do(func() {
		m := load()
		g.mu.Lock()
		g.arns[acct] = m
		g.mu.Unlock()
	})
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.arns[acct]
}

// scanScope collects one account-region: clusters (paginated), instances
// where needed, global membership, then CloudWatch metrics in batches.
func (s *Scanner) scanScope(ctx context.Context, sc scope, globals *globalMembership) scopeResult {
	cfg := s.base.Copy()
	cfg.Region = sc.region
	cfg.Credentials = sc.creds
	client := rds.NewFromConfig(cfg)

	var raw []rdstypes.DBCluster
	p := rds.NewDescribeDBClustersPaginator(client, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return scopeResult{skipped: true}
			}
			d := diagnostic(sc.account, sc.region, err, model.T("rds:DescribeDBClusters", "rds:DescribeDBClusters"))
			return scopeResult{diag: &d}
		}
		raw = append(raw, page.DBClusters...)
	}
	now := s.o.Now().UTC()

	// Instance classes tell Serverless v2 (db.serverless) apart; only needed
	// when there is an Aurora MySQL cluster, and fetched once per region.
	var (
		instances map[string][]rdstypes.DBInstance // cluster ID → instances
		classErr  error
		needClass bool
	)
	for _, c := range raw {
		if isAuroraMySQL(aws.ToString(c.Engine)) {
			needClass = true
			break
		}
	}
	if needClass {
		instances, classErr = s.instances(ctx, client)
	}

	var members map[string]string
	if globals != nil && len(raw) > 0 {
		members = globals.get(sc.account, func() map[string]string { return s.globalMembers(ctx, client) })
	}

	out := make([]model.Cluster, 0, len(raw))
	writers := make(map[string]string, len(raw))
	for _, c := range raw {
		out = append(out, buildCluster(c, sc.account, sc.region, now, instances, classErr, members))
		writers[aws.ToString(c.DBClusterIdentifier)] = writerInstance(c)
	}
	s.readExclusions(ctx, client, raw, out)
	s.collectMetrics(ctx, cfg, out, writers, now)
	return scopeResult{clusters: out}
}

func isAuroraMySQL(engine string) bool {
	e := strings.ToLower(engine)
	return e == "aurora-mysql" || e == "aurora"
}

// instances lists the region's Aurora MySQL DB instances by cluster.
func (s *Scanner) instances(ctx context.Context, client *rds.Client) (map[string][]rdstypes.DBInstance, error) {
	out := map[string][]rdstypes.DBInstance{}
	p := rds.NewDescribeDBInstancesPaginator(client, &rds.DescribeDBInstancesInput{
		MaxRecords: aws.Int32(pageSize),
		Filters:    []rdstypes.Filter{{Name: aws.String("engine"), Values: []string{"aurora-mysql", "aurora"}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, in := range page.DBInstances {
			id := aws.ToString(in.DBClusterIdentifier)
			out[id] = append(out[id], in)
		}
	}
	return out, nil
}

// globalMembers maps member cluster ARNs to their global cluster. A failure
// leaves the map empty: GlobalClusterIdentifier on each cluster still tells
// membership (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html).
func (s *Scanner) globalMembers(ctx context.Context, client *rds.Client) map[string]string {
	out := map[string]string{}
	p := rds.NewDescribeGlobalClustersPaginator(client, &rds.DescribeGlobalClustersInput{MaxRecords: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out
		}
		for _, g := range page.GlobalClusters {
			for _, m := range g.GlobalClusterMembers {
				out[aws.ToString(m.DBClusterArn)] = aws.ToString(g.GlobalClusterIdentifier)
			}
		}
	}
	return out
}

// buildCluster maps one DBCluster, its DB instances (by cluster identifier;
// classErr when they could not be read) and the account's global cluster
// members to the model. Only facts: no verdicts.
func buildCluster(c rdstypes.DBCluster, acct, region string, now time.Time,
	instances map[string][]rdstypes.DBInstance, classErr error, globals map[string]string) model.Cluster {
	arn := aws.ToString(c.DBClusterArn)
	id := aws.ToString(c.DBClusterIdentifier)
	loc := model.Location{Account: acct, Region: region, ARN: arn}
	api := func(field string) model.Origin {
		return model.Origin{Kind: model.OriginAPI, Name: "DescribeDBClusters." + field, Location: loc}
	}
	str := func(field string, p *string) model.Value[string] {
		if p == nil {
			return model.Value[string]{}
		}
		return model.KnownValue(*p, loc, api(field))
	}
	mc := model.Cluster{
		Source:        model.SourceAWS,
		Type:          ClusterType,
		Address:       arn,
		Name:          id,
		Location:      loc,
		Account:       acct,
		Region:        region,
		ARN:           arn,
		Status:        aws.ToString(c.Status),
		Engine:        str("Engine", c.Engine),
		EngineVersion: str("EngineVersion", c.EngineVersion),
		EngineMode:    str("EngineMode", c.EngineMode),
		ReadReplicas:  append([]string(nil), c.ReadReplicaIdentifiers...),
	}
	// An absent BacktrackWindow means 0 (disabled): 0 is the default, and AWS
	// does not say whether it omits the field for a cluster that never had it.
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
	if c.BacktrackWindow != nil {
		mc.BacktrackWindow = model.KnownValue(*c.BacktrackWindow, loc, api("BacktrackWindow"))
	} else {
		mc.BacktrackWindow = model.KnownValue(int64(0), loc, api("BacktrackWindow"))
		mc.BacktrackWindow.Why = model.T("BacktrackWindow is absent from DescribeDBClusters; absent means 0 (disabled).",
			"DescribeDBClusters に BacktrackWindow がありません。未設定は 0（無効）を意味します。")
	}
	// Global membership: the cluster's own field, or its ARN among the
	// members DescribeGlobalClusters lists.
	switch {
	case aws.ToString(c.GlobalClusterIdentifier) != "":
		mc.GlobalClusterID = model.KnownValue(aws.ToString(c.GlobalClusterIdentifier), loc, api("GlobalClusterIdentifier"))
	case globals[arn] != "":
		mc.GlobalClusterID = model.KnownValue(globals[arn], loc,
			model.Origin{Kind: model.OriginAPI, Name: "DescribeGlobalClusters.GlobalClusterMembers", Location: loc})
	default:
		mc.GlobalClusterID = model.KnownValue("", loc, api("GlobalClusterIdentifier"))
	}
	mc.ReplicationSource = model.KnownValue(aws.ToString(c.ReplicationSourceIdentifier), loc, api("ReplicationSourceIdentifier"))

	// Serverless v2: a v2 scaling configuration, or db.serverless instances.
	// (moto returns an empty ScalingConfigurationInfo on every cluster, so v1
	// is told by EngineMode alone.)
	var cls []string
	for _, in := range instances[id] {
		cls = append(cls, aws.ToString(in.DBInstanceClass))
	}
	mc.InstanceClasses = cls
	sort.Strings(mc.InstanceClasses)
	mc.Instances = buildInstances(c, instances[id])
	mc.Settings = buildSettings(c)
	switch {
	case c.ServerlessV2ScalingConfiguration != nil && c.ServerlessV2ScalingConfiguration.MaxCapacity != nil:
		mc.ServerlessV2 = model.KnownValue(true, loc, api("ServerlessV2ScalingConfiguration"))
	case classErr != nil && isAuroraMySQL(aws.ToString(c.Engine)):
		mc.ServerlessV2 = model.UnknownValue[bool](loc, model.T("DescribeDBInstances failed: %s", "DescribeDBInstances が失敗しました：%s", errorText(classErr)))
	default:
		sv2 := false
		for _, k := range cls {
			if k == "db.serverless" {
				sv2 = true
			}
		}
		mc.ServerlessV2 = model.KnownValue(sv2, loc, model.Origin{Kind: model.OriginAPI, Name: "DescribeDBInstances.DBInstanceClass", Location: loc})
	}
	if len(c.TagList) > 0 {
		mc.Tags = make(map[string]string, len(c.TagList))
		for _, t := range c.TagList {
			mc.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}

	live := &model.LiveState{ObservedAt: now}
	if c.ClusterCreateTime != nil {
		t := c.ClusterCreateTime.UTC()
		live.ClusterCreateTime = &t
	}
	if c.EarliestBacktrackTime != nil {
		t := c.EarliestBacktrackTime.UTC()
		live.EarliestBacktrackTime = &t
		// Actual window = now − EarliestBacktrackTime (API_DBCluster), preferred
		// over the BacktrackWindowActual metric, which AWS's pages describe in
		// two different ways (Aurora.AuroraMonitoring.Metrics.html vs.
		// AuroraMySQL.Managing.Backtrack.Monitoring.html).
		// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
		live.ActualWindowSeconds = model.KnownValue(int64(now.Sub(t)/time.Second), loc, api("EarliestBacktrackTime"))
	} else {
		live.ActualWindowSeconds = model.UnknownValue[int64](loc, model.T(
			"DescribeDBClusters returned no EarliestBacktrackTime for this cluster.",
			"DescribeDBClusters がこのクラスターの EarliestBacktrackTime を返しませんでした。"))
	}
	if c.BacktrackConsumedChangeRecords != nil {
		live.ConsumedChangeRecords = model.KnownValue(*c.BacktrackConsumedChangeRecords, loc, api("BacktrackConsumedChangeRecords"))
	}
	if p, ok := pricing.BacktrackPrice(region); ok {
		// The built-in table until the metrics step resolves the scan's
		// price (Price List API with --price-list).
		live.PricePerMillionRecordHours = p.USDPerMillionRecordHours
		live.PriceSource = priceSource(pricing.Resolution{Price: p, Known: true})
	}
	mc.Live = live
	return mc
}

// buildSettings keeps what a copy restored from the cluster's snapshot must
// be given again (same subnet group, security groups, parameter group, KMS
// key and port).
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html
func buildSettings(c rdstypes.DBCluster) *model.ClusterSettings {
	st := &model.ClusterSettings{
		Port: aws.ToInt32(c.Port), SubnetGroup: aws.ToString(c.DBSubnetGroup),
		ClusterParameterGroup: aws.ToString(c.DBClusterParameterGroup), KMSKeyID: aws.ToString(c.KmsKeyId),
		StorageEncrypted: aws.ToBool(c.StorageEncrypted), DeletionProtection: aws.ToBool(c.DeletionProtection),
		Endpoint: aws.ToString(c.Endpoint), ReaderEndpoint: aws.ToString(c.ReaderEndpoint),
	}
	for _, sg := range c.VpcSecurityGroups {
		st.SecurityGroups = append(st.SecurityGroups, aws.ToString(sg.VpcSecurityGroupId))
	}
	return st
}

// buildInstances maps the cluster's DB instances, the writer (from
// DBClusterMembers) first, then by identifier: the order a copy creates them in.
func buildInstances(c rdstypes.DBCluster, in []rdstypes.DBInstance) []model.Instance {
	if len(in) == 0 {
		return nil
	}
	writer := map[string]bool{}
	for _, m := range c.DBClusterMembers {
		writer[aws.ToString(m.DBInstanceIdentifier)] = aws.ToBool(m.IsClusterWriter)
	}
	out := make([]model.Instance, 0, len(in))
	for _, i := range in {
		mi := model.Instance{Identifier: aws.ToString(i.DBInstanceIdentifier), Class: aws.ToString(i.DBInstanceClass),
			AvailabilityZone: aws.ToString(i.AvailabilityZone), Writer: writer[aws.ToString(i.DBInstanceIdentifier)],
			PromotionTier: aws.ToInt32(i.PromotionTier)}
		if len(i.DBParameterGroups) > 0 {
			mi.ParameterGroup = aws.ToString(i.DBParameterGroups[0].DBParameterGroupName)
		}
		out = append(out, mi)
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Writer != out[b].Writer {
			return out[a].Writer
		}
		return out[a].Identifier < out[b].Identifier
	})
	return out
}

// writerInstance returns the writer's DBInstanceIdentifier from
// DBClusterMembers (instance-level metrics use it:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html).
func writerInstance(c rdstypes.DBCluster) string {
	for _, m := range c.DBClusterMembers {
		if aws.ToBool(m.IsClusterWriter) {
			return aws.ToString(m.DBInstanceIdentifier)
		}
	}
	return ""
}
