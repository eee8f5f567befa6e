package tfplan

import (
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// regenerate is the remediation for a plan that is not as Terraform writes it.
var regenerate = model.T("Write the plan again with `terraform show -json plan.tfplan > plan.json` instead of editing it by hand, and scan it again.",
	"手で編集せず、`terraform show -json plan.tfplan > plan.json` でプランを書き出し直してから、再度スキャンしてください。")

// link is a fact about a cluster found on another resource: an instance
// class, or membership of a global cluster.
type link struct {
	value string
	where model.Location
	via   []model.Origin
}

// mapClusters turns the collected entries into model clusters. Locations
// are available now that the position index is built.
func (r *reader) mapClusters() {
	for _, e := range r.dupes {
		r.diags = append(r.diags, model.Diagnostic{
			Status: model.StatusError, Reason: model.ReasonParseError, Location: r.entryLoc(e),
			Resource: model.Resource{Kind: model.SourceTerraformPlan, Type: e.ref.typ, Address: e.addr},
			Message: model.T("%s appears more than once in resource_changes; expected each resource instance once. Only the first one was read.",
				"%s が resource_changes に複数回現れます。各リソースインスタンスは 1 回だけのはずです。最初のものだけを読み込みました。", e.addr),
			Remediation: regenerate,
		})
	}
	instances := r.linkInstances()
	globals := r.linkGlobals()
	integrations := r.linkIntegrations()
	for _, e := range r.clustersIn {
		if c, ok := r.cluster(e, instances[e], globals[e]); ok {
			r.applyExclusions(e, &c, integrations[e])
			r.clusters = append(r.clusters, c)
		}
	}
}

// cluster maps one aws_rds_cluster entry.
func (r *reader) cluster(e *entry, instances []link, globals []link) (model.Cluster, bool) {
	loc := r.entryLoc(e)
	res := model.Resource{Kind: model.SourceTerraformPlan, Type: typeCluster, Address: e.addr}
	if e.hasChange && !e.actionOK {
		where := r.locOr(e, e.sub("change", "actions"))
		got := make([]string, 0, len(e.actions))
		for _, a := range e.actions {
			got = append(got, truncate(string(a)))
		}
		r.diags = append(r.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonInvalidValue, Location: where, Resource: res,
			Message: model.T("The change actions [%s] of %s are not ones kumoguard knows; expected [\"create\"], [\"update\"], [\"no-op\"], [\"delete\",\"create\"], [\"create\",\"delete\"], [\"delete\"], [\"read\"] or [\"forget\"]. The cluster was not evaluated.",
				"%[2]s の変更アクション [%[1]s] は kumoguard が扱えるものではありません。[\"create\"]、[\"update\"]、[\"no-op\"]、[\"delete\",\"create\"]、[\"create\",\"delete\"]、[\"delete\"]、[\"read\"]、[\"forget\"] のいずれかが必要です。クラスターは評価していません。",
				strings.Join(got, ","), e.addr), Remediation: regenerate})
		return model.Cluster{}, false
	}
	for _, p := range []struct {
		v    any
		path []any
		what string
	}{{e.values, e.valuesPath, "after"}, {e.before, e.beforePath, "before"}} {
		if p.v == nil || p.path == nil {
			continue
		}
		if _, ok := asObject(p.v); !ok {
			where := r.locOr(e, p.path)
			r.diags = append(r.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonInvalidValue, Location: where, Resource: res,
				Message: text("The %s value of %s is %s; expected an object with the resource's attributes. The cluster was not evaluated.",
					"%[2]s の %[1]s の値が %[3]s です。リソースの属性を持つオブジェクトが必要です。クラスターは評価していません。", p.what, e.addr, kindName(kindOf(p.v))), Remediation: regenerate})
			return model.Cluster{}, false
		}
	}
	if e.values == nil && e.action != model.ActionDelete && e.action != model.ActionForget {
		// Nothing to read (e.g. a hand-trimmed plan). Say so rather than pass.
		r.diags = append(r.diags, model.Diagnostic{Status: model.StatusUnknown, Reason: model.ReasonUnresolvedValue, Location: loc, Resource: res,
			Message: model.T("%s has no attribute values in the plan (change.after is null), so it could not be evaluated.",
				"%s にはプラン内の属性値がありません（change.after が null）。評価できませんでした。", e.addr), Remediation: regenerate})
		return model.Cluster{}, false
	}

	c := model.Cluster{
		Source:   model.SourceTerraformPlan,
		Type:     typeCluster,
		Address:  e.addr,
		Location: loc,
		Root:     r.file,
		Action:   e.action,
	}
	if name, _, ok := r.knownString(e, "cluster_identifier"); ok {
		c.Name = name
	}
	c.Engine = r.stringValue(e, "engine")
	c.EngineVersion = r.stringValue(e, "engine_version")
	c.EngineMode = r.stringValue(e, "engine_mode")
	c.BacktrackWindow = r.windowAfter(e)
	c.PriorBacktrackWindow = r.priorWindow(e)
	c.GlobalClusterID = r.referenced(e, r.stringValue(e, "global_cluster_identifier"), "global_cluster_identifier", typeGlobalCluster)
	c.ReplicationSource = r.referenced(e, r.stringValue(e, "replication_source_identifier"), "replication_source_identifier", typeCluster)
	if len(globals) > 0 {
		if id, ok := c.GlobalClusterID.Get(); !ok || id == "" {
			g := globals[0]
			c.GlobalClusterID = model.KnownValue(g.value, g.where, g.via...)
		}
	}

	c.ServerlessV2 = r.nonEmptyBlock(e, "serverlessv2_scaling_configuration")
	for _, in := range instances {
		c.InstanceClasses = append(c.InstanceClasses, in.value)
		if in.value == "db.serverless" {
			if v, ok := c.ServerlessV2.Get(); !ok || !v {
				c.ServerlessV2 = model.KnownValue(true, in.where, in.via...)
			}
		}
	}
	r.creation(e, &c)
	if e.action == model.ActionForget {
		c.Notes = append(c.Notes, model.T("The plan forgets this cluster: Terraform stops managing it, but it keeps running in AWS as it is.",
			"プランはこのクラスターを forget します。Terraform の管理から外れますが、AWS では現状のまま稼働し続けます。"))
	}
	return c, true
}

// referenced fills in an attribute that is known only after apply when the
// configuration shows what it refers to: global_cluster_identifier =
// aws_rds_global_cluster.x.id makes the cluster a member of that global
// cluster even though the id is not known yet.
func (r *reader) referenced(e *entry, v model.Value[string], name, targetType string) model.Value[string] {
	if v.State != model.Unknown || e.config == nil {
		return v
	}
	expr := e.config.Expressions[name]
	if expr == nil || expr.ExpressionData == nil {
		return v
	}
	where := r.locOr(e, append(clone(e.configPath), "expressions", name))
	var others []string
	for _, ref := range expr.References {
		rr, ok := parseAddress(ref)
		if ok && rr.managed && rr.typ == targetType && rr.module == "" && len(rr.calls) == 0 {
			rr.module = e.ref.module
			target := rr.resource() + rr.key
			return model.Value[string]{V: target, State: model.Known, Where: where, Provenance: []model.Origin{
				{Kind: model.OriginPlan, Location: v.Where},
				{Kind: model.OriginReference, Name: ref, Location: where},
			}}
		}
		others = append(others, truncate(ref))
	}
	if len(others) > 0 {
		v.Why = model.Join(model.T(" ", ""), v.Why, model.T("The configuration takes it from %s.", "構成では %s から取得しています。", strings.Join(others, ", ")))
	}
	return v
}

// creation records how the cluster is created (backtrack can only be enabled
// at creation; a clone gets it only from its source).
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
func (r *reader) creation(e *entry, c *model.Cluster) {
	c.Creation = model.CreateNew
	if snap := r.get(e, "snapshot_identifier"); snap.state == attrUnknown {
		c.Creation = model.CreateFromSnapshot
		return
	} else if s, ok := snap.raw.(string); snap.state == attrPresent && ok && s != "" {
		c.Creation, c.CreationSource = model.CreateFromSnapshot, s
		return
	}
	if b, ok := r.firstBlock(e, "restore_to_point_in_time"); ok {
		c.Creation = model.CreatePointInTime
		if t, _ := b["restore_type"].(string); t == "copy-on-write" {
			c.Creation = model.CreateClone
		}
		sens := nestedFlags(e.sensitive, "restore_to_point_in_time")
		for _, k := range []string{"source_cluster_identifier", "source_cluster_resource_id"} {
			if s, _ := b[k].(string); s != "" && !marked(sens, k) {
				c.CreationSource = s
				break
			}
		}
		return
	}
	if b, ok := r.firstBlock(e, "s3_import"); ok {
		c.Creation = model.CreateFromS3
		if s, _ := b["bucket_name"].(string); s != "" && !marked(nestedFlags(e.sensitive, "s3_import"), "bucket_name") {
			c.CreationSource = "s3://" + s
		}
		return
	}
	if id, ok := c.ReplicationSource.Get(); ok && id != "" {
		c.Creation, c.CreationSource = model.CreateReplicaOfCluster, id
	}
}

// nestedFlags returns the first element of a nested block's sensitivity flags.
func nestedFlags(obj any, name string) any {
	m, ok := asObject(obj)
	if !ok {
		return obj
	}
	if l, ok := m[name].([]any); ok && len(l) > 0 {
		return l[0]
	}
	return m[name]
}

// linkInstances finds the aws_rds_cluster_instance resources of each
// cluster: by reference in the configuration (cluster_identifier =
// aws_rds_cluster.x.id) or by equal known cluster identifiers.
func (r *reader) linkInstances() map[*entry][]link {
	out := map[*entry][]link{}
	for _, in := range r.instances {
		if in.action == model.ActionDelete {
			continue
		}
		class, where, ok := r.knownString(in, "instance_class")
		if !ok {
			continue
		}
		via := planOrigin(where)
		for _, c := range r.clustersFor(in, "cluster_identifier", func(c *entry) string {
			s, _, _ := r.knownString(c, "cluster_identifier")
			return s
		}) {
			out[c] = append(out[c], link{value: class, where: where, via: via})
		}
	}
	return out
}

// linkGlobals finds clusters that an aws_rds_global_cluster is created from
// (source_db_cluster_identifier = aws_rds_cluster.x.arn, or the cluster's
// known ARN): such a cluster becomes a member of the global database.
func (r *reader) linkGlobals() map[*entry][]link {
	out := map[*entry][]link{}
	for _, g := range r.globals {
		if g.action == model.ActionDelete {
			continue
		}
		a := r.get(g, "source_db_cluster_identifier")
		if a.state == attrMissing || a.state == attrNull {
			if g.config == nil || g.config.Expressions["source_db_cluster_identifier"] == nil {
				continue
			}
		}
		where := a.where
		if a.state == attrMissing {
			where = r.locOr(g, append(clone(g.configPath), "expressions", "source_db_cluster_identifier"))
		}
		for _, c := range r.clustersFor(g, "source_db_cluster_identifier", func(c *entry) string {
			s, _, _ := r.knownString(c, "arn")
			return s
		}) {
			out[c] = append(out[c], link{value: g.addr, where: where, via: planOrigin(where)})
		}
	}
	return out
}

// clustersFor returns the clusters another resource's attribute points at:
// through the configuration's references to aws_rds_cluster in the same
// module instance, or through a known value equal to key(cluster).
func (r *reader) clustersFor(from *entry, name string, key func(*entry) string) []*entry {
	if r.links > maxLinks {
		return nil // the limit is reported once, where it was hit
	}
	var out []*entry
	seen := map[*entry]bool{}
	if from.config != nil {
		if expr := from.config.Expressions[name]; expr != nil && expr.ExpressionData != nil {
			for _, ref := range expr.References {
				rr, ok := r.parseRef(ref)
				if !ok || !rr.managed || rr.typ != typeCluster || rr.module != "" {
					continue
				}
				for _, c := range r.clustersNamed(from.ref.module, rr.name) {
					if (!rr.hasKey || rr.key == c.ref.key) && !seen[c] {
						seen[c] = true
						out = append(out, c)
					}
				}
			}
		}
	}
	if len(out) > 0 {
		return r.limitLinks(from, out)
	}
	if v, _, ok := r.knownString(from, name); ok && v != "" {
		for _, c := range r.clustersWithValue(name, key, v) {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return r.limitLinks(from, out)
}

// limitLinks returns out, or nothing once the limit on links is exceeded.
func (r *reader) limitLinks(from *entry, out []*entry) []*entry {
	if !r.chargeLinks(from, len(out)) {
		return nil
	}
	return out
}
