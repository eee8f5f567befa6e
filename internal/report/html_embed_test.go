package report

import (
	"strings"
	"testing"
)

// TestHTMLEmbeddedFiles checks what html.go relies on in the embedded page
// and style sheet: the CSS is inlined into <style> as template text, so it
// must hold no markup, entity or template action, and the page must pull it
// in exactly once.
func TestHTMLEmbeddedFiles(t *testing.T) {
	tests := []struct {
		name, text, bad string
	}{
		{"css without <", htmlCSS, "<"},
		{"css without &", htmlCSS, "&"},
		{"css without template actions", htmlCSS, "{{"},
		{"page without inline css", htmlSource, "color-scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.text, tt.bad) {
				t.Errorf("contains %q", tt.bad)
			}
		})
	}
	if n := strings.Count(htmlSource, `<style>
{{template "page.css"}}</style>`); n != 1 {
		t.Errorf("page includes the style sheet %d times, want 1", n)
	}
	if strings.TrimSpace(htmlCSS) == "" {
		t.Error("style sheet is empty")
	}
}
