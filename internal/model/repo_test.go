package model

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoExternalFactsReferences keeps the repository self-contained: code
// comments, --help texts, schemas, tests and docs cite the AWS page a rule
// rests on (docs/backtrack-rules.md), never sections of a document that is not
// in the repository. It walks every text file under the repository root.
func TestNoExternalFactsReferences(t *testing.T) {
	// Built by concatenation so that this file does not match itself.
	needles := []string{"facts " + "\u00a7", "backtrack-" + "facts"}
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from %s: %v", root, err)
	}
	skipDirs := map[string]bool{".git": true, "dist": true, filepath.Join("bench", "out"): true}
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if skipDirs[rel] {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.IndexByte(b, 0) >= 0 {
			return nil // binary (a built kumoguard, say)
		}
		files++
		for i, line := range strings.Split(string(b), "\n") {
			for _, n := range needles {
				if strings.Contains(strings.ToLower(line), n) {
					t.Errorf("%s:%d cites %q, a document outside the repository; cite the AWS documentation URL instead (see docs/backtrack-rules.md)", filepath.ToSlash(rel), i+1, n)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Guard against walking the wrong directory and passing vacuously.
	if files < 100 {
		t.Fatalf("walked only %d text files under %s; is that the repository root?", files, root)
	}
}
