package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/kumoguard/kumoguard/internal/model"
)

// commentIndex holds a file's comments by line, from hclsyntax's lexer.
type commentIndex struct {
	// byEndLine maps the last line of a comment to the comment.
	byEndLine map[int][]comment
	// byStartLine maps the first line of a comment to the comment.
	byStartLine map[int][]comment
	// code marks lines holding a token other than a comment or a newline.
	code map[int]bool
}

type comment struct {
	text      string
	rng       hcl.Range
	startLine int
	endLine   int
}

func indexComments(src []byte, rel string) *commentIndex {
	toks, _ := hclsyntax.LexConfig(src, rel, hcl.InitialPos)
	ci := &commentIndex{byEndLine: map[int][]comment{}, byStartLine: map[int][]comment{}, code: map[int]bool{}}
	for _, t := range toks {
		switch t.Type {
		case hclsyntax.TokenComment:
			text := string(t.Bytes)
			end := t.Range.End.Line
			// A line comment's token includes its newline.
			if strings.HasSuffix(text, "\n") && end > t.Range.Start.Line {
				end--
			}
			if t.Range.End.Column == 1 && end > t.Range.Start.Line && !strings.HasSuffix(text, "\n") {
				end--
			}
			c := comment{text: strings.TrimRight(text, "\r\n"), rng: t.Range, startLine: t.Range.Start.Line, endLine: end}
			ci.byEndLine[end] = append(ci.byEndLine[end], c)
			ci.byStartLine[c.startLine] = append(ci.byStartLine[c.startLine], c)
		case hclsyntax.TokenNewline, hclsyntax.TokenEOF:
		default:
			for l := t.Range.Start.Line; l <= t.Range.End.Line; l++ {
				ci.code[l] = true
			}
		}
	}
	return ci
}

// directivesFor returns the comments that apply to a block starting on line:
// those on the line itself and the run of comment-only lines directly above.
func (ci *commentIndex) directivesFor(line int) []comment {
	if ci == nil {
		return nil
	}
	var out []comment
	out = append(out, ci.byStartLine[line]...)
	cur := line - 1
	for cur > 0 {
		cs := ci.byEndLine[cur]
		if len(cs) == 0 || ci.code[cur] {
			break
		}
		c := cs[len(cs)-1]
		if ci.code[c.startLine] {
			// A comment trailing code on the line above is not about this block.
			break
		}
		out = append(out, c)
		cur = c.startLine - 1
	}
	return out
}

// suppressions parses the kumoguard:ignore directives of a resource block.
func (root *rootModule) suppressions(r *resourceDecl) []model.Suppression {
	if r.file == nil || r.file.comments == nil {
		return nil
	}
	var out []model.Suppression
	for _, c := range r.file.comments.directivesFor(r.decl.Start.Line) {
		l := loc(c.rng)
		l.EndLine, l.EndColumn = 0, 0
		sups, found, err := model.ParseIgnoreComment(c.text, l)
		if !found {
			continue
		}
		if err != nil {
			key := "sup|" + l.String()
			if !root.reported[key] {
				root.reported[key] = true
				root.diags = append(root.diags, model.Diagnostic{
					Status:   model.StatusError,
					Reason:   model.ReasonParseError,
					Location: l,
					Resource: model.Resource{Kind: model.SourceTerraform, Type: r.typ, Address: r.addr()},
					Message: model.T("Malformed kumoguard:ignore directive: %s",
						"kumoguard:ignore ディレクティブの書式が不正です：%s", err), // a model.DirectiveError: each language its own
					Remediation: model.T(`Write it as: # kumoguard:ignore KG-BT-001 reason="why this is accepted" until=2027-03-31 (until is optional).`,
						`次の形式で記述してください：# kumoguard:ignore KG-BT-001 reason="許容する理由" until=2027-03-31（until は省略可）。`),
				})
			}
			continue
		}
		out = append(out, sups...)
	}
	// Checkov reads its skips inside the resource's block
	// (https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html).
	if sb, ok := r.body.(*hclsyntax.Body); ok {
		for line := r.decl.Start.Line; line <= sb.SrcRange.End.Line; line++ {
			for _, c := range r.file.comments.byStartLine[line] {
				l := loc(c.rng)
				l.EndLine, l.EndColumn = 0, 0
				out = append(out, model.ParseCheckovSkipComment(c.text, l)...)
			}
		}
	}
	return out
}
