package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneSpellingPerTerm reads every Go source and golden file under
// internal/ and fails on a Japanese spelling Terms replaced.
func TestOneSpellingPerTerm(t *testing.T) {
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(path, "terms.go") {
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".txt", ".md", ".html", ".json", ".sarif", ".csv", ".xml", ".diff":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, term := range Terms {
			for _, v := range term.Variants {
				if n := strings.Count(string(data), v); n > 0 {
					t.Errorf("%s: %q appears %d times; write %q", path, v, n, term.Use)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
