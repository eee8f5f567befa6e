package fix

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// dirBlock is one top-level block of a .tf file.
type dirBlock struct {
	file  string // the file's name in the directory
	block *hclsyntax.Block
}

// dirBlocks returns the top-level blocks of the .tf files of dir, in file
// order (files that cannot be read or parsed are passed over: the scan
// reported them). It is how fix finds a module call, a module's source or
// the variables declared sensitive.
func dirBlocks(dir string) []dirBlock {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []dirBlock
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		body, err := parseHCL(src, e.Name())
		if err != nil {
			continue
		}
		for _, b := range body.Blocks {
			out = append(out, dirBlock{file: e.Name(), block: b})
		}
	}
	return out
}

// moduleBlock returns the call of module mod among blocks.
func moduleBlock(blocks []dirBlock, mod string) (dirBlock, bool) {
	for _, b := range blocks {
		if b.block.Type == "module" && len(b.block.Labels) == 1 && b.block.Labels[0] == mod {
			return b, true
		}
	}
	return dirBlock{}, false
}
