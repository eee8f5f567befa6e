package terraform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// render prints an inventory compactly and deterministically, for golden files.
func render(inv model.Inventory) string {
	var b strings.Builder
	cs := append([]model.Cluster(nil), inv.Clusters...)
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Root != cs[j].Root {
			return cs[i].Root < cs[j].Root
		}
		return cs[i].Address < cs[j].Address
	})
	for _, c := range cs {
		fmt.Fprintf(&b, "cluster %s (root %s) at %s\n", c.Address, c.Root, fullLoc(c.Location))
		fmt.Fprintf(&b, "  name=%q creation=%s source=%q count_unknown=%v classes=%v\n", c.Name, c.Creation, c.CreationSource, c.CountExpansionUnknown, c.InstanceClasses)
		renderValue(&b, "engine", c.Engine)
		renderValue(&b, "engine_version", c.EngineVersion)
		renderValue(&b, "engine_mode", c.EngineMode)
		renderValue(&b, "backtrack_window", c.BacktrackWindow)
		renderValue(&b, "global_cluster", c.GlobalClusterID)
		renderValue(&b, "replication_source", c.ReplicationSource)
		renderValue(&b, "serverless_v2", c.ServerlessV2)
		renderValue(&b, "enhanced_binlog", c.EnhancedBinlog)
		renderValue(&b, "zero_etl", c.ZeroETL)
		if len(c.ZeroETLIntegrations) > 0 {
			fmt.Fprintf(&b, "  zero_etl_integrations=%v\n", c.ZeroETLIntegrations)
		}
		for _, s := range c.Suppressions {
			until := ""
			if s.Until != nil {
				until = s.Until.Format("2006-01-02")
			}
			fmt.Fprintf(&b, "  suppression %s reason=%q until=%s at %s\n", s.RuleID, s.Reason, until, s.Location)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "  note en: %s\n  note ja: %s\n", n.EN, n.JA)
		}
	}
	for _, d := range inv.Diagnostics {
		fmt.Fprintf(&b, "diagnostic %s %s at %s resource=%q\n  en: %s\n  ja: %s\n  fix: %s\n", d.Status, d.Reason, fullLoc(d.Location), d.Resource.Address, d.Message.EN, d.Message.JA, d.Remediation.EN)
	}
	keys := make([]string, 0, len(inv.Coverage))
	for k := range inv.Coverage {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "coverage %s=%d\n", k, inv.Coverage[k])
	}
	return b.String()
}

func fullLoc(l model.Location) string {
	if l.EndLine > 0 {
		return fmt.Sprintf("%s-%d:%d", l.String(), l.EndLine, l.EndColumn)
	}
	return l.String()
}

func renderValue[T comparable](b *strings.Builder, name string, v model.Value[T]) {
	if v.State == model.Absent && len(v.Provenance) == 0 {
		return
	}
	fmt.Fprintf(b, "  %s: %s", name, v.State)
	if v.State == model.Known {
		fmt.Fprintf(b, " %v", v.V)
	}
	if !v.Where.IsZero() {
		fmt.Fprintf(b, " where=%s", fullLoc(v.Where))
	}
	if len(v.Candidates) > 0 {
		fmt.Fprintf(b, " candidates=%v", v.Candidates)
	}
	b.WriteString("\n")
	if !v.Why.IsZero() {
		fmt.Fprintf(b, "    why en: %s\n    why ja: %s\n", v.Why.EN, v.Why.JA)
	}
	for _, o := range v.Provenance {
		fmt.Fprintf(b, "    <- %s %s %s\n", o.Kind, o.Name, fullLoc(o.Location))
	}
}
