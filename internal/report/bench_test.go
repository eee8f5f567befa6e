package report

import (
	"io"
	"testing"
)

// BenchmarkFormats renders a 10,000-finding report in every format
// (go test ./internal/report -bench . -benchmem).
func BenchmarkFormats(b *testing.B) {
	r := manyFindings(10000)
	for _, format := range []string{"table", "json", "sarif", "junit", "markdown", "csv"} {
		rep, err := ByName(format)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := rep(io.Discard, r, Options{Lang: "ja"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidateJSON measures the schema check the end-to-end tests run.
func BenchmarkValidateJSON(b *testing.B) {
	data := render(b, "json", manyFindings(1000), Options{})
	for b.Loop() {
		if err := ValidateJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
