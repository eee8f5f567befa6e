package tfplan

import (
	"fmt"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Resources in the plan that take a cluster out of backtrack's scope: the
// aws_rds_cluster_parameter_group its db_cluster_parameter_group_name names,
// when it sets aurora_enhanced_binlog = 1, and aws_rds_integration (zero-ETL)
// resources whose source_arn is the cluster.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Enhanced.binlog.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster_parameter_group
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_integration

const (
	typeParamGroup  = "aws_rds_cluster_parameter_group"
	typeIntegration = "aws_rds_integration"

	enhancedBinlogParam = "aurora_enhanced_binlog"
)

// wantExclusions asks the position index for the parameter blocks of the
// parameter groups (each name/value element) and the integrations' sources.
func (r *reader) wantExclusions() {
	for _, g := range r.paramGroups {
		r.findConfig(g)
		r.ix.want(g.path...)
		r.ix.want(g.sub("address")...)
		vals, _ := asObject(g.values)
		params, _ := vals["parameter"].([]any)
		r.ix.want(append(clone(g.valuesPath), "parameter")...)
		for i := range params {
			r.ix.want(append(clone(g.valuesPath), "parameter", i, "value")...)
		}
		for _, a := range []string{"name", "parameter"} {
			if g.unknownPath != nil {
				r.ix.want(append(clone(g.unknownPath), a)...)
			}
		}
	}
	for _, in := range r.integrations {
		r.findConfig(in)
		r.ix.want(in.path...)
		r.ix.want(in.sub("address")...)
		for _, a := range []string{"source_arn", "integration_name"} {
			r.ix.want(append(clone(in.valuesPath), a)...)
			if in.unknownPath != nil {
				r.ix.want(append(clone(in.unknownPath), a)...)
			}
			if in.configPath != nil {
				r.ix.want(append(clone(in.configPath), "expressions", a)...)
			}
		}
	}
}

// linkIntegrations finds the clusters each zero-ETL integration reads from.
func (r *reader) linkIntegrations() map[*entry][]link {
	out := map[*entry][]link{}
	for _, in := range r.integrations {
		if in.action == model.ActionDelete || in.action == model.ActionForget {
			continue
		}
		a := r.get(in, "source_arn")
		where := a.where
		if a.state == attrMissing || where.IsZero() {
			where = r.locOr(in, append(clone(in.configPath), "expressions", "source_arn"))
		}
		name := in.addr
		if n, _, ok := r.knownString(in, "integration_name"); ok && n != "" {
			name = n
		}
		for _, c := range r.clustersFor(in, "source_arn", func(c *entry) string {
			s, _, _ := r.knownString(c, "arn")
			return s
		}) {
			out[c] = append(out[c], link{value: name, where: where,
				via: []model.Origin{{Kind: model.OriginReference, Name: in.addr + ".source_arn", Location: where}}})
		}
	}
	return out
}

// applyExclusions sets EnhancedBinlog and ZeroETL on one cluster.
func (r *reader) applyExclusions(e *entry, c *model.Cluster, integrations []link) {
	if len(integrations) > 0 {
		c.ZeroETL = model.KnownValue(len(integrations), integrations[0].where, integrations[0].via...)
		for _, l := range integrations {
			c.ZeroETLIntegrations = append(c.ZeroETLIntegrations, l.value)
		}
	}
	if g := r.groupFor(e); g != nil {
		c.EnhancedBinlog = r.binlogOf(g)
		if c.EnhancedBinlog.State != model.Absent {
			where := r.locOr(e, append(clone(e.valuesPath), "db_cluster_parameter_group_name"))
			c.EnhancedBinlog.Provenance = append([]model.Origin{{Kind: model.OriginAttribute, Name: "db_cluster_parameter_group_name", Location: where}},
				c.EnhancedBinlog.Provenance...)
		}
	}
}

// groupFor finds the parameter group a cluster names: by reference in the
// configuration, or by its known name.
func (r *reader) groupFor(e *entry) *entry {
	if e.config != nil {
		if expr := e.config.Expressions["db_cluster_parameter_group_name"]; expr != nil && expr.ExpressionData != nil {
			for _, ref := range expr.References {
				rr, ok := parseAddress(ref)
				if !ok || !rr.managed || rr.typ != typeParamGroup || rr.module != "" {
					continue
				}
				for _, g := range r.paramGroups {
					if g.ref.module == e.ref.module && g.ref.name == rr.name && (!rr.hasKey || rr.key == g.ref.key) {
						return g
					}
				}
			}
		}
	}
	if name, _, ok := r.knownString(e, "db_cluster_parameter_group_name"); ok && name != "" {
		for _, g := range r.paramGroups {
			if n, _, ok := r.knownString(g, "name"); ok && n == name && g.action != model.ActionDelete {
				return g
			}
		}
	}
	return nil
}

// binlogOf reads aurora_enhanced_binlog from a parameter group's parameter
// set: true when its value is 1; Absent when the set does not hold it.
func (r *reader) binlogOf(g *entry) model.Value[bool] {
	if g.action == model.ActionDelete || g.action == model.ActionForget {
		return model.Value[bool]{}
	}
	label := g.addr
	if n, _, ok := r.knownString(g, "name"); ok && n != "" {
		label = n
	}
	a := r.get(g, "parameter")
	via := func(where model.Location) []model.Origin {
		return []model.Origin{{Kind: model.OriginPlan, Location: where}, {Kind: model.OriginReference, Name: label, Location: where}}
	}
	switch a.state {
	case attrUnknown:
		v := model.UnknownValue[bool](a.where, text("the parameters of %s are known only after apply", "%s のパラメータは apply の後にしか決まりません", g.addr))
		v.Provenance = via(a.where)
		return v
	case attrSensitive:
		v := model.UnknownValue[bool](a.where, sensitiveWhy("parameter"))
		v.Provenance = via(a.where)
		return v
	case attrPresent:
	default:
		return model.Value[bool]{}
	}
	params, ok := a.raw.([]any)
	if !ok {
		v := model.InvalidValue[bool](a.where, text("parameter of %s in the plan is %s; expected a list of blocks.", "プランの %s の parameter が %s です。ブロックのリストが必要です。", g.addr, describe(a.raw)))
		v.Provenance = via(a.where)
		return v
	}
	for i, p := range params {
		m, ok := p.(map[string]any)
		if !ok {
			continue
		}
		if n, _ := m["name"].(string); !strings.EqualFold(n, enhancedBinlogParam) {
			continue
		}
		where := r.locOr(g, append(clone(g.valuesPath), "parameter", i, "value"))
		var s string
		switch x := m["value"].(type) {
		case string:
			s = strings.TrimSpace(x)
		case float64:
			s = fmt.Sprint(x)
		}
		switch s {
		case "1":
			return model.KnownValue(true, where, via(where)...)
		case "0":
			return model.KnownValue(false, where, via(where)...)
		}
		v := model.InvalidValue[bool](where, text("aurora_enhanced_binlog in %s is %s; expected \"0\" or \"1\".", "%s の aurora_enhanced_binlog が %s です。\"0\" か \"1\" が必要です。", g.addr, describe(m["value"])))
		v.Provenance = via(where)
		return v
	}
	return model.Value[bool]{}
}
