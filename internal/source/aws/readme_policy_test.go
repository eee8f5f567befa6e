package awssource

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestREADMEShowsTheTestedPolicies keeps the IAM policies users copy from
// the README identical (by action) to the ones the least-privilege test
// checks every scan against.
func TestREADMEShowsTheTestedPolicies(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(readme, -1)
	var shown [][]string
	for _, b := range blocks {
		if acts, err := PolicyActions(b[1]); err == nil && len(acts) > 0 {
			slices.Sort(acts)
			shown = append(shown, acts)
		}
	}
	for name, doc := range map[string][]byte{"scanner": ScannerPolicyJSON, "management": ManagementPolicyJSON, "price list": PriceListPolicyJSON} {
		want, err := PolicyActions(doc)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(want)
		found := false
		for _, acts := range shown {
			found = found || slices.Equal(acts, want)
		}
		if !found {
			t.Errorf("README shows no policy with the %s policy's actions %v (README policies: %v)", name, want, shown)
		}
	}
}
