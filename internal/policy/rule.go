// Package policy decides verdicts. It is pure: it reads model values and
// returns findings, with no files, network or clock of its own (the time
// comes in through Options).
package policy

import (
	"sort"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Rule is one check with its metadata. Metadata, logic and tests sit together
// in one file per rule.
type Rule struct {
	ID         string
	Title      model.Text
	Severity   model.Severity
	Rationale  model.Text
	Help       model.Text
	HelpURI    string
	References []string
	// SecuritySeverity is the CVSS-like score GitHub code scanning reads from SARIF.
	SecuritySeverity string
	// Live is true for rules that need a running cluster.
	Live bool
	// windowProvenance: the rule's findings carry the target window's
	// provenance (where the value is defined), for fixers.
	windowProvenance bool
	// Check evaluates the rule on one cluster. Rules that do not apply to a
	// cluster's source (live rules on IaC) return nil.
	Check func(c model.Cluster, o Options) *model.Finding
}

// Info returns the rule's metadata as reports carry it.
func (r *Rule) Info() model.RuleInfo {
	return model.RuleInfo{ID: r.ID, Title: r.Title, Severity: r.Severity, Rationale: r.Rationale, Help: r.Help,
		HelpURI: r.HelpURI, References: r.References, SecuritySeverity: r.SecuritySeverity, Live: r.Live}
}

// Infos returns the metadata of every registered rule, ordered by ID.
func Infos() model.Rules {
	rules := Rules()
	out := make(model.Rules, len(rules))
	for i, r := range rules {
		out[i] = r.Info()
	}
	return out
}

// Options are the policy's parameters.
type Options struct {
	MinWindowSeconds int64
	// Now is the evaluation time (for suppressions and live windows).
	Now time.Time
	// DrillMaxAge is how old the newest verified successful drill may be
	// (KG-BT-004); 0 means DefaultDrillMaxAge.
	DrillMaxAge time.Duration
}

// DefaultDrillMaxAge is KG-BT-004's default: a drill every 90 days.
const DefaultDrillMaxAge = 90 * 24 * time.Hour

// DefaultOptions returns the policy defaults.
func DefaultOptions() Options {
	return Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: time.Now().UTC(), DrillMaxAge: DefaultDrillMaxAge}
}

var registry = map[string]*Rule{}

func register(r *Rule) *Rule {
	if _, dup := registry[r.ID]; dup {
		panic("policy: duplicate rule " + r.ID)
	}
	registry[r.ID] = r
	return r
}

// Rules returns every registered rule, ordered by ID.
func Rules() []*Rule {
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the rule with that ID, or nil.
func Lookup(id string) *Rule { return registry[id] }

// Evaluate runs every rule on every cluster and turns the sources'
// diagnostics into findings. The result is ordered deterministically.
func Evaluate(inv model.Inventory, o Options) []model.Finding {
	if o.MinWindowSeconds == 0 {
		o.MinWindowSeconds = model.DefaultMinWindowSeconds
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	var out []model.Finding
	for _, d := range inv.Diagnostics {
		out = append(out, diagnosticFinding(d))
	}
	rules := Rules()
	for i := range inv.Clusters {
		c := &inv.Clusters[i]
		for _, r := range rules {
			if r.Check == nil {
				continue
			}
			f := r.Check(*c, o)
			if f == nil {
				continue
			}
			finish(f, r, c)
			out = append(out, *f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Resource.Account != b.Resource.Account {
			return a.Resource.Account < b.Resource.Account
		}
		if a.Resource.Region != b.Resource.Region {
			return a.Resource.Region < b.Resource.Region
		}
		if a.Resource.Address != b.Resource.Address {
			return a.Resource.Address < b.Resource.Address
		}
		return a.RuleID < b.RuleID
	})
	return out
}

// finish fills what every finding on a cluster shares. The finding keeps a
// pointer to the cluster it judges (an element of the inventory's slice), so
// suppression, remediation and patching never look it up again.
func finish(f *model.Finding, r *Rule, c *model.Cluster) {
	f.RuleID = r.ID
	f.Severity = r.Severity
	f.Cluster = c
	f.Resource = model.ResourceOf(*c)
	if f.Resolution == nil {
		f.Resolution = &model.Resolution{Path: model.PathNone, Actual: -1}
	}
	if f.Location.IsZero() {
		f.Location = c.Location
	}
	if f.Location.File == "" && c.Source == model.SourceAWS {
		f.Location = model.Location{Account: c.Account, Region: c.Region, ARN: c.ARN}
	}
	f.Fingerprint = model.Fingerprint(r.ID, f.Resource, c.Root)
	// The window's provenance lets a fixer edit the place that defines it.
	if len(f.Provenance) == 0 && r.windowProvenance {
		f.Provenance = c.BacktrackWindow.Provenance
	}
	f.Notes = append(append([]model.Text{}, c.Notes...), f.Notes...)
}

// sentenceSep joins sentences: a space in English, nothing in Japanese,
// where sentences end in 。 and run on without spaces.
var sentenceSep = model.Text{EN: " ", JA: ""}
