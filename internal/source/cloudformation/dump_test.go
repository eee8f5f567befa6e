package cloudformation

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// TestDumpTemplates prints the inventory and findings of the templates named
// in CFN_DEBUG (";"-separated), for looking at a template by hand:
//
//	CFN_DEBUG=testdata/multienv/template.yaml go test -run TestDumpTemplates -v
func TestDumpTemplates(t *testing.T) {
	f := os.Getenv("CFN_DEBUG")
	if f == "" {
		t.Skip()
	}
	var params []string
	if p := os.Getenv("CFN_PARAMS"); p != "" {
		params = strings.Split(p, ";")
	}
	inv := Scan(strings.Split(f, ";"), Options{Root: "testdata", Parameters: params, Region: os.Getenv("CFN_REGION")})
	fmt.Print(dumpInventory(inv))
	for _, fd := range policy.Evaluate(inv, policy.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}) {
		fmt.Printf("%s %s %s %s %s | %s\n", fd.RuleID, fd.Resource.Address, fd.Status, fd.Reason, fd.Location, fd.Message.EN)
		for _, n := range fd.Notes {
			fmt.Printf("    note: %s\n", n.EN)
		}
	}
}

func dumpValue[T comparable](name string, v model.Value[T]) string {
	if v.State == model.Absent {
		return ""
	}
	s := fmt.Sprintf("  %s: %s %v @%s", name, v.State, v.V, v.Where)
	if len(v.Candidates) > 0 {
		s += fmt.Sprintf(" cands=%v", v.Candidates)
	}
	if !v.Why.IsZero() {
		s += " why=" + v.Why.EN
	}
	for _, o := range v.Provenance {
		s += fmt.Sprintf("\n    <- %s %s @%s", o.Kind, o.Name, o.Location)
	}
	return s + "\n"
}

func dumpInventory(inv model.Inventory) string {
	var b strings.Builder
	for _, c := range inv.Clusters {
		fmt.Fprintf(&b, "%s name=%q root=%s loc=%s creation=%s %s\n", c.Address, c.Name, c.Root, c.Location, c.Creation, c.CreationSource)
		b.WriteString(dumpValue("Engine", c.Engine))
		b.WriteString(dumpValue("EngineVersion", c.EngineVersion))
		b.WriteString(dumpValue("EngineMode", c.EngineMode))
		b.WriteString(dumpValue("BacktrackWindow", c.BacktrackWindow))
		b.WriteString(dumpValue("GlobalClusterID", c.GlobalClusterID))
		b.WriteString(dumpValue("ReplicationSource", c.ReplicationSource))
		b.WriteString(dumpValue("ServerlessV2", c.ServerlessV2))
		if c.EnhancedBinlog.State != model.Absent {
			b.WriteString(dumpValue("EnhancedBinlog", c.EnhancedBinlog))
		}
		if c.ZeroETL.State != model.Absent {
			b.WriteString(dumpValue("ZeroETL", c.ZeroETL))
			fmt.Fprintf(&b, "  integrations %v\n", c.ZeroETLIntegrations)
		}
		for _, s := range c.Suppressions {
			fmt.Fprintf(&b, "  suppression %s %q until=%v @%s\n", s.RuleID, s.Reason, s.Until, s.Location)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n.EN)
		}
	}
	for _, d := range inv.Diagnostics {
		fmt.Fprintf(&b, "diag %s %s @%s: %s\n", d.Status, d.Reason, d.Location, d.Message.EN)
	}
	fmt.Fprintf(&b, "coverage %v\n", inv.Coverage)
	return b.String()
}
