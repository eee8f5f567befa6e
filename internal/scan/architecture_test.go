package scan

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/kumoguard/kumoguard/"

// imports returns the repository-internal imports of every production
// (non-test) package under internal/, keyed by package path.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		pkg := filepath.ToSlash(rel)
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if strings.HasPrefix(path, module) {
				out[pkg] = append(out[pkg], strings.TrimPrefix(path, module))
			}
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d packages under internal/", len(out))
	}
	return out
}

// TestArchitecture keeps the layering of ARCHITECTURE.md: sources build
// clusters, only policy decides, outputs only format, patch or persist; the
// scan pipeline is the one caller of the sources.
func TestArchitecture(t *testing.T) {
	all := imports(t)
	var pkgs []string
	for p := range all {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		for _, im := range all[pkg] {
			switch {
			case pkg == "internal/policy" && im != "internal/model":
				t.Errorf("policy imports %s: it may import only model", im)
			case pkg == "internal/model" && im != "":
				t.Errorf("model imports %s: it imports nothing of the project", im)
			case (pkg == "internal/report" || pkg == "internal/fix") && (im == "internal/policy" || strings.HasPrefix(im, "internal/source/")):
				t.Errorf("%s imports %s: outputs format what the policy decided, and never call a source", pkg, im)
			case strings.HasPrefix(im, "internal/source/") && pkg != "internal/scan" && !strings.HasPrefix(pkg, "internal/source/"):
				t.Errorf("%s imports %s: only the scan pipeline calls the sources", pkg, im)
			case strings.HasPrefix(pkg, "internal/source/") && strings.HasPrefix(im, "internal/source/") && !strings.HasPrefix(im, pkg):
				t.Errorf("%s imports %s: a source never imports a sibling source", pkg, im)
			case strings.HasPrefix(pkg, "internal/source/") && (im == "internal/policy" || im == "internal/report" || im == "internal/fix" || im == "internal/scan"):
				t.Errorf("%s imports %s: a source only builds clusters", pkg, im)
			}
		}
	}
}
