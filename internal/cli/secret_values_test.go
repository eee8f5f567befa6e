package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretValuesNeverPrinted: a Terraform variable declared sensitive =
// true (set by its default or by terraform.tfvars, at the root or in a
// module) and a CloudFormation NoEcho parameter's Default, used as the
// window, are judged but never shown: in no report format, and not by fix.
func TestSecretValuesNeverPrinted(t *testing.T) {
	root := repoRoot(t)
	fixtures := filepath.Join("internal", "cli", "testdata", "secret-values")
	// 43219 is the numeric window of tf-number and cfn-number: judged (it is
	// below the minimum), never shown, not even as a duration (12h20m19s).
	secrets := []string{"s3cr3t-tf-window-default", "s3cr3t-tf-window-tfvars", "s3cr3t-cfn-window-default", "43219", "12h20m19s"}
	check := func(what, out string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s prints the secret %q:\n%s", what, s, out)
			}
		}
	}
	for _, fixture := range []string{"tf", "tf-tfvars", "cfn", "tf-number", "cfn-number"} {
		dir := filepath.Join(fixtures, fixture)
		for _, format := range []string{"table", "json", "sarif", "junit", "markdown", "csv", "html", "asff"} {
			args := []string{"scan", "iac", dir, "--format", format}
			if format == "asff" {
				args = append(args, "--account-id", "111122223333", "--region", "eu-west-1")
			}
			r := run(t, root, args...)
			if r.code > 1 || !strings.Contains(r.stdout, "KG-BT-001") {
				t.Errorf("%s %s: exit %d, want a report\n%s%s", fixture, format, r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, "sensitive value") && format != "junit" && format != "asff" {
				t.Errorf("%s %s: the message does not say the value is sensitive:\n%s", fixture, format, r.stdout)
			}
			check(fixture+" "+format, r.stdout+r.stderr)
		}
		for _, lang := range []string{"en", "ja"} {
			r := run(t, root, "fix", dir, "--lang", lang)
			check(fixture+" fix "+lang, r.stdout+r.stderr)
		}
	}
}
