package model

// RuleInfo is the metadata of one rule, as a report carries it: a report
// rendered later (from a store, or by another version) shows the rules it
// was made with.
type RuleInfo struct {
	ID         string   `json:"id"`
	Title      Text     `json:"title"`
	Severity   Severity `json:"severity"`
	Rationale  Text     `json:"rationale"`
	Help       Text     `json:"help"`
	HelpURI    string   `json:"help_uri"`
	References []string `json:"references,omitempty"`
	// SecuritySeverity is the CVSS-like score GitHub code scanning reads from SARIF.
	SecuritySeverity string `json:"security_severity"`
	// Live is true for rules that need a running cluster.
	Live bool `json:"live"`
}

// Rules is a report's rule metadata, ordered by ID.
type Rules []RuleInfo

// Lookup returns the rule with that ID, or nil.
func (rs Rules) Lookup(id string) *RuleInfo {
	for i := range rs {
		if rs[i].ID == id {
			return &rs[i]
		}
	}
	return nil
}
