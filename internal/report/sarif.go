package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"unicode"

	"github.com/kumoguard/kumoguard/internal/model"
)

// SARIF writes a SARIF 2.1.0 log for GitHub code scanning and other SARIF
// consumers: one reportingDescriptor per KG-BT rule (every rule of
// the report's rules, KG-BT-000 included, whether or not it has results), and
// results for FAIL, UNKNOWN and ERROR findings only. PASS and NOT_APPLICABLE
// are not results: code scanning would list them as alerts (SARIF's
// kind "pass"/"notApplicable" results are not shown by GitHub and only bloat
// the upload); the JSON report keeps them.
//
// The structures below are written with encoding/json rather than
// github.com/owenrumney/go-sarif: kumoguard emits a small, fixed subset of
// SARIF (one run, rules, results, suppressions), plain structs give a stable
// key order and exactly the fields wanted (no empty objects, no "$schema"
// we do not choose), and adding a module to go.mod for ~100 lines of types
// is not worth the dependency. The output is validated against the official
// OASIS schema in sarif_test.go.
var SARIF = registerFormat("sarif", writeSARIF, Needs{Edits: true})

const (
	sarifVersion   = "2.1.0"
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifSrcRoot is the uriBaseId every file location is relative to.
	sarifSrcRoot = "%SRCROOT%"
	// sarifFingerprintKey versions kumoguard's partial fingerprint.
	sarifFingerprintKey = "kumoguard/v1"
	informationURI      = "https://github.com/kumoguard/kumoguard"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Invocations        []sarifInvocation           `json:"invocations"`
	Language           string                      `json:"language"`
	ColumnKind         string                      `json:"columnKind"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds"`
	AutomationDetails  *sarifAutomationDetails     `json:"automationDetails,omitempty"`
	Results            []sarifResult               `json:"results"`
	Properties         map[string]any              `json:"properties,omitempty"`
}

type sarifAutomationDetails struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      sarifMessage       `json:"fullDescription"`
	Help                 sarifMessage       `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	ProblemSeverity  string   `json:"problem.severity"`
	Severity         string   `json:"kumoguard/severity"`
	References       []string `json:"kumoguard/references,omitempty"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool   `json:"executionSuccessful"`
	StartTimeUTC        string `json:"startTimeUtc,omitempty"`
	EndTimeUTC          string `json:"endTimeUtc,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           *int               `json:"ruleIndex,omitempty"`
	Kind                string             `json:"kind"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Fixes               []sarifFix         `json:"fixes,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifResultProps struct {
	Status   model.Status   `json:"kumoguard/status"`
	Reason   model.Reason   `json:"kumoguard/reason"`
	Severity model.Severity `json:"kumoguard/severity"`
	Resource model.Resource `json:"kumoguard/resource"`
}

type sarifLocation struct {
	ID               int                    `json:"id,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string         `json:"kind"`
	Status        string         `json:"status"`
	Justification string         `json:"justification"`
	Location      *sarifLocation `json:"location,omitempty"`
	Properties    map[string]any `json:"properties,omitempty"`
}

func writeSARIF(w io.Writer, r model.Report, o Options) error {
	lang := o.lang()
	rules := r.Rules
	ruleIndex := map[string]int{}
	driver := sarifDriver{
		Name:            firstNonEmpty(r.Tool.Name, "kumoguard"),
		Version:         r.Tool.Version,
		SemanticVersion: semanticVersion(r.Tool.Version),
		InformationURI:  informationURI,
		Rules:           []sarifRule{},
	}
	for i, rule := range rules {
		ruleIndex[rule.ID] = i
		driver.Rules = append(driver.Rules, sarifRuleOf(rule, lang))
	}

	run := sarifRun{
		Tool:               sarifTool{Driver: driver},
		Invocations:        []sarifInvocation{sarifInvocationOf(r)},
		Language:           map[string]string{"ja": "ja-JP", "en": "en-US"}[lang],
		ColumnKind:         "unicodeCodePoints",
		OriginalURIBaseIDs: map[string]sarifArtifactLoc{sarifSrcRoot: srcRootOf(r.Scan.Root)},
		Results:            []sarifResult{},
	}
	if r.Scan.Kind != "" {
		// GitHub code scanning keeps one set of alerts per automation id, so
		// IaC and live uploads do not close each other's alerts.
		run.AutomationDetails = &sarifAutomationDetails{ID: "kumoguard/" + r.Scan.Kind + "/"}
	}
	for _, f := range r.Findings {
		// Only FAIL, UNKNOWN and ERROR become results (see the SARIF comment).
		switch f.Status {
		case model.StatusFail, model.StatusUnknown, model.StatusError:
		default:
			continue
		}
		res := sarifResultOf(f, r.Scan.Root, lang)
		if i, ok := ruleIndex[f.RuleID]; ok {
			res.RuleIndex = &i
		}
		run.Results = append(run.Results, res)
	}

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleOf(rule model.RuleInfo, lang string) sarifRule {
	level := levelOfSeverity(rule.Severity)
	help := rule.Help.In(lang)
	var md strings.Builder
	fmt.Fprintf(&md, "**%s**\n\n%s\n\n%s", markdownText(rule.Title.In(lang)), markdownText(rule.Rationale.In(lang)), markdownText(help))
	text := help
	if len(rule.References) > 0 {
		md.WriteString("\n\n")
		text += "\n"
		for _, ref := range rule.References {
			fmt.Fprintf(&md, "- <%s>\n", ref)
			text += "\n- " + ref
		}
	}
	return sarifRule{
		ID:                   rule.ID,
		Name:                 ruleName(rule.Title.EN),
		ShortDescription:     sarifMessage{Text: rule.Title.In(lang)},
		FullDescription:      sarifMessage{Text: rule.Rationale.In(lang)},
		Help:                 sarifMessage{Text: text, Markdown: strings.TrimRight(md.String(), "\n")},
		HelpURI:              rule.HelpURI,
		DefaultConfiguration: sarifConfiguration{Level: level},
		Properties: sarifRuleProps{
			SecuritySeverity: rule.SecuritySeverity,
			// "security" makes GitHub show the alert as a security alert and
			// read security-severity.
			Tags: []string{"security", "aws", "aurora-mysql", "backtrack"},
			// The rules read configuration, not heuristics: a FAIL is a FAIL.
			Precision:       "very-high",
			ProblemSeverity: map[string]string{"error": "error", "warning": "warning", "note": "recommendation"}[level],
			Severity:        string(rule.Severity),
			References:      rule.References,
		},
	}
}

// levelOfSeverity maps a rule severity to a SARIF level: HIGH and CRITICAL
// are errors, MEDIUM warnings, LOW and INFO notes.
func levelOfSeverity(s model.Severity) string {
	switch s {
	case model.SeverityCritical, model.SeverityHigh:
		return "error"
	case model.SeverityMedium:
		return "warning"
	}
	return "note"
}

func sarifResultOf(f model.Finding, root, lang string) sarifResult {
	// kind is "fail" for all three statuses. SARIF 2.1.0 section 3.27.9
	// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) requires level
	// "none" for any other kind, which code scanning would hide; an UNKNOWN
	// (not evaluated) must stay visible as a warning, and an ERROR (broken
	// input) as an error. kumoguard/status in the properties says which.
	level := "warning"
	switch f.Status {
	case model.StatusFail:
		level = levelOfSeverity(f.Severity)
	case model.StatusError:
		level = "error"
	case model.StatusUnknown:
		level = "warning"
	}
	res := sarifResult{
		RuleID:              f.RuleID,
		Kind:                "fail",
		Level:               level,
		Message:             sarifMessageOf(f, lang),
		Locations:           []sarifLocation{sarifLocationOf(f)},
		PartialFingerprints: map[string]string{sarifFingerprintKey: f.Fingerprint},
		Properties:          sarifResultProps{Status: f.Status, Reason: f.Reason, Severity: f.Severity, Resource: f.Resource},
		Fixes:               sarifFixesOf(f, lang),
		RelatedLocations:    sarifRelatedOf(f, lang),
	}
	if s := f.Suppressed; s != nil {
		sup := sarifSuppression{
			Kind:          "external",
			Status:        "accepted",
			Justification: strings.TrimSpace(s.Reason + " " + untilSuffix(s)),
			Properties:    map[string]any{"kumoguard/source": s.Source},
		}
		if s.Source == "inline" || s.Source == "metadata" {
			// Written in the scanned file itself, next to the resource.
			sup.Kind = "inSource"
		}
		if s.Until != nil {
			sup.Properties["kumoguard/until"] = s.Until.UTC().Format("2006-01-02")
		}
		if s.Pattern != "" {
			sup.Properties["kumoguard/pattern"] = s.Pattern
		}
		if s.Location.File != "" {
			loc := sarifLocation{PhysicalLocation: physicalLocation(s.Location)}
			sup.Location = &loc
		}
		res.Suppressions = []sarifSuppression{sup}
	}
	return res
}

// untilSuffix is "(until 2027-03-31)" in English: SARIF justifications are
// read by tools as much as by people.
func untilSuffix(s *model.Suppression) string {
	if s.Until == nil {
		return ""
	}
	return "(until " + s.Until.UTC().Format("2006-01-02") + ")"
}

// sarifMessageOf is the message in the language, with the remediation and
// notes: plain in text, formatted in markdown.
func sarifMessageOf(f model.Finding, lang string) sarifMessage {
	text := f.Message.In(lang)
	md := markdownText(text)
	if !f.Remediation.IsZero() {
		rem := f.Remediation.In(lang)
		text += "\n" + words.Fix.In(lang) + ": " + rem
		md += "\n\n**" + words.Fix.In(lang) + ":** " + markdownText(rem)
	}
	for _, n := range f.Notes {
		text += "\n" + words.Note.In(lang) + ": " + n.In(lang)
		md += "\n\n_" + words.Note.In(lang) + ":_ " + markdownText(n.In(lang))
	}
	return sarifMessage{Text: text, Markdown: md}
}

// sarifRelatedOf lists the other places of a Terraform finding's
// provenance (where the module uses the value, the module call it enters
// by, the module default that applies), so a reader sees both the root's
// definition (the result's location) and the module's side.
func sarifRelatedOf(f model.Finding, lang string) []sarifLocation {
	if f.Resource.Kind != model.SourceTerraform {
		return nil
	}
	var out []sarifLocation
	for _, o := range f.Provenance {
		l := o.Location
		if l.File == "" || (l.File == f.Location.File && l.Line == f.Location.Line && l.Column == f.Location.Column) {
			continue
		}
		out = append(out, sarifLocation{ID: len(out) + 1, Message: &sarifMessage{Text: originStep(o).In(lang)},
			PhysicalLocation: physicalLocation(l)})
	}
	return out
}

// originStep names one provenance step.
func originStep(o model.Origin) model.Text {
	var t model.Text
	switch o.Kind {
	case model.OriginAttribute:
		t = model.T("used as %s", "%s として使用", o.Name)
	case model.OriginModuleArgument:
		t = model.T("module argument %s", "モジュール引数 %s", o.Name)
	case model.OriginModuleCall:
		t = model.T("module call that does not set %s", "%s を設定していないモジュール呼び出し", o.Name)
	case model.OriginVariableDefault:
		t = model.T("default of variable %q", "変数 %q の既定値", o.Name)
	case model.OriginVarFile:
		t = model.T("%s in a variable file", "変数ファイルの %s", o.Name)
	case model.OriginLocal:
		t = model.T("local.%s", "local.%s", o.Name)
	default:
		t = model.T("%s %s", "%s %s", o.Kind, o.Name)
	}
	if o.Expression != "" {
		t = model.Text{EN: t.EN + " = " + o.Expression, JA: t.JA + " = " + o.Expression}
	}
	return t
}

// sarifLocationOf places a finding: a file region for IaC, a logical
// location (the ARN) for live resources. IaC findings also carry the resource
// address as a logical location.
func sarifLocationOf(f model.Finding) sarifLocation {
	var loc sarifLocation
	if f.Location.File != "" {
		loc.PhysicalLocation = physicalLocation(f.Location)
		if f.Resource.Address != "" {
			loc.LogicalLocations = []sarifLogicalLocation{{
				Name: f.Resource.Name, FullyQualifiedName: f.Resource.Address, Kind: "resource"}}
			// The root module (or top template) the resource belongs to:
			// a shared module's resource is one result per root.
			if r := f.Resource.Root; r != "" && r != "." {
				loc.LogicalLocations[0].FullyQualifiedName = r + "::" + f.Resource.Address
				loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{Name: r, FullyQualifiedName: r, Kind: "module"})
			}
		}
		return loc
	}
	fqn := firstNonEmpty(arnOf(f), f.Resource.Address, f.Location.String(), f.Resource.Name)
	if fqn == "" {
		fqn = f.RuleID
	}
	loc.LogicalLocations = []sarifLogicalLocation{{Name: f.Resource.Name, FullyQualifiedName: fqn, Kind: "resource"}}
	return loc
}

func physicalLocation(l model.Location) *sarifPhysicalLocation {
	p := &sarifPhysicalLocation{ArtifactLocation: artifactLocation(l.File)}
	if l.Line > 0 {
		reg := &sarifRegion{StartLine: l.Line, StartColumn: l.Column}
		if l.EndLine >= l.Line {
			reg.EndLine = l.EndLine
			if l.EndColumn > 0 && (l.EndLine > l.Line || l.EndColumn >= l.Column) {
				reg.EndColumn = l.EndColumn
			}
		}
		p.Region = reg
	}
	return p
}

// artifactLocation turns a scan-root-relative path into a URI relative to
// %SRCROOT%: forward slashes, each segment percent-escaped. An absolute path
// (which sources should not produce) becomes a file:// URI.
func artifactLocation(file string) sarifArtifactLoc {
	p := strings.ReplaceAll(file, `\`, "/")
	if strings.HasPrefix(p, "/") || isWindowsAbs(p) {
		return sarifArtifactLoc{URI: fileURI(p)}
	}
	p = path.Clean(p)
	p = strings.TrimPrefix(p, "./")
	return sarifArtifactLoc{URI: escapePath(p), URIBaseID: sarifSrcRoot}
}

func isWindowsAbs(p string) bool {
	return len(p) >= 3 && p[1] == ':' && p[2] == '/' && unicode.IsLetter(rune(p[0]))
}

func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func fileURI(abs string) string {
	if !strings.HasPrefix(abs, "/") {
		abs = "/" + abs
	}
	return "file://" + escapePath(abs)
}

// srcRootOf describes %SRCROOT%: the scan root as a file URI when it is
// absolute; otherwise left for the consumer to set (SARIF 2.1.0 section 3.14.14), as
// GitHub code scanning does with the checkout directory.
func srcRootOf(root string) sarifArtifactLoc {
	r := strings.ReplaceAll(root, `\`, "/")
	if strings.HasPrefix(r, "/") || isWindowsAbs(r) {
		u := fileURI(path.Clean(r))
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		return sarifArtifactLoc{URI: u}
	}
	desc := "The directory the scan was run on."
	if r != "" {
		desc = fmt.Sprintf("The directory the scan was run on (%s).", r)
	}
	return sarifArtifactLoc{Description: &sarifMessage{Text: desc}}
}

func sarifInvocationOf(r model.Report) sarifInvocation {
	// The scan ran to the end: input problems are ERROR results, not a
	// failed execution.
	inv := sarifInvocation{ExecutionSuccessful: true}
	if !r.Scan.StartedAt.IsZero() {
		start := r.Scan.StartedAt.UTC()
		inv.StartTimeUTC = start.Format("2006-01-02T15:04:05.000Z")
		end := start.Add(durationOf(r.Scan.Duration))
		inv.EndTimeUTC = end.Format("2006-01-02T15:04:05.000Z")
	}
	return inv
}

// ruleName makes a SARIF rule name from an English title:
// "Aurora MySQL cluster has backtracking enabled" →
// "AuroraMySQLClusterHasBacktrackingEnabled".
func ruleName(title string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(word)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return b.String()
}

// semanticVersion is the version without a leading "v" when it is a
// semantic version (1.2.3, 1.2.3-rc.1+build), else "".
func semanticVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	core, _, _ := strings.Cut(v, "+")
	core, _, _ = strings.Cut(core, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return ""
	}
	for _, p := range parts {
		if p == "" || strings.TrimFunc(p, unicode.IsDigit) != "" {
			return ""
		}
	}
	return v
}
