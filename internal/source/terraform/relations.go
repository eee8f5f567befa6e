package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Resources that take a cluster out of backtrack's scope: the enhanced
// binlog parameter of its DB cluster parameter group, and zero-ETL
// integrations whose source it is.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Enhanced.binlog.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster_parameter_group
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_integration

const enhancedBinlogParam = "aurora_enhanced_binlog"

// paramGroup is one aws_rds_cluster_parameter_group instance.
type paramGroup struct {
	addr   string
	name   string // configured name, "" when computed (name_prefix)
	binlog model.Value[bool]
}

func (g paramGroup) label() string {
	if g.name != "" {
		return g.name
	}
	return g.addr
}

// relateExclusions sets EnhancedBinlog and ZeroETL on the clusters of one
// root. targets resolves a value naming a cluster (an ARN, an identifier, a
// reference to aws_rds_cluster) to indexes into bs.
func relateExclusions(insts []*instance, bs []*built, targets func(cty.Value, cty.ValueMarks) []int) {
	var groups []paramGroup
	for _, in := range insts {
		for _, res := range in.def.resources {
			if res.mode != "managed" {
				continue
			}
			switch res.typ {
			case "aws_rds_cluster_parameter_group":
				reps, _, _ := in.expandResource(res)
				for i := range reps {
					r := &reps[i]
					g := paramGroup{addr: in.prefix() + res.addr() + r.addrKey}
					if n := stringValue(in.argument(res, r, "name")); n.State == model.Known {
						g.name = n.V
					}
					g.binlog = in.enhancedBinlog(res, r)
					groups = append(groups, g)
				}
			case "aws_rds_integration":
				if res.attr("source_arn") == nil {
					continue
				}
				reps, _, _ := in.expandResource(res)
				for i := range reps {
					r := &reps[i]
					a := res.attr("source_arn")
					v, ms := unmark(in.resourceAttr(res, r, "source_arn"))
					name := in.prefix() + res.addr() + r.addrKey
					if n := stringValue(in.argument(res, r, "integration_name")); n.State == model.Known && n.V != "" {
						name = n.V
					}
					where := loc(a.Expr.Range())
					for _, t := range targets(v, ms) {
						c := &bs[t].c
						n, _ := c.ZeroETL.Get()
						if c.ZeroETL.State != model.Known {
							c.ZeroETL = model.KnownValue(0, where, model.Origin{Kind: model.OriginReference,
								Name: in.prefix() + res.addr() + r.addrKey + ".source_arn", Location: where})
						}
						c.ZeroETL.V = n + 1
						c.ZeroETLIntegrations = appendUnique(c.ZeroETLIntegrations, name)
					}
				}
			}
		}
	}
	if len(groups) == 0 {
		return
	}
	for _, b := range bs {
		if b.in == nil || b.res.attr("db_cluster_parameter_group_name") == nil {
			continue
		}
		b.c.EnhancedBinlog = clusterBinlog(b, groups)
	}
}

// clusterBinlog is the enhanced binlog setting of the parameter group a
// cluster names, when that group is declared in the same configuration.
func clusterBinlog(b *built, groups []paramGroup) model.Value[bool] {
	a := b.res.attr("db_cluster_parameter_group_name")
	v, ms := unmark(b.in.resourceAttr(b.res, &b.rep, "db_cluster_parameter_group_name"))
	var match []paramGroup
	switch {
	case v.IsKnown() && !v.IsNull() && v.Type() == cty.String:
		for _, g := range groups {
			if g.name != "" && g.name == v.AsString() {
				match = append(match, g)
			}
		}
	case !v.IsKnown():
		rs := collectReasons(ms)
		for _, m := range rs.computed {
			if m.refType != "aws_rds_cluster_parameter_group" {
				continue
			}
			for _, g := range groups {
				if g.addr == m.refAddr {
					match = append(match, g)
				}
			}
		}
		if len(match) == 0 && len(rs.invalid) == 0 {
			// The group's name is not known: it matters only if a group
			// declared here may turn enhanced binlog on.
			for _, g := range groups {
				if on, ok := g.binlog.Get(); (ok && on) || g.binlog.State == model.Unknown {
					return model.UnknownValue[bool](loc(a.Expr.Range()), model.Join(model.T(" ", ""),
						model.T("db_cluster_parameter_group_name could not be resolved, and parameter group %s declared here may set aurora_enhanced_binlog = 1.",
							"db_cluster_parameter_group_name を解決できず、ここで宣言されたパラメータグループ %s が aurora_enhanced_binlog = 1 を設定している可能性があります。", g.label()),
						joinReasons(rs.unknown)))
				}
			}
		}
	}
	if len(match) == 0 {
		return model.Value[bool]{}
	}
	g := match[0]
	out := g.binlog
	if out.State == model.Absent {
		return out
	}
	out.Provenance = append([]model.Origin{{Kind: model.OriginAttribute, Name: "db_cluster_parameter_group_name", Location: loc(a.Expr.Range())},
		{Kind: model.OriginReference, Name: g.label(), Location: out.Where}}, out.Provenance...)
	return out
}

// enhancedBinlog reads aurora_enhanced_binlog from the parameter blocks
// (static or dynamic) of one parameter group instance: true when its value
// is 1. Absent when no block sets it.
func (in *instance) enhancedBinlog(res *resourceDecl, r *rep) model.Value[bool] {
	static, dynamic := blocksOf(res.body, "parameter")
	for _, blk := range static {
		if v, found := in.paramBlock(blk.Body, r, nil); found {
			return v
		}
	}
	for _, d := range dynamic {
		if v, found := in.dynamicParams(d, r); found {
			return v
		}
	}
	return model.Value[bool]{}
}

// paramBlock reads one parameter { name, value } body; found is false when
// it is not aurora_enhanced_binlog. iter, when set, is the dynamic block's
// iterator variable.
func (in *instance) paramBlock(body hcl.Body, r *rep, iter map[string]cty.Value) (model.Value[bool], bool) {
	na, va := attrOf(body, "name"), attrOf(body, "value")
	if na == nil || va == nil {
		return model.Value[bool]{}, false
	}
	name, nms := unmark(in.evalWith(na.Expr, r, iter))
	value, vms := unmark(in.evalWith(va.Expr, r, iter))
	where := loc(va.Expr.Range())
	sval, sok := "", false
	if value.IsWhollyKnown() && !value.IsNull() && value.Type().IsPrimitiveType() {
		if s, err := convertSafe(value, cty.String); err == nil && s.IsKnown() && !s.IsNull() {
			sval, sok = strings.TrimSpace(s.AsString()), true
		}
	}
	if !name.IsWhollyKnown() || name.IsNull() || name.Type() != cty.String {
		// A name kumoguard cannot read matters only if its value may turn it on.
		if sok && sval != "1" {
			return model.Value[bool]{}, false
		}
		rs := collectReasons(nms)
		return model.UnknownValue[bool](loc(na.Expr.Range()), model.Join(model.T(" ", ""),
			model.T("A parameter name could not be resolved, so kumoguard cannot tell whether it is aurora_enhanced_binlog.",
				"パラメータ名を解決できないため、aurora_enhanced_binlog かどうか判断できません。"), joinReasons(append(rs.invalid, rs.unknown...)))), true
	}
	if !strings.EqualFold(name.AsString(), enhancedBinlogParam) {
		return model.Value[bool]{}, false
	}
	if !sok {
		rs := collectReasons(vms)
		if len(rs.invalid) > 0 {
			return model.InvalidValue[bool](where, joinReasons(rs.invalid)), true
		}
		why := joinReasons(rs.unknown)
		if why.IsZero() {
			why = model.T("the value of aurora_enhanced_binlog at %s is only known when Terraform runs", "%s の aurora_enhanced_binlog の値は Terraform の実行時にしか決まりません", where.String())
		}
		return model.UnknownValue[bool](where, why), true
	}
	switch sval {
	case "1":
		return model.KnownValue(true, where), true
	case "0":
		return model.KnownValue(false, where), true
	}
	return model.InvalidValue[bool](where, model.T("aurora_enhanced_binlog must be 0 or 1, got %q", "aurora_enhanced_binlog は 0 か 1 である必要がありますが、%q です", sval)), true
}

// dynamicParams reads a dynamic "parameter" block: each element of its
// for_each, through the iterator, in the content block.
func (in *instance) dynamicParams(d *hcl.Block, r *rep) (model.Value[bool], bool) {
	fe := attrOf(d.Body, "for_each")
	content := firstBlock(d.Body, "content")
	if fe == nil || content == nil {
		return model.Value[bool]{}, false
	}
	iterName := "parameter"
	if it := attrOf(d.Body, "iterator"); it != nil {
		if t, d := hcl.AbsTraversalForExpr(it.Expr); !d.HasErrors() && len(t) == 1 {
			iterName = t.RootName()
		}
	}
	coll, ms := unmark(in.evalValue(fe.Expr, r))
	if !coll.IsWhollyKnown() {
		rs := collectReasons(ms)
		return model.UnknownValue[bool](loc(fe.Expr.Range()), model.Join(model.T(" ", ""),
			model.T("The for_each of a dynamic parameter block could not be resolved, so kumoguard cannot tell whether it sets aurora_enhanced_binlog.",
				"dynamic な parameter ブロックの for_each を解決できないため、aurora_enhanced_binlog を設定しているか判断できません。"),
			joinReasons(append(rs.invalid, rs.unknown...)))), true
	}
	if coll.IsNull() || !coll.CanIterateElements() {
		return model.Value[bool]{}, false
	}
	for it := coll.ElementIterator(); it.Next(); {
		k, v := it.Element()
		iter := map[string]cty.Value{iterName: cty.ObjectVal(map[string]cty.Value{"key": k, "value": v})}
		if out, found := in.paramBlock(content.Body, r, iter); found {
			return out, true
		}
	}
	return model.Value[bool]{}, false
}

// evalWith evaluates an expression with extra variables (a dynamic block's
// iterator) on top of the instance's context.
func (in *instance) evalWith(expr hcl.Expression, r *rep, extra map[string]cty.Value) (v cty.Value) {
	if len(extra) == 0 {
		return in.evalValue(expr, r)
	}
	defer func() {
		if p := recover(); p != nil {
			v = invalidVal(model.T("kumoguard could not evaluate this expression (%v)", "kumoguard はこの式を評価できませんでした（%v）", p))
		}
	}()
	ctx := in.ctxFor(in.def.variablesOf(expr), r).NewChild()
	ctx.Variables = extra
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return invalidFromDiags(diags)
	}
	return v
}
