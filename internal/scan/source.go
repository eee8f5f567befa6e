// Package scan is kumoguard's one scan pipeline, shared by the command line
// and the service: discover the inputs (one walk of the tree), load them
// through the sources, evaluate the policy, apply suppressions, write the
// remediation, and assemble the report. Only this package calls the sources.
package scan

import (
	"context"

	"github.com/kumoguard/kumoguard/internal/model"
)

// File is one input the walk found.
type File struct {
	// Path is the file as found: absolute, or relative to the working
	// directory.
	Path string
	// Explicit is true when the user named the file rather than a directory
	// holding it.
	Explicit bool
	// Data is the file's content for sources that recognise their input by
	// content; nil for files claimed by name.
	Data []byte
}

// Source is one kind of infrastructure-as-code input, reached through one
// small contract: it detects its files, then loads them under a context.
type Source interface {
	// Kind names the source.
	Kind() model.SourceKind
	// Detect reports whether a file is this source's input: first by its
	// name alone (data is nil), then, for files no source claimed by name,
	// by its content.
	Detect(name string, data []byte) bool
	// Load reads the source's files into clusters and diagnostics. It
	// stops early when ctx is cancelled and says so in a diagnostic.
	Load(ctx context.Context, files []File, o Options) model.Inventory
}

// Options say how to read infrastructure as code.
type Options struct {
	// Root is the absolute scan root: every location is relative to it.
	Root string
	// Terraform: variable files (after terraform.tfvars and *.auto.tfvars),
	// name=value variables, and the environment for TF_VAR_*.
	VarFiles []string
	Vars     []string
	Env      []string
	// CloudFormation: Key=Value parameters, parameter files, and the Region
	// for AWS::Region.
	Parameters     []string
	ParameterFiles []string
	Region         string
	// Skip, when set, says which walked files and directories are not read
	// (--skip-dirs, --skip-files, .kumoguardignore): rel is relative to
	// Root, slash-separated. Paths named on the command line are read.
	Skip func(rel string, dir bool) bool
}

// Loader produces the inventory of one scan: the infrastructure as code
// under a root (IaC), or live AWS.
type Loader interface {
	Load(ctx context.Context) (model.Inventory, error)
}

// LoaderFunc adapts a function to Loader (the live AWS scanner's Scan).
type LoaderFunc func(ctx context.Context) (model.Inventory, error)

// Load calls f.
func (f LoaderFunc) Load(ctx context.Context) (model.Inventory, error) { return f(ctx) }
