package tfplan

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// generatedPlan builds a plan with n aws_rds_cluster updates (each in
// resource_changes, planned_values, prior_state and configuration), from the
// update_enable.json fixture, written compact as `terraform show -json` does.
func generatedPlan(tb testing.TB, n int) []byte {
	tb.Helper()
	data, err := os.ReadFile("testdata/update_enable.json")
	if err != nil {
		tb.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(data, &p); err != nil {
		tb.Fatal(err)
	}
	rc := p["resource_changes"].([]any)[0].(map[string]any)
	pvRoot := p["planned_values"].(map[string]any)["root_module"].(map[string]any)
	pv := pvRoot["resources"].([]any)[0].(map[string]any)
	psRoot := p["prior_state"].(map[string]any)["values"].(map[string]any)["root_module"].(map[string]any)
	ps := psRoot["resources"].([]any)[0].(map[string]any)
	cfgRoot := p["configuration"].(map[string]any)["root_module"].(map[string]any)
	cfg := cfgRoot["resources"].([]any)[0].(map[string]any)
	var rcs, pvs, pss, cfgs []any
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("c%d", i)
		addr := "aws_rds_cluster." + name
		r := deepCopy(rc)
		r["address"], r["name"] = addr, name
		rcs = append(rcs, r)
		for _, src := range []struct {
			m   map[string]any
			out *[]any
		}{{pv, &pvs}, {ps, &pss}} {
			x := deepCopy(src.m)
			x["address"], x["name"] = addr, name
			*src.out = append(*src.out, x)
		}
		c := deepCopy(cfg)
		c["address"], c["name"] = addr, name
		cfgs = append(cfgs, c)
	}
	p["resource_changes"] = rcs
	pvRoot["resources"] = pvs
	psRoot["resources"] = pss
	cfgRoot["resources"] = cfgs
	out, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// BenchmarkLoadPlan reads a plan with 5,000 clusters.
func BenchmarkLoadPlan(b *testing.B) {
	data := generatedPlan(b, 5000)
	inv := Load("plan.json", data, Options{})
	if len(inv.Clusters) != 5000 || len(inv.Diagnostics) != 0 {
		b.Fatalf("%d clusters, %d diagnostics", len(inv.Clusters), len(inv.Diagnostics))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Load("plan.json", data, Options{})
	}
}

// BenchmarkIsPlan measures detection on the same plan.
func BenchmarkIsPlan(b *testing.B) {
	data := generatedPlan(b, 5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !IsPlan(data) {
			b.Fatal("not a plan")
		}
	}
}

// BenchmarkPositionIndex measures the position index alone (what jsonpos
// does for a plan): want the attribute paths of 500 clusters, scan the
// 7.7 MB one-line plan, locate each path.
func BenchmarkPositionIndex(b *testing.B) {
	const n = 500
	data := generatedPlan(b, n)
	var paths [][]any
	for i := 0; i < n; i++ {
		for _, a := range readAttributes {
			paths = append(paths, []any{"resource_changes", i, "change", "after", a}, []any{"planned_values", "root_module", "resources", i, "values", a})
		}
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix := newPositionIndex("plan.json", data)
		for _, p := range paths {
			ix.want(p...)
		}
		if err := ix.build(); err != nil {
			b.Fatal(err)
		}
		found := 0
		for _, p := range paths {
			if _, ok := ix.loc(p...); ok {
				found++
			}
		}
		if found == 0 {
			b.Fatal("no path found")
		}
	}
}
