package cloudformation

import (
	"testing"

	"github.com/kumoguard/kumoguard/bench/cloudformation/corpus"
)

// BenchmarkScanTemplates scans 1,000 templates with 5 clusters each (half
// YAML with parameters, mappings and conditions; half CDK-style JSON).
// Target: under 1 s per scan on a 2-core machine.
func BenchmarkScanTemplates(b *testing.B) {
	paths, err := corpus.Write(b.TempDir(), 1000, 5)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		inv := Scan(paths, Options{})
		if len(inv.Clusters) != 5000 || len(inv.Diagnostics) != 0 {
			b.Fatalf("clusters = %d, diagnostics = %d", len(inv.Clusters), len(inv.Diagnostics))
		}
	}
}

func TestBenchmarkTemplatesAreClean(t *testing.T) {
	paths, err := corpus.Write(t.TempDir(), 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	inv := Scan(paths, Options{})
	if len(inv.Clusters) != 20 || len(inv.Diagnostics) != 0 {
		t.Fatalf("%s", dumpInventory(inv))
	}
	if got := len(verdicts(inv)); got != 40 {
		t.Errorf("findings = %d, want 40", got)
	}
}
