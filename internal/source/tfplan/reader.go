package tfplan

import (
	"encoding/json"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/kumoguard/kumoguard/internal/model"
)

const (
	typeCluster       = "aws_rds_cluster"
	typeInstance      = "aws_rds_cluster_instance"
	typeGlobalCluster = "aws_rds_global_cluster"
)

// readAttributes are the only attributes this package ever reads, and the
// only ones whose positions are indexed. master_password and every other
// attribute are never looked at.
var readAttributes = []string{
	"engine", "engine_version", "engine_mode", "backtrack_window",
	"global_cluster_identifier", "replication_source_identifier", "cluster_identifier",
	"serverlessv2_scaling_configuration", "snapshot_identifier", "restore_to_point_in_time",
	"s3_import", "arn", "instance_class", "source_db_cluster_identifier",
	"db_cluster_parameter_group_name",
}

// entry is one resource instance of interest, from resource_changes or
// (when it has no change) from planned_values.
type entry struct {
	ref  resourceRef
	addr string
	path []any // JSON path of the resource_changes element or planned_values resource

	hasChange bool
	actions   tfjson.Actions
	action    model.PlanAction
	actionOK  bool

	// after (or before for a delete, or planned values) with its JSON path
	values     any
	valuesPath []any
	// unknown is after_unknown; missingUnknown is set for planned_values,
	// which omits unknown values.
	unknown        any
	unknownPath    []any
	missingUnknown bool
	sensitive      any

	before          any
	beforePath      []any
	beforeSensitive any

	config     *tfjson.ConfigResource
	configPath []any
}

type reader struct {
	file string
	ix   *positionIndex
	plan *tfjson.Plan

	clustersIn []*entry
	instances  []*entry
	globals    []*entry
	// paramGroups and integrations can take a cluster out of scope (exclusions.go).
	paramGroups  []*entry
	integrations []*entry
	byAddr       map[string]*entry
	dupes        []*entry

	clusters []model.Cluster
	diags    []model.Diagnostic

	// hits are the limits hit (limits.go); links counts the links
	// clustersFor made; refs memoizes parseAddress of configuration
	// references, and byName and byValue index clustersIn.
	hits    []limitHit
	links   int
	refs    map[string]parsedRef
	byName  map[string][]*entry
	byValue map[string]map[string][]*entry
}

func newReader(file string, ix *positionIndex, plan *tfjson.Plan) *reader {
	return &reader{file: file, ix: ix, plan: plan, byAddr: map[string]*entry{}}
}

func interesting(typ string) bool {
	return typ == typeCluster || typ == typeInstance || typ == typeGlobalCluster || typ == typeParamGroup || typ == typeIntegration
}

// collect finds the resources of interest and asks the position index for
// the paths their values will need.
func (r *reader) collect() {
	r.ix.want("format_version")
	for i, rc := range r.plan.ResourceChanges {
		if rc == nil || rc.Mode == tfjson.DataResourceMode || !interesting(rc.Type) || rc.DeposedKey != "" {
			continue
		}
		ref, ok := parseAddress(rc.Address)
		if ok && !ref.managed {
			continue // a data source whose mode is missing
		}
		if !ok || ref.typ != rc.Type {
			ref = resourceRef{typ: rc.Type, name: rc.Name, managed: true}
			ref.key, ref.hasKey = keyOf(rc.Index)
			if m, ok := parseAddress(rc.ModuleAddress + ".x.y"); ok && rc.ModuleAddress != "" {
				ref.module, ref.calls = m.module, m.calls
			}
		}
		e := &entry{ref: ref, addr: ref.String(), path: []any{"resource_changes", i}, hasChange: true}
		if c := rc.Change; c != nil {
			e.actions = c.Actions
			e.action, e.actionOK = actionOf(c.Actions)
			e.values, e.valuesPath = c.After, e.sub("change", "after")
			e.unknown, e.unknownPath = c.AfterUnknown, e.sub("change", "after_unknown")
			e.sensitive = c.AfterSensitive
			e.before, e.beforePath, e.beforeSensitive = c.Before, e.sub("change", "before"), c.BeforeSensitive
			if c.After == nil && (e.action == model.ActionDelete || e.action == model.ActionForget) {
				// A deleted (or forgotten) cluster is described by what it was.
				e.values, e.valuesPath, e.sensitive = c.Before, e.beforePath, c.BeforeSensitive
				e.unknown = nil
			}
		}
		r.add(e)
	}
	if pv := r.plan.PlannedValues; pv != nil && pv.RootModule != nil {
		r.collectPlanned(pv.RootModule, []any{"planned_values", "root_module"}, 0)
	}
	for _, e := range append(append(append([]*entry{}, r.clustersIn...), r.instances...), r.globals...) {
		r.findConfig(e)
		r.ix.want(e.path...)
		r.ix.want(e.sub("address")...)
		r.ix.want(e.sub("change", "actions")...)
		for _, a := range readAttributes {
			r.ix.want(append(clone(e.valuesPath), a)...)
			if e.unknownPath != nil {
				r.ix.want(append(clone(e.unknownPath), a)...)
			}
			if e.configPath != nil {
				r.ix.want(append(clone(e.configPath), "expressions", a)...)
			}
		}
		if e.beforePath != nil {
			r.ix.want(append(clone(e.beforePath), "backtrack_window")...)
		}
		for _, p := range [][]any{e.valuesPath, e.beforePath} {
			if p != nil {
				r.ix.want(p...)
			}
		}
	}
	for _, e := range r.dupes {
		r.ix.want(e.sub("address")...)
		r.ix.want(e.path...)
	}
	r.wantExclusions()
}

// maxModuleDepth bounds the recursion over child_modules (Terraform itself
// has no limit, but no real configuration nests modules this deep).
const maxModuleDepth = 100

func (r *reader) collectPlanned(m *tfjson.StateModule, path []any, depth int) {
	if depth > maxModuleDepth {
		r.hitLimit(path, moduleDepthText())
		return
	}
	for j, res := range m.Resources {
		if res == nil || res.Mode == tfjson.DataResourceMode || !interesting(res.Type) || res.DeposedKey != "" {
			continue
		}
		ref, ok := parseAddress(res.Address)
		if ok && !ref.managed {
			continue
		}
		if !ok || ref.typ != res.Type {
			ref = resourceRef{typ: res.Type, name: res.Name, managed: true}
			ref.key, ref.hasKey = keyOf(res.Index)
			if mm, ok := parseAddress(m.Address + ".x.y"); ok && m.Address != "" {
				ref.module, ref.calls = mm.module, mm.calls
			}
		}
		if _, seen := r.byAddr[ref.String()]; seen {
			continue // resource_changes describes it, with after_unknown
		}
		p := append(clone(path), "resources", j)
		e := &entry{ref: ref, addr: ref.String(), path: p, missingUnknown: true, actionOK: true}
		e.values, e.valuesPath = res.AttributeValues, append(clone(p), "values")
		if len(res.SensitiveValues) > 0 {
			var s any
			if json.Unmarshal(res.SensitiveValues, &s) == nil {
				e.sensitive = s
			}
		}
		if res.AttributeValues == nil {
			e.values = nil
		}
		r.add(e)
	}
	for k, c := range m.ChildModules {
		if c != nil {
			r.collectPlanned(c, append(clone(path), "child_modules", k), depth+1)
		}
	}
}

func (r *reader) add(e *entry) {
	if _, dup := r.byAddr[e.addr]; dup {
		if len(r.dupes) < maxEntries {
			r.dupes = append(r.dupes, e)
		}
		return
	}
	if len(r.byAddr) >= maxEntries {
		r.hitLimit(e.path, entriesText())
		return
	}
	r.byAddr[e.addr] = e
	switch e.ref.typ {
	case typeCluster:
		r.clustersIn = append(r.clustersIn, e)
	case typeInstance:
		r.instances = append(r.instances, e)
	case typeGlobalCluster:
		r.globals = append(r.globals, e)
	case typeParamGroup:
		r.paramGroups = append(r.paramGroups, e)
	case typeIntegration:
		r.integrations = append(r.integrations, e)
	}
}

// findConfig finds the resource's block in the configuration section: the
// module calls named by its address, then the resource by type and name.
func (r *reader) findConfig(e *entry) {
	if r.plan.Config == nil || r.plan.Config.RootModule == nil {
		return
	}
	m := r.plan.Config.RootModule
	path := []any{"configuration", "root_module"}
	for _, call := range e.ref.calls {
		mc := m.ModuleCalls[call]
		if mc == nil || mc.Module == nil {
			return
		}
		m = mc.Module
		path = append(path, "module_calls", call, "module")
	}
	for k, cr := range m.Resources {
		if cr != nil && cr.Mode != tfjson.DataResourceMode && cr.Type == e.ref.typ && cr.Name == e.ref.name {
			e.config, e.configPath = cr, append(path, "resources", k)
			return
		}
	}
}

func (e *entry) sub(steps ...any) []any { return append(clone(e.path), steps...) }

func clone(p []any) []any { return append(make([]any, 0, len(p)+4), p...) }

// actionOf maps a resource change's actions to the model's plan action.
func actionOf(a tfjson.Actions) (model.PlanAction, bool) {
	switch {
	case a.Create():
		return model.ActionCreate, true
	case a.Update():
		return model.ActionUpdate, true
	case a.NoOp():
		return model.ActionNoop, true
	case a.Replace():
		return model.ActionReplace, true
	case a.Delete():
		return model.ActionDelete, true
	case a.Read():
		return model.ActionRead, true
	case a.Forget():
		// Terraform 1.7+ "removed { lifecycle { destroy = false } }": the
		// cluster stays in AWS, only Terraform stops managing it.
		return model.ActionForget, true
	}
	return model.ActionNone, false
}
