// Package config reads kumoguard.yaml: policy settings and suppressions that
// live beside the code instead of inside it.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v4"

	"github.com/kumoguard/kumoguard/internal/model"
)

// FileName is the config file kumoguard looks for in the working directory
// when --config is not given.
const FileName = "kumoguard.yaml"

// Config is the content of kumoguard.yaml.
type Config struct {
	// MinWindow is the policy minimum ("24h", "86400s", "1d").
	MinWindow string `yaml:"min_window"`
	// FailOn lists the statuses that make a scan exit 1.
	FailOn []string `yaml:"fail_on"`
	// DrillMaxAge is how old the newest verified successful drill may be
	// (KG-BT-004): "90d", "12w", "2160h" (ParseAge).
	DrillMaxAge string `yaml:"drill_max_age"`
	// Suppressions silence findings by rule and resource.
	Suppressions []Suppression `yaml:"suppressions"`

	// Path is where the config was read from.
	Path string `yaml:"-"`
}

// Suppression is one entry of kumoguard.yaml's suppressions list. A finding
// is suppressed when every given selector matches; rule and reason are required.
//
//	suppressions:
//	  - rule: KG-BT-001
//	    address: module.legacy.aws_rds_cluster.*   # glob: * and ? are wildcards
//	    reason: "legacy cluster, migration ticket OPS-123"
//	    until: 2027-03-31
type Suppression struct {
	Rule    string `yaml:"rule"`
	Address string `yaml:"address"` // Terraform address, CloudFormation logical ID or stack path, or ARN
	File    string `yaml:"file"`    // file path glob, relative to the scan root
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	Reason  string `yaml:"reason"`
	Until   string `yaml:"until"` // YYYY-MM-DD, inclusive

	until    *time.Time
	location model.Location
}

// Location is where the entry is written in kumoguard.yaml.
func (s Suppression) Location() model.Location { return s.location }

// UntilTime is the parsed expiry, or nil.
func (s Suppression) UntilTime() *time.Time { return s.until }

// Load reads a config file. A missing file at the default path is not an
// error (ok=false); every problem in a file that exists is, naming file:line.
func Load(path string, explicit bool) (cfg Config, ok bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !explicit {
			return Config{}, false, nil
		}
		return Config{}, false, fmt.Errorf("reading config: %w", err)
	}
	cfg, err = Parse(path, data)
	return cfg, err == nil, err
}

// Parse decodes and validates kumoguard.yaml content.
func Parse(path string, data []byte) (Config, error) {
	var cfg Config
	if len(bytes.TrimSpace(data)) == 0 {
		cfg.Path = path
		return cfg, nil
	}
	if err := yaml.Load(data, &cfg, yaml.WithKnownFields()); err != nil {
		return Config{}, yamlError(path, err)
	}
	cfg.Path = path
	var file yaml.Node
	if err := yaml.Load(data, &file); err != nil {
		return Config{}, yamlError(path, err)
	}
	var problems []string
	if cfg.DrillMaxAge != "" {
		if _, err := ParseAge(cfg.DrillMaxAge); err != nil {
			problems = append(problems, fmt.Sprintf("%s: drill_max_age: %v", path, err))
		}
	}
	for i := range cfg.Suppressions {
		s := &cfg.Suppressions[i]
		s.location = entryLocation(&file, path, i)
		where := s.location.String()
		s.Rule = strings.ToUpper(strings.TrimSpace(s.Rule))
		if s.Rule == "" {
			problems = append(problems, fmt.Sprintf("%s: suppression has no rule (expected e.g. rule: KG-BT-001, or \"*\" for every rule)", where))
		} else if s.Rule != "*" && !validRuleID(s.Rule) {
			problems = append(problems, fmt.Sprintf("%s: %q is not a rule ID (expected e.g. KG-BT-001)", where, s.Rule))
		}
		if strings.TrimSpace(s.Reason) == "" {
			problems = append(problems, fmt.Sprintf("%s: suppression of %s has no reason (expected reason: why this is accepted)", where, s.Rule))
		}
		if s.Address == "" && s.File == "" && s.Account == "" && s.Region == "" {
			problems = append(problems, fmt.Sprintf("%s: suppression of %s selects nothing (expected address, file, account or region)", where, s.Rule))
		}
		if s.Until != "" {
			t, err := time.Parse("2006-01-02", s.Until)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: until %q is not a date (expected YYYY-MM-DD)", where, s.Until))
			} else {
				s.until = &t
			}
		}
	}
	if len(problems) > 0 {
		return Config{}, errors.New(strings.Join(problems, "\n"))
	}
	return cfg, nil
}

func validRuleID(id string) bool {
	_, _, err := model.ParseIgnoreComment("kumoguard:ignore "+id+` reason="x"`, model.Location{})
	return err == nil
}

// yamlError names path:line:column of each problem the YAML reader found.
func yamlError(path string, err error) error {
	var list *yaml.LoadErrors
	var one *yaml.LoadError
	var errs []*yaml.LoadError
	switch {
	case errors.As(err, &list):
		errs = list.Errors
	case errors.As(err, &one):
		errs = []*yaml.LoadError{one}
	default:
		return fmt.Errorf("%s: %v", path, err)
	}
	lines := make([]string, 0, len(errs))
	for _, e := range errs {
		if e.Mark.Line > 0 {
			lines = append(lines, fmt.Sprintf("%s:%d:%d: %s", path, e.Mark.Line, e.Mark.Column, e.Message))
		} else {
			lines = append(lines, fmt.Sprintf("%s: %s", path, e.Message))
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}

// entryLocation is where suppressions[i] is written: its first key.
func entryLocation(doc *yaml.Node, path string, i int) model.Location {
	loc := model.Location{File: path}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return loc
	}
	for k := 0; k+1 < len(root.Content); k += 2 {
		if root.Content[k].Value != "suppressions" {
			continue
		}
		seq := root.Content[k+1]
		if seq.Kind != yaml.SequenceNode || i >= len(seq.Content) {
			return loc
		}
		n := seq.Content[i]
		loc.Line, loc.Column = n.Line, n.Column
	}
	return loc
}

// ParseAge reads a drill's maximum age: a whole number of days ("90d"),
// weeks ("12w") or hours ("2160h"), or any Go duration ("2160h30m"). It must
// be positive.
func ParseAge(s string) (time.Duration, error) {
	v := strings.TrimSpace(s)
	var d time.Duration
	if n := len(v); n > 1 && (v[n-1] == 'd' || v[n-1] == 'w') {
		num, err := strconv.ParseInt(v[:n-1], 10, 64)
		if err != nil || num <= 0 || num > 100000 {
			return 0, fmt.Errorf("%q is not an age (expected e.g. 90d, 12w or 2160h)", s)
		}
		unit := 24 * time.Hour
		if v[n-1] == 'w' {
			unit *= 7
		}
		d = time.Duration(num) * unit
	} else {
		var err error
		d, err = time.ParseDuration(v)
		if err != nil {
			return 0, fmt.Errorf("%q is not an age (expected e.g. 90d, 12w or 2160h)", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: the age must be positive", s)
	}
	return d, nil
}
