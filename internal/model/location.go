package model

import (
	"fmt"
	"strings"
)

// Location says where something was found: a position in a file (paths are
// relative to the scan root, with forward slashes) or a live resource.
type Location struct {
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
	EndColumn int    `json:"end_column,omitempty"`
	Account   string `json:"account,omitempty"`
	Region    string `json:"region,omitempty"`
	ARN       string `json:"arn,omitempty"`
}

// IsZero reports whether the location names nothing.
func (l Location) IsZero() bool { return l == Location{} }

// String renders "file:line:column", or "account/region/arn" for live resources.
func (l Location) String() string {
	if l.File != "" {
		switch {
		case l.Line > 0 && l.Column > 0:
			return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
		case l.Line > 0:
			return fmt.Sprintf("%s:%d", l.File, l.Line)
		default:
			return l.File
		}
	}
	if l.ARN != "" {
		return l.ARN
	}
	var parts []string
	for _, p := range []string{l.Account, l.Region} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/")
}
