package report

import (
	"fmt"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// The structured remediation (model.Remediation, computed by internal/fix)
// is shown by each human format at the depth it can carry: the table gives
// the summary, the code change and the first command; markdown gives
// everything; SARIF carries the exact text edits as fixes.

// firstCommand is the first AWS CLI command that changes or reads the
// cluster (the account check that opens every list is skipped).
func firstCommand(r *model.Remediation) (string, int) {
	for i, c := range r.CLI {
		if strings.HasPrefix(c.Command, "aws sts get-caller-identity") {
			continue
		}
		return c.Command, len(r.CLI) - i - 1
	}
	return "", 0
}

// tableFixLines are the lines under a finding in the table.
func tableFixLines(f model.Finding, lang string) []string {
	r := f.Fix
	if r == nil || r.Path == model.PathNone || r.Summary.IsZero() {
		if f.Remediation.IsZero() {
			return nil
		}
		return []string{words.Fix.In(lang) + ": " + terminalText(f.Remediation.In(lang))}
	}
	out := []string{words.Fix.In(lang) + ": " + terminalText(r.Summary.In(lang))}
	for _, ch := range r.IaC {
		out = append(out, words.FixCode.In(lang)+": "+terminalText(ch.Description.In(lang)))
	}
	if cmd, more := firstCommand(r); cmd != "" {
		line := words.FixCLI.In(lang) + ": " + terminalText(cmd)
		if more > 0 {
			line += " " + fmt.Sprintf(words.FixMoreCommands.In(lang), more)
		}
		out = append(out, line)
	}
	if r.Runbook != "" {
		out = append(out, words.FixRunbook.In(lang)+": "+terminalText(r.Runbook))
	}
	return out
}

// markdownFix renders the whole remediation as an indented block of a list
// item: summary, console steps, code change, commands, runbook.
func markdownFix(f model.Finding, lang string) string {
	r := f.Fix
	if r == nil || r.Summary.IsZero() {
		if f.Remediation.IsZero() {
			return ""
		}
		return "  " + markdownText(oneLine(f.Remediation.In(lang))) + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  %s\n", markdownText(oneLine(r.Summary.In(lang))))
	if len(r.Console) > 0 {
		fmt.Fprintf(&b, "\n  **%s**\n\n", words.FixConsole.In(lang))
		for i, st := range r.Console {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, markdownText(oneLine(st.In(lang))))
		}
	}
	for _, ch := range r.IaC {
		fmt.Fprintf(&b, "\n  **%s**: %s\n", words.FixCode.In(lang), markdownText(oneLine(ch.Description.In(lang))))
		if strings.TrimSpace(ch.Snippet) != "" {
			lang := "hcl"
			if ch.Kind == model.SourceCloudFormation {
				lang = "yaml"
			}
			fmt.Fprintf(&b, "\n  ```%s\n%s  ```\n", lang, indentBlock(ch.Snippet, "  "))
		}
	}
	if len(r.CLI) > 0 {
		fmt.Fprintf(&b, "\n  **%s**\n\n  ```sh\n", words.FixCLI.In(lang))
		for _, c := range r.CLI {
			if p := oneLine(c.Purpose.In(lang)); p != "" {
				fmt.Fprintf(&b, "  # %s\n", p)
			}
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(c.Command, "```", "'''"))
		}
		b.WriteString("  ```\n")
	}
	if r.Runbook != "" {
		fmt.Fprintf(&b, "\n  **%s**: %s\n", words.FixRunbook.In(lang), markdownCode(r.Runbook, false))
	}
	return b.String()
}

func indentBlock(s, prefix string) string {
	s = strings.ReplaceAll(strings.TrimRight(s, "\n"), "```", "'''")
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		b.WriteString(prefix + l + "\n")
	}
	return b.String()
}

// SARIF fixes (SARIF 2.1.0 section 3.55): the exact edits `kumoguard fix` would make.
type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifFixRegion   `json:"deletedRegion"`
	InsertedContent *sarifFixContent `json:"insertedContent,omitempty"`
}

type sarifFixRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifFixContent struct {
	Text string `json:"text"`
}

func sarifFixesOf(f model.Finding, lang string) []sarifFix {
	if f.Fix == nil {
		return nil
	}
	var out []sarifFix
	for _, ch := range f.Fix.IaC {
		if len(ch.Edits) == 0 {
			continue
		}
		byFile := map[string]*sarifArtifactChange{}
		var order []string
		for _, e := range ch.Edits {
			ac, ok := byFile[e.File]
			if !ok {
				ac = &sarifArtifactChange{ArtifactLocation: artifactLocation(e.File)}
				byFile[e.File] = ac
				order = append(order, e.File)
			}
			rep := sarifReplacement{DeletedRegion: sarifFixRegion{e.StartLine, e.StartColumn, e.EndLine, e.EndColumn}}
			if e.Insert != "" {
				rep.InsertedContent = &sarifFixContent{Text: e.Insert}
			}
			ac.Replacements = append(ac.Replacements, rep)
		}
		fx := sarifFix{Description: sarifMessage{Text: ch.Description.In(lang)}}
		for _, file := range order {
			fx.ArtifactChanges = append(fx.ArtifactChanges, *byFile[file])
		}
		out = append(out, fx)
	}
	return out
}
