package cloudformation

import (
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Resources that take a cluster of the same stack out of backtrack's scope:
// an AWS::RDS::DBClusterParameterGroup whose Parameters set
// aurora_enhanced_binlog to 1, named by the cluster's
// DBClusterParameterGroupName, and an AWS::RDS::Integration (zero-ETL)
// whose SourceArn is the cluster.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbclusterparametergroup.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-integration.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Enhanced.binlog.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html

const (
	paramGroupType  = "AWS::RDS::DBClusterParameterGroup"
	integrationType = "AWS::RDS::Integration"
)

// markExclusions sets EnhancedBinlog and ZeroETL on this stack's clusters
// (clusters[first:], nested stacks' clusters excluded).
func (s *stack) markExclusions(clusters []model.Cluster, first int) {
	own := map[string]*model.Cluster{}
	for i := first; i < len(clusters); i++ {
		logical := strings.TrimPrefix(clusters[i].Address, s.address)
		if !strings.Contains(logical, "/") {
			own[logical] = &clusters[i]
		}
	}
	if len(own) == 0 {
		return
	}
	for _, id := range s.t.resOrder {
		r := s.t.resources[id]
		switch {
		case r.typ == clusterType && own[id] != nil && r.props != nil:
			if n := r.props.get("DBClusterParameterGroupName"); n != nil {
				own[id].EnhancedBinlog = s.clusterBinlog(n)
			}
		case r.typ == integrationType && r.props != nil:
			s.markIntegration(id, r, own)
		}
	}
}

// clusterBinlog reads aurora_enhanced_binlog from the parameter group the
// cluster names (by Ref, or by the group's DBClusterParameterGroupName),
// when the group is declared in the same template.
func (s *stack) clusterBinlog(n *node) model.Value[bool] {
	gid := s.referencedResource(n, paramGroupType)
	if gid == "" {
		v := s.evalValue(n)
		if !v.isScalar() || v.s == "" {
			return model.Value[bool]{}
		}
		for _, id := range s.t.resOrder {
			g := s.t.resources[id]
			if g.typ != paramGroupType || g.props == nil {
				continue
			}
			if name := g.props.get("DBClusterParameterGroupName"); name != nil {
				if gv := s.evalValue(name); gv.isScalar() && gv.s == v.s {
					gid = id
					break
				}
			}
		}
	}
	g := s.t.resources[gid]
	if g == nil || g.props == nil {
		return model.Value[bool]{}
	}
	if created, _ := s.resourceCreated(g); !created {
		return model.Value[bool]{}
	}
	params := g.props.get("Parameters")
	if params == nil {
		return model.Value[bool]{}
	}
	pn := params.get(enhancedBinlogParam)
	if pn == nil {
		if _, _, ok := params.intrinsic(); ok {
			// Parameters computed by an intrinsic: it may hold the parameter.
			v := s.evalResourceValue(g, params)
			if v.kind == resKnown && v.sk == kindMap && v.obj != nil {
				pn = v.obj.get(enhancedBinlogParam)
			}
			if pn == nil {
				if v.kind == resUnknown || v.kind == resInvalid {
					return model.UnknownValue[bool](s.t.loc(params.pos), bi("the Parameters of %s could not be resolved (%s)", "%s の Parameters を解決できません（%s）", gid, v.why))
				}
				return model.Value[bool]{}
			}
		} else {
			return model.Value[bool]{}
		}
	}
	v := s.evalResourceValue(g, pn)
	if v.kind == resSkip {
		return model.Value[bool]{}
	}
	out := toValue(enhancedBinlogParam, v, true, convBinlog, false)
	out.Provenance = append([]model.Origin{
		{Kind: model.OriginAttribute, Name: "DBClusterParameterGroupName", Location: s.t.loc(n.pos)},
		{Kind: model.OriginReference, Name: gid, Location: out.Where}}, out.Provenance...)
	return out
}

const enhancedBinlogParam = "aurora_enhanced_binlog"

// convBinlog reads aurora_enhanced_binlog: 1 (on) or 0 (off), as a number
// or a string.
func convBinlog(r result) (bool, *model.Text) {
	if r.isScalar() {
		switch strings.TrimSpace(r.s) {
		case "1":
			return true, nil
		case "0":
			return false, nil
		}
	}
	t := model.T("expected 0 or 1, got %s", "0 か 1 が必要ですが、%s です", describeResult(r))
	return false, &t
}

// markIntegration counts a zero-ETL integration on the cluster its
// SourceArn names (Fn::GetAtt Cluster.DBClusterArn, Ref, or an ARN ending
// in :cluster:<identifier>).
func (s *stack) markIntegration(id string, r *resource, own map[string]*model.Cluster) {
	src := r.props.get("SourceArn")
	if src == nil {
		return
	}
	if created, _ := s.resourceCreated(r); !created {
		return
	}
	var target *model.Cluster
	if cid := s.referencedCluster(src); cid != "" {
		target = own[cid]
	} else if v := s.evalValue(src); v.isScalar() {
		for _, c := range own {
			if c.Name != "" && (strings.EqualFold(v.s, c.Name) || strings.HasSuffix(strings.ToLower(v.s), ":cluster:"+strings.ToLower(c.Name))) {
				target = c
			}
		}
	}
	if target == nil {
		return
	}
	name := id
	if n := r.props.get("IntegrationName"); n != nil {
		if v := s.evalValue(n); v.isScalar() && v.s != "" {
			name = v.s
		}
	}
	where := s.t.loc(src.pos)
	if target.ZeroETL.State != model.Known {
		target.ZeroETL = model.KnownValue(0, where, model.Origin{Kind: model.OriginReference, Name: id + ".SourceArn", Location: where})
	}
	target.ZeroETL.V++
	target.ZeroETLIntegrations = appendUnique(target.ZeroETLIntegrations, name)
}
