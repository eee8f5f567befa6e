package terraform

import (
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// evaluated is one argument of a resource instance: its value (marks
// removed), the reasons from its marks, and its provenance.
type evaluated struct {
	attr  *hcl.Attribute
	val   cty.Value
	rs    reasons
	chain []model.Origin
	where model.Location
	in    *instance
	rep   *rep
}

// argument evaluates one argument of a resource instance; nil when it is not written.
func (in *instance) argument(res *resourceDecl, r *rep, name string) *evaluated {
	a := res.attr(name)
	if a == nil {
		return nil
	}
	return in.evaluate(a, in.resourceAttr(res, r, name), r)
}

func (in *instance) evaluate(a *hcl.Attribute, raw cty.Value, r *rep) *evaluated {
	v, ms := unmark(raw)
	h, next := resolve(a.Expr, in, r, nil, 0)
	chain := chainFrom(model.Origin{Kind: model.OriginAttribute, Name: a.Name, Location: loc(h)}, next)
	where := valueWhere(chain, loc(h))
	return &evaluated{attr: a, val: v, rs: collectReasons(ms), chain: chain, where: where, in: in, rep: r}
}

// whyUnknown explains an unknown value.
func (e *evaluated) whyUnknown() model.Text {
	if len(e.rs.unknown) > 0 {
		return joinReasons(e.rs.unknown)
	}
	// Some functions drop the marks of unknown arguments: ask each reference.
	if ts := referenceReasons(e.attr.Expr, e.in, e.rep, 0); len(ts) > 0 {
		return joinReasons(ts)
	}
	return model.T("%s at %s is only known when Terraform runs", "%s（%s）は Terraform の実行時にしか決まりません",
		e.attr.Name, loc(e.attr.Expr.Range()).String())
}

// stringValue converts an argument to a string value.
func stringValue(e *evaluated) model.Value[string] {
	if e == nil {
		return model.Value[string]{}
	}
	if e.val.IsWhollyKnown() {
		return withChain(toString(e.val, e.where), e.chain)
	}
	if len(e.rs.invalid) > 0 {
		return withChain(model.InvalidValue[string](e.where, joinReasons(e.rs.invalid)), e.chain)
	}
	var cands []string
	if vals, ok := possible(e.attr.Expr, e.in, e.rep, 0); ok {
		for _, c := range vals {
			sv := toString(c, e.where)
			if sv.State == model.Invalid {
				cands = nil
				break
			}
			cands = appendUnique(cands, sv.V)
		}
	}
	return withChain(model.UnknownValue(e.where, e.whyUnknown(), cands...), e.chain)
}

func toString(v cty.Value, where model.Location) model.Value[string] {
	if v.IsNull() {
		return model.Value[string]{State: model.Absent}
	}
	if !v.Type().IsPrimitiveType() {
		return model.InvalidValue[string](where, model.T("expected a string, got %s", "文字列が必要ですが %s が指定されています", typeName(v)))
	}
	s, err := convertSafe(v, cty.String)
	if err != nil || s.IsNull() || !s.IsKnown() {
		return model.InvalidValue[string](where, model.T("expected a string, got %s", "文字列が必要ですが %s が指定されています", typeName(v)))
	}
	return model.KnownValue(s.AsString(), where)
}

// refValue reads an argument naming another resource (a global cluster, a
// replication source). A reference to a resource of refType whose ID only
// AWS knows still tells which resource it is: the value is that resource's
// configured identifier, or its address.
func refValue(e *evaluated, refType string) model.Value[string] {
	if e == nil {
		return model.Value[string]{}
	}
	if !e.val.IsWhollyKnown() && len(e.rs.invalid) == 0 && len(e.rs.computed) > 0 && len(e.rs.computed) == len(e.rs.unknown) {
		var ids []string
		for _, m := range e.rs.computed {
			if m.refType != refType {
				ids = nil
				break
			}
			id := m.refIdent
			if id == "" {
				id = m.refAddr
			}
			ids = appendUnique(ids, id)
		}
		if len(ids) == 1 {
			chain := append(append([]model.Origin{}, e.chain...), model.Origin{Kind: model.OriginReference, Name: e.rs.computed[0].refAddr, Location: e.where})
			return withChain(model.KnownValue(ids[0], e.where), chain)
		}
	}
	return stringValue(e)
}

// windowValue converts backtrack_window: a whole number of seconds. Numbers
// out of AWS's range stay known (policy reports them); fractions, strings
// that are not numbers and other types are invalid.
func windowValue(e *evaluated) model.Value[int64] {
	if e == nil {
		return model.Value[int64]{}
	}
	if e.val.IsWhollyKnown() {
		return withChain(toSeconds(e.val, e.where, e.rs.sensitive), e.chain)
	}
	if len(e.rs.invalid) > 0 {
		return withChain(model.InvalidValue[int64](e.where, joinReasons(e.rs.invalid)), e.chain)
	}
	var cands []int64
	if vals, ok := possible(e.attr.Expr, e.in, e.rep, 0); ok {
		for _, c := range vals {
			sv := toSeconds(c, e.where, e.rs.sensitive)
			if sv.State == model.Invalid {
				cands = nil
				break
			}
			cands = appendUnique(cands, sv.V) // null (absent) counts as 0, AWS's default
		}
	}
	return withChain(model.UnknownValue(e.where, e.whyUnknown(), cands...), e.chain)
}

// toSeconds converts a window value. A sensitive value (from a variable
// declared sensitive = true) is judged like any other, but the message says
// "(sensitive value)" instead of showing it.
func toSeconds(v cty.Value, where model.Location, sensitive bool) model.Value[int64] {
	if v.IsNull() {
		return model.Value[int64]{State: model.Absent}
	}
	expected := func(got string) model.Value[int64] {
		if sensitive {
			return model.InvalidValue[int64](where, model.Text{
				EN: "expected a whole number of seconds, got " + sensitiveText.EN,
				JA: "整数の秒数が必要ですが、" + sensitiveText.JA + " が指定されています"})
		}
		return model.InvalidValue[int64](where, model.T("expected a whole number of seconds, got %s",
			"整数の秒数が必要ですが、%s が指定されています", got))
	}
	var n cty.Value
	switch v.Type() {
	case cty.Number:
		n = v
	case cty.String:
		c, err := convertSafe(v, cty.Number)
		if err != nil && sensitive {
			return expected("")
		}
		if err != nil {
			return model.InvalidValue[int64](where, model.T("expected a whole number of seconds, got string %q",
				"整数の秒数が必要ですが、文字列 %q が指定されています", v.AsString()))
		}
		n = c
	default:
		return expected(typeName(v))
	}
	bf := n.AsBigFloat()
	if !bf.IsInt() {
		return expected(bf.Text('g', 10))
	}
	i, acc := bf.Int64()
	if acc != big.Exact {
		return expected(bf.Text('g', 20) + " (too large)")
	}
	out := model.KnownValue(i, where)
	out.Sensitive = sensitive
	return out
}

func withChain[T comparable](v model.Value[T], chain []model.Origin) model.Value[T] {
	v.Provenance = chain
	return v
}

func appendUnique[T comparable](s []T, v T) []T {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// ---- clusters -----------------------------------------------------------------

// built is a cluster with what the relation pass needs.
type built struct {
	c   model.Cluster
	key string // instance key
	// where the cluster was declared, for arguments read after the walk
	in  *instance
	res *resourceDecl
	rep rep
}

// clusters builds the aws_rds_cluster instances of one module instance.
func (in *instance) clusters() []*built {
	var out []*built
	for _, res := range in.def.resources {
		if res.mode != "managed" || res.typ != "aws_rds_cluster" {
			continue
		}
		reps, unknown, why := in.expandResource(res)
		sups := in.root.suppressions(res)
		for i := range reps {
			c := in.buildCluster(res, &reps[i])
			if unknown {
				c.CountExpansionUnknown = true
				c.Notes = append(c.Notes, model.Join(model.T(" ", ""),
					model.T("The count/for_each of %s could not be resolved, so the resource was evaluated once; the real number of clusters may differ.",
						"%s の count/for_each を解決できないため、リソースを 1 回だけ評価しました。実際のクラスター数は異なる場合があります。", c.Address),
					why))
			}
			if in.expansionNote != nil {
				c.CountExpansionUnknown = true
				c.Notes = append(c.Notes, *in.expansionNote)
			}
			c.Suppressions = append([]model.Suppression(nil), sups...)
			out = append(out, &built{c: c, key: reps[i].addrKey, in: in, res: res, rep: reps[i]})
		}
	}
	return out
}

func (in *instance) buildCluster(res *resourceDecl, r *rep) model.Cluster {
	c := model.Cluster{
		Source:   model.SourceTerraform,
		Type:     res.typ,
		Address:  in.prefix() + res.addr() + r.addrKey,
		Location: loc(res.decl),
		Root:     in.root.rel,
	}
	c.Engine = stringValue(in.argument(res, r, "engine"))
	c.EngineVersion = stringValue(in.argument(res, r, "engine_version"))
	c.EngineMode = stringValue(in.argument(res, r, "engine_mode"))
	c.BacktrackWindow = windowValue(in.argument(res, r, "backtrack_window"))
	c.GlobalClusterID = refValue(in.argument(res, r, "global_cluster_identifier"), "aws_rds_global_cluster")
	c.ReplicationSource = refValue(in.argument(res, r, "replication_source_identifier"), "aws_rds_cluster")
	if name := stringValue(in.argument(res, r, "cluster_identifier")); name.State == model.Known {
		c.Name = name.V
	}

	// Serverless v2: a serverlessv2_scaling_configuration block
	// (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster).
	static, dynamic := blocksOf(res.body, "serverlessv2_scaling_configuration")
	switch {
	case len(static) > 0:
		c.ServerlessV2 = model.KnownValue(true, loc(static[0].DefRange))
	case len(dynamic) > 0:
		c.ServerlessV2 = in.dynamicPresence(dynamic[0], r)
	}

	// How the cluster is created (backtrack can only be enabled at creation):
	// snapshot_identifier, restore_to_point_in_time, s3_import.
	c.Creation = model.CreateNew
	if snap := stringValue(in.argument(res, r, "snapshot_identifier")); snap.State != model.Absent {
		c.Creation, c.CreationSource = model.CreateFromSnapshot, sourceName(snap)
	} else if b := firstBlock(res.body, "restore_to_point_in_time"); b != nil {
		c.Creation = model.CreatePointInTime
		if rt := in.blockString(b, r, "restore_type"); rt.State == model.Known && strings.EqualFold(rt.V, "copy-on-write") {
			c.Creation = model.CreateClone
		}
		src := in.blockRef(b, r, "source_cluster_identifier")
		if src.State == model.Absent {
			src = in.blockRef(b, r, "source_cluster_resource_id")
		}
		c.CreationSource = sourceName(src)
	} else if b := firstBlock(res.body, "s3_import"); b != nil {
		c.Creation = model.CreateFromS3
		c.CreationSource = sourceName(in.blockString(b, r, "bucket_name"))
	} else if c.ReplicationSource.State == model.Known && c.ReplicationSource.V != "" {
		c.Creation, c.CreationSource = model.CreateReplicaOfCluster, c.ReplicationSource.V
	}
	return c
}

func sourceName(v model.Value[string]) string {
	if v.State == model.Known {
		return v.V
	}
	return ""
}

func (in *instance) blockString(b *hcl.Block, r *rep, name string) model.Value[string] {
	a := attrOf(b.Body, name)
	if a == nil {
		return model.Value[string]{}
	}
	return stringValue(in.evaluate(a, in.evalValue(a.Expr, r), r))
}

func (in *instance) blockRef(b *hcl.Block, r *rep, name string) model.Value[string] {
	a := attrOf(b.Body, name)
	if a == nil {
		return model.Value[string]{}
	}
	return refValue(in.evaluate(a, in.evalValue(a.Expr, r), r), "aws_rds_cluster")
}

// dynamicPresence tells whether a dynamic block generates at least one block.
func (in *instance) dynamicPresence(b *hcl.Block, r *rep) model.Value[bool] {
	a := attrOf(b.Body, "for_each")
	where := loc(b.DefRange)
	if a == nil {
		return model.InvalidValue[bool](where, model.T("dynamic block without for_each", "for_each のない dynamic ブロックです"))
	}
	where = loc(a.Expr.Range())
	v, ms := unmark(in.evalValue(a.Expr, r))
	if !v.IsKnown() {
		rs := collectReasons(ms)
		return model.UnknownValue[bool](where, joinReasons(append(rs.invalid, rs.unknown...)))
	}
	if v.IsNull() {
		return model.KnownValue(false, where)
	}
	if !v.CanIterateElements() {
		return model.InvalidValue[bool](where, model.T("for_each of a dynamic block must be a collection, got %s",
			"dynamic ブロックの for_each はコレクションである必要があります（%s）", typeName(v)))
	}
	return model.KnownValue(v.LengthInt() > 0, where)
}

// blocksOf returns the nested blocks of a type, and the dynamic blocks generating it.
func blocksOf(body hcl.Body, typ string) (static, dynamic []*hcl.Block) {
	if sb, ok := body.(*hclsyntax.Body); ok {
		for _, b := range sb.Blocks {
			switch {
			case b.Type == typ:
				static = append(static, b.AsHCLBlock())
			case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == typ:
				dynamic = append(dynamic, b.AsHCLBlock())
			}
		}
		return
	}
	c, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: typ}, {Type: "dynamic", LabelNames: []string{"type"}}}})
	if c == nil {
		return
	}
	for _, b := range c.Blocks {
		switch {
		case b.Type == typ:
			static = append(static, b)
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == typ:
			dynamic = append(dynamic, b)
		}
	}
	return
}

func firstBlock(body hcl.Body, typ string) *hcl.Block {
	static, _ := blocksOf(body, typ)
	if len(static) > 0 {
		return static[0]
	}
	return nil
}

// ---- relations between resources --------------------------------------------

// relate applies what other resources say about the clusters of one root:
// aws_rds_global_cluster.source_db_cluster_identifier makes its source a
// member; aws_rds_cluster_instance gives instance classes (db.serverless:
// Serverless v2); parameter groups and zero-ETL integrations (relations.go)
// say whether backtrack is excluded.
func relate(insts []*instance, bs []*built) {
	byAddr := map[string][]int{}
	byName := map[string][]int{}
	for i, b := range bs {
		byAddr[b.c.Address] = append(byAddr[b.c.Address], i)
		if b.c.Name != "" {
			byName[b.c.Name] = append(byName[b.c.Name], i)
		}
	}
	targets := func(v cty.Value, ms cty.ValueMarks) []int {
		if v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
			s := v.AsString()
			if i := strings.LastIndex(s, ":cluster:"); i >= 0 {
				s = s[i+len(":cluster:"):]
			}
			return byName[s]
		}
		if v.IsKnown() {
			return nil
		}
		var out []int
		for _, m := range collectReasons(ms).computed {
			if m.refType == "aws_rds_cluster" {
				if idx := byAddr[m.refAddr]; len(idx) > 0 {
					out = append(out, idx...)
				} else if m.refIdent != "" {
					out = append(out, byName[m.refIdent]...)
				}
			}
		}
		return out
	}
	relateExclusions(insts, bs, targets)
	for _, in := range insts {
		for _, res := range in.def.resources {
			if res.mode != "managed" {
				continue
			}
			switch res.typ {
			case "aws_rds_global_cluster":
				if res.attr("source_db_cluster_identifier") == nil {
					continue
				}
				reps, _, _ := in.expandResource(res)
				for i := range reps {
					r := &reps[i]
					a := res.attr("source_db_cluster_identifier")
					v, ms := unmark(in.resourceAttr(res, r, "source_db_cluster_identifier"))
					gaddr := in.prefix() + res.addr() + r.addrKey
					id := gaddr
					if g := stringValue(in.argument(res, r, "global_cluster_identifier")); g.State == model.Known && g.V != "" {
						id = g.V
					}
					for _, t := range targets(v, ms) {
						c := &bs[t].c
						if c.GlobalClusterID.State == model.Known && c.GlobalClusterID.V != "" {
							continue
						}
						where := loc(a.Expr.Range())
						c.GlobalClusterID = model.KnownValue(id, where, model.Origin{Kind: model.OriginReference,
							Name: gaddr + ".source_db_cluster_identifier", Location: where})
					}
				}
			case "aws_rds_cluster_instance":
				if res.attr("cluster_identifier") == nil {
					continue
				}
				reps, _, _ := in.expandResource(res)
				for i := range reps {
					r := &reps[i]
					v, ms := unmark(in.resourceAttr(res, r, "cluster_identifier"))
					class := stringValue(in.argument(res, r, "instance_class"))
					for _, t := range targets(v, ms) {
						c := &bs[t].c
						if class.State == model.Known {
							c.InstanceClasses = appendUnique(c.InstanceClasses, class.V)
							if class.V == "db.serverless" && c.ServerlessV2.State != model.Known {
								c.ServerlessV2 = model.KnownValue(true, class.Where, class.Provenance...)
							}
						}
					}
				}
			}
		}
	}
}
