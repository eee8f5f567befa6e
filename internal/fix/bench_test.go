package fix

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// BenchmarkPatchesLargeTerraform measures scan-to-diff for one root module of
// 1,000 clusters, half without a window and half with one hour, all fixed in
// one file.
func BenchmarkPatchesLargeTerraform(b *testing.B) {
	dir := b.TempDir()
	var src strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&src, "resource \"aws_rds_cluster\" \"c%d\" {\n  cluster_identifier = \"c%d\"\n  engine             = \"aurora-mysql\"\n", i, i)
		if i%2 == 1 {
			src.WriteString("  backtrack_window   = 3600\n")
		}
		src.WriteString("}\n\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	inv, fs := scanCase(b, dir, model.DefaultMinWindowSeconds)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Patches(fs, inv, PatchOptions{Root: dir})
		if err != nil || len(res.Files) != 1 || len(res.Files[0].Changes) != 1000 {
			b.Fatalf("%v %d", err, len(res.Files))
		}
		_ = res.Files[0].Diff("en")
	}
}
