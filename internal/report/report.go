// Package report formats findings. A reporter only formats: it never
// re-decides a verdict. One file per format.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

import "github.com/kumoguard/kumoguard/internal/model"

// Options control presentation only.
type Options struct {
	// Lang is "en" or "ja".
	Lang string
	// Color enables ANSI colour (table only; set when stdout is a terminal).
	Color bool
	// RootLabel is how the user names the scan root (".", "envs/prod"),
	// shown by the table instead of the absolute path the report keeps.
	RootLabel string
	// Width is the terminal's width in columns (table only): rows and
	// remediation wrap to it. 0 (a file or pipe): remediation wraps at 120
	// columns and each finding row stays one line.
	Width int
}

// Reporter writes one report in one format.
type Reporter func(w io.Writer, r model.Report, o Options) error

var formats = map[string]Reporter{}

// Needs is what a format needs the scan pipeline to compute beyond the
// findings, so the pipeline never tests a format's name.
type Needs struct {
	// Edits: the exact text edits `kumoguard fix` would make, attached to
	// each finding's remediation (it re-reads the files).
	Edits bool
}

var needs = map[string]Needs{}

func registerFormat(name string, r Reporter, n ...Needs) Reporter {
	formats[name] = r
	if len(n) > 0 {
		needs[name] = n[0]
	}
	return r
}

// NeedsOf says what a format needs; the zero Needs for a format that needs
// nothing more or is unknown.
func NeedsOf(name string) Needs { return needs[strings.ToLower(name)] }

// ByName returns the reporter for a format name.
func ByName(name string) (Reporter, error) {
	r, ok := formats[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (expected one of %s)", name, strings.Join(Formats(), ", "))
	}
	return r, nil
}

// Formats lists the registered format names.
func Formats() []string {
	var out []string
	for n := range formats {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
