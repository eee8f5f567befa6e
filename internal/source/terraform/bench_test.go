package terraform

import (
	"testing"

	"github.com/kumoguard/kumoguard/bench/terraform/corpus"
)

// BenchmarkScanCorpus scans the synthetic corpus of bench/terraform/corpus
// (2,000 .tf files, 5,000 clusters). Target: under 1 s and 200 MB per scan
// on the 2-core CI machine (issue 3, point 9; peak RSS via bench/terraform/rss).
func BenchmarkScanCorpus(b *testing.B) {
	dir := b.TempDir()
	st, err := corpus.Generate(dir, corpus.Default)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var files int
	for i := 0; i < b.N; i++ {
		inv := Scan([]string{dir}, Options{Root: dir})
		if len(inv.Clusters) != st.Clusters {
			b.Fatalf("clusters = %d, want %d (diagnostics %+v)", len(inv.Clusters), st.Clusters, inv.Diagnostics[:min(3, len(inv.Diagnostics))])
		}
		files = inv.Coverage["terraform_files"]
	}
	b.StopTimer()
	b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(st.Clusters)*float64(b.N)/b.Elapsed().Seconds(), "clusters/s")
}
