package model

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Resource identifies what a finding is about.
type Resource struct {
	Kind    SourceKind `json:"kind"`
	Type    string     `json:"type"`
	Address string     `json:"address"`
	Name    string     `json:"name"`
	Account string     `json:"account"`
	Region  string     `json:"region"`
	ARN     string     `json:"arn"`
	// Root is the Terraform root module directory, the top template or the
	// plan file the resource belongs to (relative to the scan root): a module
	// shared by several environments yields one resource per root.
	Root string `json:"root,omitempty"`
}

// ResourceOf returns the Resource of a cluster.
func ResourceOf(c Cluster) Resource {
	return Resource{Kind: c.Source, Type: c.Type, Address: c.Address, Name: c.Name,
		Account: c.Account, Region: c.Region, ARN: c.ARN, Root: c.Root}
}

// Suppression silences one rule on one resource, with a reason and an
// optional expiry date (inclusive: it suppresses through that whole day, UTC).
type Suppression struct {
	RuleID   string     `json:"rule_id"`
	Reason   string     `json:"reason"`
	Until    *time.Time `json:"until,omitempty"`
	Source   string     `json:"source"` // "inline", "metadata" or "config"
	Location Location   `json:"location"`
	// Pattern is the address glob of a config suppression.
	Pattern string `json:"pattern,omitempty"`
}

// ActiveAt reports whether the suppression still applies at t.
func (s Suppression) ActiveAt(t time.Time) bool {
	if s.Until == nil {
		return true
	}
	return !t.After(s.Until.Add(24*time.Hour - time.Nanosecond))
}

// Finding is one rule's verdict on one resource (or one input problem).
type Finding struct {
	RuleID      string       `json:"rule_id"`
	Status      Status       `json:"status"`
	Reason      Reason       `json:"reason"`
	Severity    Severity     `json:"severity"`
	Resource    Resource     `json:"resource"`
	Location    Location     `json:"location"`
	Message     Text         `json:"message"`
	Remediation Text         `json:"remediation"`
	Fingerprint string       `json:"fingerprint"`
	Suppressed  *Suppression `json:"suppressed"`
	// Notes carry caveats (Serverless v2 support unconfirmed, expired suppressions, ...).
	Notes []Text `json:"notes,omitempty"`
	// Details are rule-specific facts: window_seconds, minimum_seconds,
	// actual_window_seconds, monthly_cost_usd, ...
	Details map[string]any `json:"details,omitempty"`
	// Provenance of the deciding value, for fixers.
	Provenance []Origin `json:"provenance,omitempty"`
	// Fix is the structured way out (console steps, AWS CLI, IaC change),
	// set on every finding that is not a PASS.
	Fix *Remediation `json:"fix,omitempty"`

	// Cluster is the cluster the finding judges (nil for input problems and
	// for findings read back from a stored report). It is not serialized.
	Cluster *Cluster `json:"-"`
	// Resolution is the policy's way out, as facts; internal/fix writes the
	// remediation from it. It is not serialized: Fix carries the result.
	Resolution *Resolution `json:"-"`
}

// Fingerprint returns a stable identity for a rule on a resource: it does not
// change when the resource moves within its file, so suppressions, SARIF
// partialFingerprints and Security Hub finding IDs survive edits.
func Fingerprint(ruleID string, r Resource, root string) string {
	h := sha256.New()
	for _, p := range []string{ruleID, string(r.Kind), root, r.Type, r.Address, r.Account, r.Region, r.ARN} {
		h.Write([]byte(strings.ToLower(p)))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Summary counts findings by status.
type Summary map[Status]int

// Summarize counts findings by status; suppressed findings are counted
// separately under "suppressed" by reporters that want it.
func Summarize(fs []Finding) Summary {
	s := Summary{}
	for _, st := range Statuses {
		s[st] = 0
	}
	for _, f := range fs {
		if f.Suppressed != nil {
			continue
		}
		s[f.Status]++
	}
	return s
}

// Report is one scan's complete result, as every reporter receives it.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	Summary       Summary   `json:"summary"`
	Findings      []Finding `json:"findings"`
	Scan          ScanInfo  `json:"scan"`
	// Rules are the metadata of every rule the scan ran, so that the report
	// renders the same later, wherever it is rendered.
	Rules Rules `json:"rules,omitempty"`
}

// Tool names the producer of a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ScanInfo describes the scan itself.
type ScanInfo struct {
	Kind       string         `json:"kind"` // "iac" or "aws"
	Root       string         `json:"root,omitempty"`
	StartedAt  time.Time      `json:"started_at"`
	Duration   float64        `json:"duration_seconds"`
	MinWindow  int64          `json:"min_window_seconds"`
	Coverage   map[string]int `json:"coverage,omitempty"`
	Suppressed int            `json:"suppressed"`
	// Incomplete is true when something in scope could not be evaluated: an
	// input that did not parse, an account, region or call that could not
	// be read, an interrupted scan (each an unsuppressed KG-BT-000 finding;
	// coverage.not_evaluated counts them).
	Incomplete bool `json:"incomplete"`
	// Interrupted is true when the scan was stopped (Ctrl-C, SIGTERM, a
	// deadline) before it read everything.
	Interrupted bool `json:"interrupted"`
}

// MarshalJSON writes the counts in the order DESIGN.md shows them (PASS,
// FAIL, NOT_APPLICABLE, UNKNOWN, ERROR), not alphabetically.
func (s Summary) MarshalJSON() ([]byte, error) {
	var b []byte
	b = append(b, '{')
	for i, st := range Statuses {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, st...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, int64(s[st]), 10)
	}
	return append(b, '}'), nil
}
