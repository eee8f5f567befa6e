package fix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/kumoguard/kumoguard/internal/model"
)

// seedFiles adds every file under the given testdata trees whose name ends
// with one of exts: the loaders' corpus and kumoguard's own fixtures.
func seedFiles(f *testing.F, exts []string, roots ...string) {
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			for _, e := range exts {
				if strings.HasSuffix(p, e) {
					if data, err := os.ReadFile(p); err == nil && len(data) < 1<<16 {
						f.Add(data)
					}
				}
			}
			return nil
		})
	}
}

// FuzzPatchTerraform sets every number literal of a parsable file, and adds
// the window to every aws_rds_cluster block, through patchBytes. Whatever the
// input, it must not panic, and whatever it returns must parse.
func FuzzPatchTerraform(f *testing.F) {
	seedFiles(f, []string{".tf", ".tfvars"}, "testdata", "../source/terraform/testdata", "../cli/testdata")
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := hclsyntax.ParseConfig(src, "main.tf", hcl.InitialPos)
		if diags.HasErrors() {
			return
		}
		body := file.Body.(*hclsyntax.Body)
		var ps []*planned
		n := 0
		hclsyntax.VisitAll(body, func(nd hclsyntax.Node) hcl.Diagnostics {
			if e, ok := nd.(*hclsyntax.LiteralValueExpr); ok && n < 8 {
				r := e.Range()
				n++
				ps = append(ps, &planned{change: Change{To: 86400, Location: model.Location{File: "main.tf",
					Line: r.Start.Line, Column: r.Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column}}})
			}
			return nil
		})
		for _, b := range body.Blocks {
			if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == "aws_rds_cluster" {
				ps = append(ps, &planned{change: Change{To: 86400, insert: true,
					Location: model.Location{File: "main.tf", Line: b.TypeRange.Start.Line, Column: b.TypeRange.Start.Column}}})
			}
		}
		for _, p := range ps {
			after, _, _, _ := patchBytes("main.tf", src, []*planned{p})
			if after == nil {
				continue
			}
			if err := checkHCL(after, "main.tf"); err != nil {
				t.Fatalf("patched file does not parse: %v\n%s", err, after)
			}
		}
	})
}

// FuzzPatchCloudFormation sets every scalar position that looks like a
// number and inserts the window into every resource, through patchBytes.
func FuzzPatchCloudFormation(f *testing.F) {
	seedFiles(f, []string{".yaml", ".yml", ".json", ".template"}, "testdata", "../source/cloudformation/testdata", "../cli/testdata")
	f.Fuzz(func(t *testing.T, src []byte) {
		if checkCloudFormation(src, "t.yaml") != nil {
			return
		}
		name := "t.yaml"
		if isJSON(src) {
			name = "t.json"
		}
		var ps []*planned
		// Every resource of the template, by line.
		for i, line := range strings.Split(string(src), "\n") {
			if i > 200 {
				break
			}
			trimmed := strings.TrimLeft(line, " \t")
			col := len(line) - len(trimmed) + 1
			ps = append(ps, &planned{change: Change{To: 86400, insert: true, resource: strings.Trim(strings.SplitN(trimmed, ":", 2)[0], `"' `),
				Location: model.Location{File: name, Line: i + 1, Column: col}}})
			if j := strings.IndexAny(line, "0123456789"); j >= 0 {
				ps = append(ps, &planned{change: Change{To: 86400, Location: model.Location{File: name, Line: i + 1, Column: j + 1}}})
			}
		}
		for _, p := range ps {
			after, _, _, _ := patchBytes(name, src, []*planned{p})
			if after == nil {
				continue
			}
			if err := checkCloudFormation(after, name); err != nil {
				t.Fatalf("patched template does not parse: %v\n%s", err, after)
			}
		}
	})
}
