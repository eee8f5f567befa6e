package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// GitLabSAST writes a GitLab SAST report (gl-sast-report.json, schema
// 15.x: https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/blob/master/dist/sast-report-format.json),
// for artifacts:reports:sast in .gitlab-ci.yml
// (https://docs.gitlab.com/ee/ci/yaml/artifacts_reports.html#artifactsreportssast).
// It lists what needs action: FAIL, UNKNOWN and ERROR findings that are not
// suppressed and have a file (GitLab places every SAST finding in a file;
// live findings have none, so a live scan's report lists nothing).
// Each vulnerability's id is derived from the finding's fingerprint, so
// GitLab recognises the same finding from one pipeline to the next.
var GitLabSAST = registerFormat("gitlab-sast", writeGitLabSAST)

// gitlabSchemaVersion is the report schema version written.
const gitlabSchemaVersion = "15.2.1"

type glReport struct {
	Version         string   `json:"version"`
	Scan            glScan   `json:"scan"`
	Vulnerabilities []glVuln `json:"vulnerabilities"`
}

type glScan struct {
	Analyzer  glTool `json:"analyzer"`
	Scanner   glTool `json:"scanner"`
	Type      string `json:"type"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
	Status    string `json:"status"`
}

type glTool struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	URL     string   `json:"url,omitempty"`
	Version string   `json:"version"`
	Vendor  glVendor `json:"vendor"`
}

type glVendor struct {
	Name string `json:"name"`
}

type glVuln struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Severity    string         `json:"severity"`
	Solution    string         `json:"solution,omitempty"`
	Identifiers []glIdentifier `json:"identifiers"`
	Links       []glLink       `json:"links,omitempty"`
	Location    glLocation     `json:"location"`
}

type glIdentifier struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

type glLink struct {
	URL string `json:"url"`
}

type glLocation struct {
	File      string `json:"file"`
	StartLine int    `json:"start_line,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
	Class     string `json:"class,omitempty"`
}

// gitlabSeverity maps a rule's severity to GitLab's (Critical, High,
// Medium, Low, Info, Unknown).
func gitlabSeverity(s model.Severity) string {
	switch s {
	case model.SeverityCritical:
		return "Critical"
	case model.SeverityHigh:
		return "High"
	case model.SeverityMedium:
		return "Medium"
	case model.SeverityLow:
		return "Low"
	case model.SeverityInfo:
		return "Info"
	}
	return "Unknown"
}

// gitlabTime is GitLab's scan time format: UTC, to the second, no zone.
func gitlabTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// gitlabID is a UUID-shaped id derived from the finding's fingerprint.
func gitlabID(f model.Finding) string {
	sum := sha256.Sum256([]byte(f.Fingerprint + "|" + f.RuleID + "|" + f.Location.String()))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func writeGitLabSAST(w io.Writer, r model.Report, o Options) error {
	lang := o.lang()
	tool := glTool{ID: "kumoguard", Name: firstNonEmpty(r.Tool.Name, "kumoguard"), URL: "https://github.com/kumoguard/kumoguard",
		Version: firstNonEmpty(r.Tool.Version, "dev"), Vendor: glVendor{Name: "kumoguard"}}
	start := r.Scan.StartedAt
	end := start.Add(durationOf(r.Scan.Duration))
	status := "success"
	if r.Scan.Incomplete || r.Scan.Interrupted {
		status = "failure"
	}
	rep := glReport{Version: gitlabSchemaVersion,
		Scan:            glScan{Analyzer: tool, Scanner: tool, Type: "sast", StartTime: gitlabTime(start), EndTime: gitlabTime(end), Status: status},
		Vulnerabilities: []glVuln{}}
	for _, f := range r.Findings {
		if !needsAction(f) || f.Location.File == "" {
			continue
		}
		rule := r.Rules.Lookup(f.RuleID)
		sev := f.Severity
		if sev == "" && rule != nil {
			sev = rule.Severity
		}
		name := oneLine(ruleTitle(r.Rules, f.RuleID, lang))
		if name == "" {
			name = f.RuleID
		}
		desc := oneLine(f.Message.In(lang))
		if res := resourceLabel(f); res != "" {
			desc = res + ": " + desc
		}
		v := glVuln{ID: gitlabID(f), Name: truncateRunes(withoutControls(f.RuleID+" "+name), 255),
			Description: withoutControls(desc), Severity: gitlabSeverity(sev),
			Solution:    withoutControls(gitlabSolution(f, lang)),
			Identifiers: []glIdentifier{{Type: "kumoguard_rule_id", Name: f.RuleID, Value: f.RuleID}},
			Location:    glLocation{File: f.Location.File, StartLine: f.Location.Line, EndLine: max(f.Location.EndLine, f.Location.Line), Class: f.Resource.Address},
		}
		if rule != nil && rule.HelpURI != "" {
			v.Identifiers[0].URL = rule.HelpURI
			v.Links = append(v.Links, glLink{URL: rule.HelpURI})
		}
		rep.Vulnerabilities = append(rep.Vulnerabilities, v)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// gitlabSolution is the remediation in one paragraph: the summary, the code
// change and the first command.
func gitlabSolution(f model.Finding, lang string) string {
	lines := tableFixLines(f, lang)
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
