package testenv

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// RenderInventory prints an inventory compactly and deterministically for
// golden files, the same way for every source: clusters sorted by root and
// address, each value with its state, location, candidates, reasons (both
// languages) and provenance, then suppressions and notes; diagnostics; and
// the coverage counts. Fields a source does not set are left out, so each
// golden shows what its source fills in. Source and Type are implied by the
// golden's package and not printed.
func RenderInventory(inv model.Inventory) string {
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
		if c.Action != model.ActionNone {
			fmt.Fprintf(&b, "  action=%s\n", c.Action)
		}
		renderValue(&b, "prior_backtrack_window", c.PriorBacktrackWindow)
		if len(c.ReadReplicas) > 0 {
			fmt.Fprintf(&b, "  read_replicas=%v\n", c.ReadReplicas)
		}
		if c.Account != "" || c.Region != "" || c.ARN != "" || c.Status != "" {
			fmt.Fprintf(&b, "  account=%s region=%s arn=%s status=%s\n", c.Account, c.Region, c.ARN, c.Status)
		}
		for _, k := range sortedKeys(c.Tags) {
			fmt.Fprintf(&b, "  tag %s=%q\n", k, c.Tags[k])
		}
		if c.Settings != nil {
			fmt.Fprintf(&b, "  settings %+v\n", *c.Settings)
		}
		for _, in := range c.Instances {
			fmt.Fprintf(&b, "  instance %+v\n", in)
		}
		if l := c.Live; l != nil {
			renderLive(&b, l)
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
	for _, k := range sortedKeys(inv.Coverage) {
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
	if v.Sensitive {
		b.WriteString(" sensitive")
	}
	b.WriteString("\n")
	if !v.Why.IsZero() {
		fmt.Fprintf(b, "    why en: %s\n    why ja: %s\n", v.Why.EN, v.Why.JA)
	}
	for _, o := range v.Provenance {
		expr := ""
		if o.Expression != "" {
			expr = " computed: " + o.Expression
		}
		if o.Key != "" {
			fmt.Fprintf(b, "    <- %s %s[%q] %s%s\n", o.Kind, o.Name, o.Key, fullLoc(o.Location), expr)
			continue
		}
		fmt.Fprintf(b, "    <- %s %s %s%s\n", o.Kind, o.Name, fullLoc(o.Location), expr)
	}
}

func renderLive(b *strings.Builder, l *model.LiveState) {
	ebt, created := "none", "none"
	if l.EarliestBacktrackTime != nil {
		ebt = l.EarliestBacktrackTime.UTC().Format(time.RFC3339)
	}
	if l.ClusterCreateTime != nil {
		created = l.ClusterCreateTime.UTC().Format(time.RFC3339)
	}
	observed := "zero"
	if !l.ObservedAt.IsZero() {
		observed = l.ObservedAt.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(b, "  live cluster_create_time=%s earliest_backtrack_time=%s observed_at=%s lookback_seconds=%d price_per_million_record_hours=%v price_source=%q\n",
		created, ebt, observed, l.LookbackSeconds, l.PricePerMillionRecordHours, l.PriceSource)
	renderValue(b, "actual_window_seconds", l.ActualWindowSeconds)
	renderValue(b, "consumed_change_records", l.ConsumedChangeRecords)
	renderValue(b, "window_alerts", l.WindowAlerts)
	renderValue(b, "change_records_stored_avg", l.ChangeRecordsStoredAvg)
	renderValue(b, "change_records_creation_rate", l.ChangeRecordsCreationRate)
	renderValue(b, "monthly_cost_usd", l.MonthlyCostUSD)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
