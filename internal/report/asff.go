package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kumoguard/kumoguard/internal/model"
)

// ASFF writes findings in the AWS Security Finding Format: a JSON array of
// AwsSecurityFinding objects, ready for `aws securityhub
// batch-import-findings --findings file://…` (at most 100 per call) or for
// the --security-hub importer. Finding IDs are stable (rule + fingerprint), so
// a re-import updates a finding instead of duplicating it.
//
// Findings without an account or region (IaC) get the defaults passed to
// ASFFWith; the registered "asff" format has none and leaves them empty.
var ASFF = registerFormat("asff", ASFFWith(ASFFDefaults{}))

// ASFFDefaults fill what a finding does not say: the account and region that
// own the Security Hub product (the importing caller's).
type ASFFDefaults struct {
	Account   string
	Region    string
	Partition string // "aws" when empty
}

// ASFFWith returns the ASFF reporter with the given defaults.
func ASFFWith(d ASFFDefaults) Reporter {
	return func(w io.Writer, r model.Report, o Options) error {
		fs := ASFFFindings(r, d, o.lang())
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(fs)
	}
}

// ASFFFinding is one AwsSecurityFinding. Field names are ASFF's own, which
// are also the Go SDK's securityhub/types field names, so a JSON round trip
// turns it into types.AwsSecurityFinding.
type ASFFFinding struct {
	SchemaVersion string            `json:"SchemaVersion"`
	Id            string            `json:"Id"`
	ProductArn    string            `json:"ProductArn"`
	ProductName   string            `json:"ProductName"`
	CompanyName   string            `json:"CompanyName"`
	GeneratorId   string            `json:"GeneratorId"`
	AwsAccountId  string            `json:"AwsAccountId"`
	Region        string            `json:"Region,omitempty"`
	Types         []string          `json:"Types"`
	CreatedAt     string            `json:"CreatedAt"`
	UpdatedAt     string            `json:"UpdatedAt"`
	Severity      ASFFSeverity      `json:"Severity"`
	Title         string            `json:"Title"`
	Description   string            `json:"Description"`
	Remediation   *ASFFRemediation  `json:"Remediation,omitempty"`
	SourceUrl     string            `json:"SourceUrl,omitempty"`
	ProductFields map[string]string `json:"ProductFields,omitempty"`
	Resources     []ASFFResource    `json:"Resources"`
	Compliance    ASFFCompliance    `json:"Compliance"`
	Workflow      ASFFWorkflow      `json:"Workflow"`
	RecordState   string            `json:"RecordState"`
}

// ASFFSeverity is the finding's severity.
type ASFFSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// ASFFRemediation holds the recommendation.
type ASFFRemediation struct {
	Recommendation struct {
		Text string `json:"Text,omitempty"`
		Url  string `json:"Url,omitempty"`
	} `json:"Recommendation"`
}

// ASFFResource is the resource a finding is about.
type ASFFResource struct {
	Type      string `json:"Type"`
	Id        string `json:"Id"`
	Partition string `json:"Partition,omitempty"`
	Region    string `json:"Region,omitempty"`
}

// ASFFCompliance is PASSED, FAILED, WARNING or NOT_AVAILABLE.
type ASFFCompliance struct {
	Status        string             `json:"Status"`
	StatusReasons []ASFFStatusReason `json:"StatusReasons,omitempty"`
}

// ASFFStatusReason carries kumoguard's reason code.
type ASFFStatusReason struct {
	ReasonCode  string `json:"ReasonCode"`
	Description string `json:"Description,omitempty"`
}

// ASFFWorkflow marks suppressed findings.
type ASFFWorkflow struct {
	Status string `json:"Status"`
}

// ASFF field limits (AwsSecurityFinding reference).
const (
	asffTitleMax       = 256
	asffDescriptionMax = 1024
	asffRemediationMax = 512
	asffFieldValueMax  = 2048
	asffFieldsMax      = 50
)

// ASFFFindingID returns the stable Security Hub ID of a finding.
func ASFFFindingID(f model.Finding) string {
	return "kumoguard/" + f.RuleID + "/" + strings.TrimPrefix(f.Fingerprint, "sha256:")
}

// ASFFFindings converts a report's findings.
func ASFFFindings(r model.Report, d ASFFDefaults, lang string) []ASFFFinding {
	ts := r.Scan.StartedAt
	if ts.IsZero() {
		ts = time.Unix(0, 0)
	}
	stamp := ts.UTC().Format(time.RFC3339Nano)
	out := make([]ASFFFinding, 0, len(r.Findings))
	for _, f := range r.Findings {
		acct := firstNonEmpty(accountOf(f), d.Account)
		region := firstNonEmpty(regionOf(f), d.Region)
		part := firstNonEmpty(partitionOfARN(arnOf(f)), d.Partition, "aws")
		a := ASFFFinding{
			SchemaVersion: "2018-10-08",
			Id:            ASFFFindingID(f),
			ProductArn:    fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", part, region, acct, acct),
			ProductName:   "kumoguard",
			CompanyName:   "kumoguard",
			GeneratorId:   "kumoguard/" + f.RuleID,
			AwsAccountId:  acct,
			Region:        region,
			Types:         []string{"Software and Configuration Checks/AWS Security Best Practices"},
			CreatedAt:     stamp,
			UpdatedAt:     stamp,
			Severity:      ASFFSeverity{Label: asffSeverity(f), Original: string(f.Severity)},
			Title:         clipRunes(f.RuleID+" "+ruleTitle(r.Rules, f.RuleID, lang), asffTitleMax),
			Description:   clipRunes(asffDescription(f, lang), asffDescriptionMax),
			Resources:     []ASFFResource{asffResource(f, part, region)},
			Compliance: ASFFCompliance{Status: asffCompliance(f.Status),
				StatusReasons: []ASFFStatusReason{{ReasonCode: string(f.Reason), Description: clipRunes(oneLine(f.Message.In(lang)), 2048)}}},
			Workflow:    ASFFWorkflow{Status: "NEW"},
			RecordState: "ACTIVE",
		}
		if f.Suppressed != nil {
			a.Workflow.Status = "SUPPRESSED"
		}
		if rule := r.Rules.Lookup(f.RuleID); rule != nil && rule.HelpURI != "" {
			a.SourceUrl = rule.HelpURI
		}
		if t := f.Remediation.In(lang); t != "" || a.SourceUrl != "" {
			a.Remediation = &ASFFRemediation{}
			a.Remediation.Recommendation.Text = clipRunes(oneLine(t), asffRemediationMax)
			a.Remediation.Recommendation.Url = a.SourceUrl
		}
		a.ProductFields = asffFields(f)
		out = append(out, a)
	}
	return out
}

func asffDescription(f model.Finding, lang string) string {
	parts := []string{f.Message.In(lang)}
	for _, n := range f.Notes {
		parts = append(parts, n.In(lang))
	}
	if loc := f.Location.String(); f.Location.File != "" {
		parts = append(parts, loc)
	}
	return oneLine(strings.Join(parts, " "))
}

// asffSeverity: a FAIL carries the rule's severity; what passed or does not
// apply is informational; what could not be evaluated is low.
func asffSeverity(f model.Finding) string {
	switch f.Status {
	case model.StatusFail:
		switch f.Severity {
		case model.SeverityCritical, model.SeverityHigh, model.SeverityMedium, model.SeverityLow:
			return string(f.Severity)
		}
		return "MEDIUM"
	case model.StatusError:
		return "MEDIUM"
	case model.StatusUnknown:
		return "LOW"
	}
	return "INFORMATIONAL"
}

// asffCompliance maps statuses onto Security Hub's: NOT_AVAILABLE is "could
// not be performed, or not applicable"; WARNING is "information missing".
func asffCompliance(s model.Status) string {
	switch s {
	case model.StatusPass:
		return "PASSED"
	case model.StatusFail:
		return "FAILED"
	case model.StatusUnknown:
		return "WARNING"
	}
	return "NOT_AVAILABLE"
}

func asffResource(f model.Finding, partition, region string) ASFFResource {
	res := ASFFResource{Partition: partition, Region: region}
	switch {
	case arnOf(f) != "":
		res.Type, res.Id = "AwsRdsDbCluster", arnOf(f)
	case f.Resource.Kind == model.SourceAWS && accountOf(f) != "":
		res.Type, res.Id = "AwsAccount", "AWS::::Account:"+accountOf(f)
	default:
		res.Type = "Other"
		res.Id = firstNonEmpty(f.Resource.Address, f.Location.String(), f.Resource.Name, "kumoguard")
		if f.Location.File != "" {
			res.Id = f.Location.File + "#" + f.Resource.Address
		}
	}
	res.Id = clipRunes(res.Id, 512)
	return res
}

// asffFields flattens rule, status, reason and details into ProductFields
// (string values, at most 50 pairs).
func asffFields(f model.Finding) map[string]string {
	m := map[string]string{
		"kumoguard/RuleId": f.RuleID,
		"kumoguard/Status": string(f.Status),
		"kumoguard/Reason": string(f.Reason),
	}
	if f.Resource.Address != "" {
		m["kumoguard/Address"] = clipRunes(f.Resource.Address, asffFieldValueMax)
	}
	keys := make([]string, 0, len(f.Details))
	for k := range f.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(m) >= asffFieldsMax {
			break
		}
		v := f.Details[k]
		s := "null"
		if v != nil {
			if b, err := json.Marshal(v); err == nil {
				s = strings.Trim(string(b), `"`)
			} else {
				s = fmt.Sprint(v)
			}
		}
		m["kumoguard/details/"+clipRunes(k, 100)] = clipRunes(s, asffFieldValueMax)
	}
	return m
}

func partitionOfARN(arn string) string {
	if p := strings.SplitN(arn, ":", 3); len(p) == 3 && p[0] == "arn" {
		return p[1]
	}
	return ""
}

// clipRunes cuts s to at most n characters, never inside a UTF-8 sequence.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
