package cli_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/report"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// The end-to-end tests build the real binary once and run it the way users
// and CI do, asserting exit codes and the JSON report.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kumoguard-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "kumoguard")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, "github.com/kumoguard/kumoguard/cmd/kumoguard")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		panic("building kumoguard: " + err.Error())
	}
	code := testenv.RunWithMoto(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the module root, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

type result struct {
	code   int
	stdout string
	stderr string
}

// run executes kumoguard in dir with a clean, English environment.
func run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func decode(t *testing.T, data string) model.Report {
	t.Helper()
	if err := report.ValidateJSON([]byte(data)); err != nil {
		t.Fatalf("JSON report does not match the schema: %v\n%s", err, data)
	}
	var r model.Report
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

type key struct{ address, rule string }

func index(r model.Report) map[key]model.Finding {
	m := map[key]model.Finding{}
	for _, f := range r.Findings {
		m[key{f.Resource.Address, f.RuleID}] = f
	}
	return m
}

func TestExampleTerraform(t *testing.T) {
	root := repoRoot(t)
	res := run(t, root, "scan", "iac", "examples/terraform", "--format", "json")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (the example has failing clusters); stderr: %s", res.code, res.stderr)
	}
	r := decode(t, res.stdout)
	reasons := map[model.Reason]bool{}
	for _, f := range r.Findings {
		reasons[f.Reason] = true
		if !strings.HasPrefix(f.Location.File, "examples/terraform/") || f.Location.Line == 0 {
			t.Errorf("%s %s: location %v is not a file:line relative to the repository", f.RuleID, f.Resource.Address, f.Location)
		}
	}
	for _, want := range []model.Reason{model.ReasonBacktrackEnabled, model.ReasonWindowLikelyHours,
		model.ReasonBacktrackDisabled, model.ReasonEngineNotAuroraMySQL, model.ReasonGlobalDatabaseMember} {
		if !reasons[want] {
			t.Errorf("example report has no %s finding", want)
		}
	}
	if r.Summary[model.StatusPass] == 0 || r.Summary[model.StatusFail] == 0 || r.Summary[model.StatusNotApplicable] == 0 {
		t.Errorf("summary %v: the example should show PASS, FAIL and NOT_APPLICABLE", r.Summary)
	}
	// examples/terraform/variables.tf has a master_password default.
	for _, format := range []string{"json", "table", "sarif", "markdown"} {
		out := run(t, root, "scan", "iac", "examples/terraform", "--format", format)
		if strings.Contains(out.stdout+out.stderr, "Example-Only-S3cret-Passw0rd") {
			t.Errorf("the example's master_password default leaked into the %s report", format)
		}
	}
	if fixOut := run(t, root, "fix", "examples/terraform"); strings.Contains(fixOut.stdout+fixOut.stderr, "Example-Only-S3cret-Passw0rd") {
		t.Error("the example's master_password default leaked into the fix diff")
	}
}

func TestSuppressions(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "internal/cli/testdata/tf-suppressed")
	res := run(t, dir, "scan", "iac", ".", "--format", "json")
	r := decode(t, res.stdout)
	idx := index(r)
	check := func(addr, rule string, status model.Status, source string) {
		t.Helper()
		f, ok := idx[key{addr, rule}]
		if !ok {
			t.Fatalf("no %s finding for %s", rule, addr)
		}
		if f.Status != status {
			t.Errorf("%s %s = %s, want %s", addr, rule, f.Status, status)
		}
		got := ""
		if f.Suppressed != nil {
			got = f.Suppressed.Source
			if f.Suppressed.Reason == "" {
				t.Errorf("%s %s suppressed without a reason", addr, rule)
			}
		}
		if got != source {
			t.Errorf("%s %s suppressed by %q, want %q", addr, rule, got, source)
		}
	}
	check("aws_rds_cluster.reporting", "KG-BT-001", model.StatusFail, "inline")
	check("aws_rds_cluster.reporting", "KG-BT-002", model.StatusFail, "inline")
	check("aws_rds_cluster.legacy", "KG-BT-002", model.StatusFail, "config")
	check("aws_rds_cluster.legacy", "KG-BT-001", model.StatusPass, "")
	check("aws_rds_cluster.expired", "KG-BT-001", model.StatusFail, "") // its suppression expired
	expiredNote := false
	for _, n := range idx[key{"aws_rds_cluster.expired", "KG-BT-001"}].Notes {
		expiredNote = expiredNote || strings.Contains(n.EN, "expired on 2020-01-31")
	}
	if !expiredNote {
		t.Error("the expired suppression is not reported on the finding")
	}
	if res.code != 1 {
		t.Errorf("exit %d, want 1: the expired suppression no longer hides its FAIL; stderr %s", res.code, res.stderr)
	}
	if r.Summary[model.StatusFail] != 2 || r.Scan.Suppressed != 3 {
		t.Errorf("summary %v suppressed %d, want 2 unsuppressed FAIL and 3 suppressed", r.Summary, r.Scan.Suppressed)
	}
	// SARIF keeps suppressed results, marked.
	res = run(t, dir, "scan", "iac", ".", "--format", "sarif")
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID       string            `json:"ruleId"`
				Suppressions []json.RawMessage `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &sarif); err != nil {
		t.Fatal(err)
	}
	suppressed := 0
	for _, r := range sarif.Runs[0].Results {
		if len(r.Suppressions) > 0 {
			suppressed++
		}
	}
	if suppressed != 3 {
		t.Errorf("SARIF has %d suppressed results, want 3", suppressed)
	}
}

func TestBrokenInputGoesOn(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "internal/cli/testdata/tf-broken")
	// An input that did not parse makes the scan incomplete: exit 3 whatever
	// --fail-on says, unless the user opts out with --allow-partial.
	res := run(t, dir, "scan", "iac", ".", "--format", "json")
	if res.code != 3 || !strings.Contains(res.stderr, "incomplete") {
		t.Errorf("exit %d with the default --fail-on FAIL, want 3 (incomplete); stderr %s", res.code, res.stderr)
	}
	if r := decode(t, res.stdout); !r.Scan.Incomplete || r.Scan.Interrupted || r.Scan.Coverage["not_evaluated"] != 1 {
		t.Errorf("the report must say the scan is incomplete: %+v", r.Scan)
	}
	if res := run(t, dir, "scan", "iac", ".", "--allow-partial"); res.code != 0 {
		t.Errorf("--allow-partial with only an ERROR: exit %d, want 0", res.code)
	}
	if res := run(t, dir, "scan", "iac", ".", "--allow-partial", "--fail-on", "FAIL,ERROR"); res.code != 1 {
		t.Errorf("--allow-partial --fail-on FAIL,ERROR: exit %d, want 1", res.code)
	}
	r := decode(t, res.stdout)
	var sawError, sawPass bool
	for _, f := range r.Findings {
		if f.Status == model.StatusError && f.Location.File == "bad/main.tf" && f.Location.Line == 4 {
			sawError = true
		}
		if f.Status == model.StatusPass && f.Resource.Address == "aws_rds_cluster.orders" {
			sawPass = true
		}
		if f.Status == model.StatusPass && f.Resource.Address == "aws_rds_cluster.broken" {
			t.Error("a cluster in a file that does not parse was reported PASS")
		}
	}
	if !sawError || !sawPass {
		t.Errorf("want an ERROR at bad/main.tf:4 and the good module still evaluated; got %+v", r.Findings)
	}
	if res := run(t, dir, "scan", "iac", ".", "--fail-on", "FAIL,ERROR"); res.code != 3 {
		t.Errorf("--fail-on FAIL,ERROR: exit %d, want 3 (incomplete comes first)", res.code)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	root := repoRoot(t)
	for _, format := range report.Formats() {
		for _, target := range []string{"internal/cli/testdata/tf-secret", "internal/cli/testdata/cfn-basic"} {
			args := []string{"scan", "iac", target, "--format", format, "--lang", "ja"}
			if format == "asff" {
				args = append(args, "--account-id", "111122223333", "--region", "ap-northeast-1")
			}
			res := run(t, root, args...)
			if res.stdout == "" {
				t.Errorf("%s: no report (exit %d): %s", format, res.code, res.stderr)
			}
			for _, secret := range []string{"Sup3rS3cret", "Cfn-Secret"} {
				if strings.Contains(res.stdout+res.stderr, secret) {
					t.Errorf("%s report of %s contains the password %q", format, target, secret)
				}
			}
		}
	}
}

func TestSecondsMistake(t *testing.T) {
	res := run(t, repoRoot(t), "scan", "iac", "internal/cli/testdata/tf-secret", "--format", "json")
	r := decode(t, res.stdout)
	f, ok := index(r)[key{"aws_rds_cluster.payments", "KG-BT-002"}]
	if !ok || f.Reason != model.ReasonWindowLikelyHours || !strings.Contains(f.Message.EN, "did you mean 259200 for 72 hours") {
		t.Fatalf("KG-BT-002 = %+v", f)
	}
	if f.Location.File != "internal/cli/testdata/tf-secret/main.tf" || f.Location.Line != 13 {
		t.Errorf("location %v, want the backtrack_window line 13", f.Location)
	}
}

func TestCloudFormationTemplate(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "internal/cli/testdata/cfn-basic")
	// Default Env=staging: the !If takes the 0 branch.
	r := decode(t, run(t, dir, "scan", "iac", ".", "--format", "json").stdout)
	idx := index(r)
	if f := idx[key{"OrdersCluster", "KG-BT-001"}]; f.Status != model.StatusFail || f.Reason != model.ReasonBacktrackDisabled {
		t.Errorf("staging OrdersCluster KG-BT-001 = %s/%s, want FAIL/BACKTRACK_DISABLED", f.Status, f.Reason)
	}
	if f := idx[key{"AnalyticsCluster", "KG-BT-001"}]; f.Status != model.StatusNotApplicable {
		t.Errorf("AnalyticsCluster = %s, want NOT_APPLICABLE", f.Status)
	}
	res := run(t, dir, "scan", "iac", ".", "--format", "json", "--parameter", "Env=prod")
	r = decode(t, res.stdout)
	if f := index(r)[key{"OrdersCluster", "KG-BT-002"}]; f.Status != model.StatusPass {
		t.Errorf("prod OrdersCluster KG-BT-002 = %s/%s, want PASS", f.Status, f.Reason)
	}
	if res.code != 0 {
		t.Errorf("prod exit %d, want 0", res.code)
	}
	res = run(t, dir, "scan", "iac", ".", "--parameter", "Env=dev")
	if !strings.Contains(res.stdout, "ERROR") {
		t.Errorf("a value outside AllowedValues must be an ERROR:\n%s", res.stdout)
	}
}

func TestJapaneseAndFormats(t *testing.T) {
	root := repoRoot(t)
	res := run(t, root, "scan", "iac", "internal/cli/testdata/tf-secret", "--lang", "ja")
	if !strings.Contains(res.stdout, "秒") {
		t.Errorf("--lang ja table has no Japanese:\n%s", res.stdout)
	}
	cmd := exec.Command(binary, "scan", "iac", "internal/cli/testdata/tf-secret")
	cmd.Dir = root
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LANG=ja_JP.UTF-8"}
	out, _ := cmd.Output()
	if !strings.Contains(string(out), "秒") {
		t.Errorf("LANG=ja_JP.UTF-8 did not select Japanese:\n%s", out)
	}
	if strings.Contains(string(out), "\x1b[") {
		t.Error("colour codes written to a pipe")
	}

	res = run(t, root, "scan", "iac", "internal/cli/testdata/tf-secret", "--format", "junit")
	var suites struct {
		XMLName xml.Name `xml:"testsuites"`
	}
	if err := xml.Unmarshal([]byte(res.stdout), &suites); err != nil {
		t.Errorf("junit output does not parse: %v", err)
	}

	out1 := filepath.Join(t.TempDir(), "r.sarif")
	res = run(t, root, "scan", "iac", "internal/cli/testdata/tf-secret", "--format", "sarif", "--output", out1)
	if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, "FAIL 1") {
		t.Errorf("--output: exit %d stdout %q stderr %q", res.code, res.stdout, res.stderr)
	}
	if data, err := os.ReadFile(out1); err != nil || !bytes.Contains(data, []byte(`"version": "2.1.0"`)) {
		t.Errorf("SARIF file not written: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	root := repoRoot(t)
	for _, args := range [][]string{
		{"scan", "iac", "does-not-exist"},
		{"scan", "iac", ".", "--min-window", "100h"},
		{"scan", "iac", ".", "--format", "pdf"},
		{"scan", "iac", ".", "--fail-on", "PASS"},
		{"scan", "iac", ".", "--lang", "fr"},
		{"scan", "iac", ".", "--var", "novalue"},
		{"nonsense"},
	} {
		res := run(t, root, args...)
		if res.code != 2 || res.stderr == "" {
			t.Errorf("%v: exit %d stderr %q, want 2 and a message", args, res.code, res.stderr)
		}
	}
	if res := run(t, root, "version"); res.code != 0 || !strings.HasPrefix(res.stdout, "kumoguard ") {
		t.Errorf("version: %+v", res)
	}
}

// TestASFFFromCodeNeedsAnAccount: Security Hub rejects a finding without an
// account or with an invalid ProductArn, so ASFF from code either names them
// or is a usage error.
func TestASFFFromCodeNeedsAnAccount(t *testing.T) {
	root := repoRoot(t)
	res := run(t, root, "scan", "iac", "internal/cli/testdata/cfn-basic", "--format", "asff")
	if res.code != 2 || !strings.Contains(res.stderr, "--account-id") || res.stdout != "" {
		t.Errorf("ASFF without an account: exit %d, stdout %q, stderr %s", res.code, res.stdout, res.stderr)
	}
	res = run(t, root, "scan", "iac", "internal/cli/testdata/cfn-basic", "--format", "asff", "--account-id", "111122223333", "--region", "cn-north-1")
	var fs []map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &fs); err != nil || len(fs) == 0 {
		t.Fatalf("ASFF: %v\n%s%s", err, res.stdout, res.stderr)
	}
	for _, f := range fs {
		if f["AwsAccountId"] != "111122223333" || f["Region"] != "cn-north-1" ||
			f["ProductArn"] != "arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default" {
			t.Errorf("finding %v: account %v region %v product %v", f["Id"], f["AwsAccountId"], f["Region"], f["ProductArn"])
		}
	}
}
