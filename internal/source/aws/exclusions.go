package awssource

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/model"
)

// What takes a live cluster out of backtrack's scope: aurora_enhanced_binlog
// = 1 in its DB cluster parameter group, or a zero-ETL integration whose
// source it is.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Enhanced.binlog.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html
// Both are read only for Aurora MySQL clusters: DescribeIntegrations once per
// account-region, DescribeDBClusterParameters once per distinct parameter
// group per account-region, asking only for aurora_enhanced_binlog as the
// user set it (Source=user, Filters parameter-name; a parameter left at its
// default is 0, off).
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeIntegrations.html
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusterParameters.html
// A call that fails (AccessDenied included) leaves the value Unknown with the
// error, so the cluster's scope is UNKNOWN, never silently in scope.

const enhancedBinlogParam = "aurora_enhanced_binlog"

// readExclusions sets EnhancedBinlog and ZeroETL on the Aurora MySQL
// clusters of one account-region (out[i] is built from raw[i]).
func (s *Scanner) readExclusions(ctx context.Context, client *rds.Client, raw []rdstypes.DBCluster, out []model.Cluster) {
	need := false
	for _, c := range raw {
		if isAuroraMySQL(aws.ToString(c.Engine)) {
			need = true
			break
		}
	}
	if !need {
		return
	}
	sources, intErr := integrationsBySource(ctx, client)
	groups := map[string]groupBinlog{}
	for i, c := range raw {
		if !isAuroraMySQL(aws.ToString(c.Engine)) {
			continue
		}
		mc := &out[i]
		loc := mc.Location
		if intErr != nil {
			if ctx.Err() != nil {
				return
			}
			mc.ZeroETL = model.UnknownValue[int](loc, model.T("rds:DescribeIntegrations failed: %s", "rds:DescribeIntegrations が失敗しました：%s", errorText(intErr)))
		} else {
			names := sources[aws.ToString(c.DBClusterArn)]
			mc.ZeroETL = model.KnownValue(len(names), loc, model.Origin{Kind: model.OriginAPI, Name: "DescribeIntegrations.SourceArn", Location: loc})
			mc.ZeroETLIntegrations = names
		}
		group := aws.ToString(c.DBClusterParameterGroup)
		if group == "" {
			continue
		}
		g, ok := groups[group]
		if !ok {
			g = readGroupBinlog(ctx, client, group)
			groups[group] = g
		}
		if ctx.Err() != nil {
			return
		}
		via := []model.Origin{
			{Kind: model.OriginAPI, Name: "DescribeDBClusterParameters." + enhancedBinlogParam, Location: loc},
			{Kind: model.OriginReference, Name: group, Location: loc}}
		if g.err != nil {
			mc.EnhancedBinlog = model.UnknownValue[bool](loc, model.T("rds:DescribeDBClusterParameters for parameter group %s failed: %s",
				"パラメータグループ %s の rds:DescribeDBClusterParameters が失敗しました：%s", group, errorText(g.err)))
			mc.EnhancedBinlog.Provenance = via
			continue
		}
		mc.EnhancedBinlog = model.KnownValue(g.on, loc, via...)
	}
}

type groupBinlog struct {
	on  bool
	err error
}

// readGroupBinlog asks for aurora_enhanced_binlog as the user set it in one
// parameter group.
func readGroupBinlog(ctx context.Context, client *rds.Client, group string) groupBinlog {
	p := rds.NewDescribeDBClusterParametersPaginator(client, &rds.DescribeDBClusterParametersInput{
		DBClusterParameterGroupName: aws.String(group),
		Source:                      aws.String("user"),
		Filters:                     []rdstypes.Filter{{Name: aws.String("parameter-name"), Values: []string{enhancedBinlogParam}}},
		MaxRecords:                  aws.Int32(pageSize),
	})
	var g groupBinlog
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return groupBinlog{err: err}
		}
		for _, prm := range page.Parameters {
			if strings.EqualFold(aws.ToString(prm.ParameterName), enhancedBinlogParam) {
				g.on = strings.TrimSpace(aws.ToString(prm.ParameterValue)) == "1"
			}
		}
	}
	return g
}

// integrationsBySource lists the region's zero-ETL integrations by source
// cluster ARN (integration name, or ARN when it has none). Integrations
// being deleted no longer hold the cluster.
func integrationsBySource(ctx context.Context, client *rds.Client) (map[string][]string, error) {
	out := map[string][]string{}
	p := rds.NewDescribeIntegrationsPaginator(client, &rds.DescribeIntegrationsInput{MaxRecords: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, in := range page.Integrations {
			if in.Status == rdstypes.IntegrationStatusDeleting {
				continue
			}
			name := aws.ToString(in.IntegrationName)
			if name == "" {
				name = aws.ToString(in.IntegrationArn)
			}
			src := aws.ToString(in.SourceArn)
			out[src] = append(out[src], name)
		}
	}
	return out, nil
}
