package scan

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// IaC loads the infrastructure as code under Paths (directories or files;
// none means the current directory) with one walk of the tree.
type IaC struct {
	Paths   []string
	Options Options
}

// Check reports what is wrong with the request before anything is read: a
// path or variable file that does not exist, a variable or parameter that
// is not name=value. The error names the flag or path, for a usage error.
func (s IaC) Check() error {
	for _, p := range s.Paths {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%s: no such file or directory", p)
		}
	}
	for _, vf := range append(append([]string{}, s.Options.VarFiles...), s.Options.ParameterFiles...) {
		if _, err := os.Stat(vf); err != nil {
			return fmt.Errorf("%s: no such file", vf)
		}
	}
	for _, v := range s.Options.Vars {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("--var %q: expected name=value", v)
		}
	}
	for _, v := range s.Options.Parameters {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("--parameter %q: expected Key=Value", v)
		}
	}
	return nil
}

// Load walks the paths once and loads what each source detected. Sources
// run one after another; each parallelises its own work.
func (s IaC) Load(ctx context.Context) (model.Inventory, error) {
	paths := s.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	if err := s.Check(); err != nil {
		return model.Inventory{}, err
	}
	sources := Sources()
	d := discoverSkipping(paths, s.Options.Root, sources, s.Options.Skip)
	inv := d.inv
	for _, src := range sources {
		if files := d.files[src.Kind()]; len(files) > 0 {
			inv.Merge(src.Load(ctx, files, s.Options))
		}
	}
	return inv, nil
}
