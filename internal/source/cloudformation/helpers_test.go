package cloudformation

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// evalTime is the fixed evaluation time of policy in tests.
var evalTime = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// writeFiles writes files into a new temporary directory and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// scanFiles writes files and scans those named in scan (all when nil).
func scanFiles(t testing.TB, files map[string]string, o Options, scan ...string) model.Inventory {
	t.Helper()
	dir := writeFiles(t, files)
	if scan == nil {
		for name := range files {
			if !strings.HasPrefix(name, "params/") {
				scan = append(scan, name)
			}
		}
		sort.Strings(scan)
	}
	paths := make([]string, len(scan))
	for i, s := range scan {
		paths[i] = filepath.Join(dir, s)
	}
	for i, pf := range o.ParameterFiles {
		o.ParameterFiles[i] = filepath.Join(dir, pf)
	}
	o.Root = dir
	return Scan(paths, o)
}

// clusterTemplate is a template with one DBCluster "Db" whose properties are
// props (YAML, indented by 6), after the given extra sections.
func clusterTemplate(sections, props string) string {
	return "AWSTemplateFormatVersion: \"2010-09-09\"\n" + sections + "\nResources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n" + indent(props, 6)
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func findCluster(t testing.TB, inv model.Inventory, address string) model.Cluster {
	t.Helper()
	for _, c := range inv.Clusters {
		if c.Address == address {
			return c
		}
	}
	t.Fatalf("no cluster %q in inventory:\n%s", address, dumpInventory(inv))
	return model.Cluster{}
}

// verdicts evaluates the inventory and returns "RULE address STATUS REASON"
// lines, sorted.
func verdicts(inv model.Inventory) []string {
	var out []string
	for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: evalTime}) {
		out = append(out, f.RuleID+" "+f.Resource.Address+" "+string(f.Status)+" "+string(f.Reason))
	}
	sort.Strings(out)
	return out
}

func findingsFor(inv model.Inventory, rule, address string) *model.Finding {
	for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: evalTime}) {
		if f.RuleID == rule && f.Resource.Address == address {
			return &f
		}
	}
	return nil
}
