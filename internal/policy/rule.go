// Package policy decides verdicts. It is pure: it reads model values and
// returns findings, with no files, network or clock of its own (the time
// comes in through Options).
package policy

import (
	"fmt"
	"sort"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// MaxWindowSeconds is the largest BacktrackWindow AWS accepts: 259,200 s = 72 h
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html,
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html).
const MaxWindowSeconds = 259200

// DefaultMinWindowSeconds is the default policy minimum: 24 hours.
const DefaultMinWindowSeconds = 86400

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
	// Check evaluates the rule on one cluster. Rules that do not apply to a
	// cluster's source (live rules on IaC) return nil.
	Check func(c model.Cluster, o Options) *model.Finding
}

// Options are the policy's parameters.
type Options struct {
	MinWindowSeconds int64
	// Now is the evaluation time (for suppressions and live windows).
	Now time.Time
}

// DefaultOptions returns the policy defaults.
func DefaultOptions() Options {
	return Options{MinWindowSeconds: DefaultMinWindowSeconds, Now: time.Now().UTC()}
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
		o.MinWindowSeconds = DefaultMinWindowSeconds
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	var out []model.Finding
	for _, d := range inv.Diagnostics {
		out = append(out, diagnosticFinding(d))
	}
	rules := Rules()
	for _, c := range inv.Clusters {
		for _, r := range rules {
			if r.Check == nil {
				continue
			}
			f := r.Check(c, o)
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

// finish fills what every finding on a cluster shares.
func finish(f *model.Finding, r *Rule, c model.Cluster) {
	f.RuleID = r.ID
	f.Severity = r.Severity
	f.Resource = model.ResourceOf(c)
	if f.Location.IsZero() {
		f.Location = c.Location
	}
	if f.Location.File == "" && c.Source == model.SourceAWS {
		f.Location = model.Location{Account: c.Account, Region: c.Region, ARN: c.ARN}
	}
	f.Fingerprint = model.Fingerprint(r.ID, f.Resource, c.Root)
	// The window's provenance lets a fixer edit the place that defines it.
	if len(f.Provenance) == 0 && (r.ID == KGBT001.ID || r.ID == KGBT002.ID) {
		f.Provenance = c.BacktrackWindow.Provenance
	}
	f.Notes = append(append([]model.Text{}, c.Notes...), f.Notes...)
}

// FormatDuration renders seconds the way people say windows: "72h", "1h30m",
// "45s".
func FormatDuration(sec int64) string {
	if sec < 0 {
		return fmt.Sprintf("%ds", sec)
	}
	d := time.Duration(sec) * time.Second
	h := int64(d / time.Hour)
	m := int64((d % time.Hour) / time.Minute)
	s := int64((d % time.Minute) / time.Second)
	switch {
	case h > 0 && m == 0 && s == 0:
		return fmt.Sprintf("%dh", h)
	case h > 0 && s == 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh%dm%ds", h, m, s)
	case m > 0 && s == 0:
		return fmt.Sprintf("%dm", m)
	case m > 0:
		return fmt.Sprintf("%dm%ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// sentenceSep joins sentences: a space in English, nothing in Japanese,
// where sentences end in 。 and run on without spaces.
var sentenceSep = model.Text{EN: " ", JA: ""}
