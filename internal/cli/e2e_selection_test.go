package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// tfCluster is an Aurora MySQL cluster with the given backtrack_window ("" = unset).
func tfCluster(name, window string) string {
	s := "resource \"aws_rds_cluster\" \"" + name + "\" {\n  cluster_identifier = \"" + name + "\"\n  engine = \"aurora-mysql\"\n  engine_version = \"8.0.mysql_aurora.3.04.0\"\n"
	if window != "" {
		s += "  backtrack_window = " + window + "\n"
	}
	return s + "}\n"
}

// selectionTree is a repository with clusters in several directories:
//
//	app/main.tf        app (disabled: FAIL 001 and 002), good (PASS)
//	legacy/main.tf     old (disabled)
//	fixtures/x/main.tf fx (disabled)
//	cfn/sample.yaml    a template whose cluster is disabled
func selectionTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"app/main.tf":        tfCluster("app", "") + tfCluster("good", "86400"),
		"legacy/main.tf":     tfCluster("old", ""),
		"fixtures/x/main.tf": tfCluster("fx", ""),
		"cfn/sample.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Sample:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      EngineVersion: 8.0.mysql_aurora.3.04.0
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// addresses lists the resources a JSON report has findings for, sorted and unique.
func addresses(r model.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if !slices.Contains(out, f.Resource.Address) {
			out = append(out, f.Resource.Address)
		}
	}
	slices.Sort(out)
	return out
}

func TestSkipDirsAndFiles(t *testing.T) {
	tests := []struct {
		name   string
		ignore string // .kumoguardignore content
		args   []string
		want   []string
	}{
		{"everything", "", nil, []string{"Sample", "aws_rds_cluster.app", "aws_rds_cluster.fx", "aws_rds_cluster.good", "aws_rds_cluster.old"}},
		{"skip a directory by name", "", []string{"--skip-dirs", "legacy"}, []string{"Sample", "aws_rds_cluster.app", "aws_rds_cluster.fx", "aws_rds_cluster.good"}},
		{"skip nested directories with **", "", []string{"--skip-dirs", "**/x", "--skip-dirs", "legacy"}, []string{"Sample", "aws_rds_cluster.app", "aws_rds_cluster.good"}},
		{"anchored directory glob", "", []string{"--skip-dirs", "fixtures/*"}, []string{"Sample", "aws_rds_cluster.app", "aws_rds_cluster.good", "aws_rds_cluster.old"}},
		{"skip files by glob", "", []string{"--skip-files", "*.yaml"}, []string{"aws_rds_cluster.app", "aws_rds_cluster.fx", "aws_rds_cluster.good", "aws_rds_cluster.old"}},
		{"skip a Terraform file", "", []string{"--skip-files", "legacy/main.tf"}, []string{"Sample", "aws_rds_cluster.app", "aws_rds_cluster.fx", "aws_rds_cluster.good"}},
		{".kumoguardignore", "# not scanned\nlegacy/\nfixtures\n\ncfn/*.yaml\n", nil, []string{"aws_rds_cluster.app", "aws_rds_cluster.good"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := selectionTree(t)
			if tt.ignore != "" {
				if err := os.WriteFile(filepath.Join(dir, ".kumoguardignore"), []byte(tt.ignore), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := run(t, dir, append([]string{"scan", "iac", ".", "--format", "json"}, tt.args...)...)
			if res.code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", res.code, res.stderr)
			}
			if got := addresses(decode(t, res.stdout)); !slices.Equal(got, tt.want) {
				t.Errorf("scanned %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("negation in .kumoguardignore is an error", func(t *testing.T) {
		dir := selectionTree(t)
		os.WriteFile(filepath.Join(dir, ".kumoguardignore"), []byte("legacy\n!legacy/keep.tf\n"), 0o644)
		res := run(t, dir, "scan", "iac", ".")
		if res.code != 2 || !strings.Contains(res.stderr, ".kumoguardignore:2") {
			t.Errorf("exit %d, stderr %q; want 2 naming .kumoguardignore:2", res.code, res.stderr)
		}
	})
}

func TestRuleSeverityQuietIncludePassed(t *testing.T) {
	dir := selectionTree(t)
	type want struct {
		code  int
		rules []string       // rules present in the JSON report
		none  []model.Status // statuses that must not appear
		extra func(model.Report) string
	}
	tests := []struct {
		name string
		args []string
		want want
	}{
		{"--rule keeps one rule", []string{"--rule", "KG-BT-002"}, want{code: 1, rules: []string{"KG-BT-002"}}},
		{"--skip-rule", []string{"--skip-rule", "KG-BT-002,KG-BT-001"}, want{code: 0, rules: nil}},
		{"--severity of no rule here", []string{"--severity", "low"}, want{code: 0, rules: nil}},
		{"--include-passed=false", []string{"--include-passed=false"}, want{code: 1, rules: []string{"KG-BT-001", "KG-BT-002"}, none: []model.Status{model.StatusPass, model.StatusNotApplicable},
			extra: func(r model.Report) string {
				if r.Summary[model.StatusPass] == 0 {
					return "the summary no longer counts the PASS findings"
				}
				return ""
			}}},
		{"--quiet shows only what fails", []string{"--quiet", "--fail-on", "UNKNOWN"}, want{code: 0, rules: nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, dir, append([]string{"scan", "iac", ".", "--format", "json"}, tt.args...)...)
			if res.code != tt.want.code {
				t.Fatalf("exit %d, want %d; stderr %s", res.code, tt.want.code, res.stderr)
			}
			r := decode(t, res.stdout)
			var rules []string
			for _, f := range r.Findings {
				if !slices.Contains(rules, f.RuleID) {
					rules = append(rules, f.RuleID)
				}
				if slices.Contains(tt.want.none, f.Status) {
					t.Errorf("%s finding shown: %s %s", f.Status, f.RuleID, f.Resource.Address)
				}
			}
			slices.Sort(rules)
			if !slices.Equal(rules, tt.want.rules) {
				t.Errorf("rules %v, want %v", rules, tt.want.rules)
			}
			if tt.want.extra != nil {
				if msg := tt.want.extra(r); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
	t.Run("--quiet: only the failing findings, no notices", func(t *testing.T) {
		res := run(t, dir, "scan", "iac", ".", "--quiet", "--format", "table", "-o", "json="+filepath.Join(t.TempDir(), "r.json"))
		if res.code != 1 || res.stderr != "" {
			t.Errorf("exit %d stderr %q, want 1 and nothing on stderr", res.code, res.stderr)
		}
		if strings.Contains(res.stdout, "  PASS ") || !strings.Contains(res.stdout, "  FAIL ") {
			t.Errorf("quiet table:\n%s", res.stdout)
		}
	})
	t.Run("unknown rule and severity are usage errors", func(t *testing.T) {
		for _, args := range [][]string{{"--rule", "CKV_AWS_326"}, {"--severity", "urgent"}, {"--skip-rule", "KG-BT-9"}} {
			res := run(t, dir, append([]string{"scan", "iac", "."}, args...)...)
			if res.code != 2 || !strings.Contains(res.stderr, "expected one of") {
				t.Errorf("%v: exit %d stderr %q", args, res.code, res.stderr)
			}
		}
	})
	t.Run("table: one row per cluster", func(t *testing.T) {
		res := run(t, dir, "scan", "iac", "app")
		rows := 0
		for _, l := range strings.Split(res.stdout, "\n") {
			if strings.HasPrefix(l, "  FAIL ") && strings.Contains(l, "aws_rds_cluster.app") {
				rows++
			}
		}
		if rows != 1 || !strings.Contains(res.stdout, "↳ KG-BT-002 FAIL:") || !strings.Contains(res.stdout, "Clusters: 2 · FAIL 1 · PASS 1\n") {
			t.Errorf("want one FAIL row for aws_rds_cluster.app, KG-BT-002 under it and the cluster counts:\n%s", res.stdout)
		}
		if n := strings.Count(res.stdout, "↳ Fix:"); n != 1 {
			t.Errorf("%d remediations for one disabled cluster, want 1:\n%s", n, res.stdout)
		}
	})
}

func TestSeveralOutputs(t *testing.T) {
	dir := selectionTree(t)
	out := t.TempDir()
	sarif, js, md := filepath.Join(out, "k.sarif"), filepath.Join(out, "r.json"), filepath.Join(out, "bare.md")
	res := run(t, dir, "scan", "iac", ".", "-o", "sarif="+sarif, "-o", "JSON="+js, "--format", "markdown", "-o", md)
	if res.code != 1 {
		t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("the bare -o takes --format's report, standard output should be empty: %q", res.stdout)
	}
	for _, f := range []string{sarif, js, md} {
		if !strings.Contains(res.stderr, "wrote "+f+":") {
			t.Errorf("stderr does not say %s was written: %s", f, res.stderr)
		}
	}
	data, _ := os.ReadFile(js)
	r := decode(t, string(data))
	var s struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	sdata, _ := os.ReadFile(sarif)
	if err := json.Unmarshal(sdata, &s); err != nil || s.Version != "2.1.0" {
		t.Fatalf("SARIF file: %v %q", err, s.Version)
	}
	if mdata, _ := os.ReadFile(md); !strings.Contains(string(mdata), "KG-BT-001") {
		t.Error("the markdown file has no finding")
	}
	// One scan: both files hold the same findings.
	if r.Summary[model.StatusFail] == 0 {
		t.Error("JSON has no FAIL")
	}

	// Formats go to standard output when no bare -o is given.
	res = run(t, dir, "scan", "iac", ".", "-o", "json="+js, "--format", "csv")
	if !strings.HasPrefix(res.stdout, "status,") && !strings.Contains(strings.SplitN(res.stdout, "\n", 2)[0], "rule") {
		t.Errorf("--format csv did not go to standard output: %q", res.stdout)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "a.txt", "-o", "b.txt"}, "both take --format's report"},
		{[]string{"-o", "json=a.json", "-o", "sarif=a.json"}, "named twice"},
	} {
		res := run(t, dir, append([]string{"scan", "iac", "."}, tt.args...)...)
		if res.code != 2 || !strings.Contains(res.stderr, tt.want) {
			t.Errorf("%v: exit %d stderr %q, want 2 and %q", tt.args, res.code, res.stderr, tt.want)
		}
	}
}

func TestBaseline(t *testing.T) {
	dir := selectionTree(t)
	base := filepath.Join(t.TempDir(), "baseline.json")
	res := run(t, dir, "scan", "iac", ".", "--create-baseline", base, "--format", "json")
	if res.code != 1 || !strings.Contains(res.stderr, "wrote the baseline") {
		t.Fatalf("exit %d stderr %s", res.code, res.stderr)
	}
	// Nothing changed: nothing new, exit 0.
	res = run(t, dir, "scan", "iac", ".", "--baseline", base, "--format", "json")
	if r := decode(t, res.stdout); res.code != 0 || len(r.Findings) != 0 {
		t.Errorf("unchanged repository against its baseline: exit %d, %d findings", res.code, len(r.Findings))
	}
	// A new cluster and a changed one: only those are reported.
	os.WriteFile(filepath.Join(dir, "app/new.tf"), []byte(tfCluster("fresh", "")), 0o644)
	os.WriteFile(filepath.Join(dir, "legacy/main.tf"), []byte("# moved down a line\n"+tfCluster("old", "86400")), 0o644)
	res = run(t, dir, "scan", "iac", ".", "--baseline", base, "--format", "json")
	r := decode(t, res.stdout)
	if got, want := addresses(r), []string{"aws_rds_cluster.fresh", "aws_rds_cluster.old"}; res.code != 1 || !slices.Equal(got, want) {
		t.Errorf("exit %d, findings for %v, want 1 and %v", res.code, got, want)
	}
	if !strings.Contains(res.stderr, "unchanged since, not reported") {
		t.Errorf("stderr does not say what the baseline hid: %s", res.stderr)
	}
	res = run(t, dir, "scan", "iac", ".", "--baseline", filepath.Join(dir, "app/main.tf"))
	if res.code != 2 || !strings.Contains(res.stderr, "not a kumoguard JSON report") {
		t.Errorf("a baseline that is no report: exit %d stderr %q", res.code, res.stderr)
	}
}

func TestConventions(t *testing.T) {
	dir := selectionTree(t)
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
		not  string // not in stderr
	}{
		{"--root that does not exist", []string{"scan", "iac", ".", "--root", "/nope"}, 2, "--root /nope: no such directory", ""},
		{"--fail-on none,FAIL", []string{"scan", "iac", ".", "--fail-on", "none,FAIL"}, 2, "expected FAIL, UNKNOWN and ERROR, comma-separated, or none alone", "PASS"},
		{"--fail-on PASS", []string{"scan", "iac", ".", "--fail-on", "PASS"}, 2, `"PASS" cannot fail a scan`, "NOT_APPLICABLE"},
		{"--regions not a region", []string{"scan", "aws", "--regions", "us-east-1,mars-north-1", "--endpoint-url", "http://127.0.0.1:1"}, 2, `"mars-north-1" is not a Region of the aws partition`, ""},
		{"--regions across partitions", []string{"scan", "aws", "--regions", "us-east-1,cn-north-1", "--endpoint-url", "http://127.0.0.1:1"}, 2, "scan each partition separately", ""},
		{"--lookback in days", []string{"scan", "aws", "--lookback", "7x", "--endpoint-url", "http://127.0.0.1:1"}, 2, `invalid duration "7x" (expected e.g. 7d`, ""},
		{"live SARIF is not for code scanning", []string{"scan", "aws", "--format", "sarif", "--regions", "us-east-1", "--endpoint-url", "http://127.0.0.1:1", "--call-timeout", "2s"}, 2, "GitHub code scanning does not accept it", ""},
		{"Japanese usage error", []string{"scan", "iac", ".", "--lang", "ja", "--root", "/nope"}, 2, "--root /nope：ディレクトリがありません", ""},
		{"Japanese flag error", []string{"scan", "iac", ".", "--lang=ja", "--bogus"}, 2, "不明なフラグです：--bogus", ""},
		{"Japanese --fail-on", []string{"--lang", "ja", "scan", "iac", ".", "--fail-on", "none,FAIL"}, 2, "none だけを指定してください", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, dir, tt.args...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.want) || (tt.not != "" && strings.Contains(res.stderr, tt.not)) {
				t.Errorf("exit %d stderr %q; want %d, %q and not %q", res.code, res.stderr, tt.code, tt.want, tt.not)
			}
		})
	}
	t.Run("completion values", func(t *testing.T) {
		for _, tt := range []struct {
			args []string
			want []string
		}{
			{[]string{"__complete", "scan", "iac", "--format", ""}, []string{"sarif", "json", "table", "html"}},
			{[]string{"__complete", "scan", "iac", "--fail-on", "FAIL,"}, []string{"FAIL,ERROR", "FAIL,UNKNOWN"}},
			{[]string{"__complete", "scan", "iac", "--lang", ""}, []string{"en", "ja"}},
			{[]string{"__complete", "scan", "aws", "--regions", "us-east-1,ap-n"}, []string{"us-east-1,ap-northeast-1"}},
			{[]string{"__complete", "scan", "iac", "--rule", ""}, []string{"KG-BT-001\t"}},
		} {
			res := run(t, dir, tt.args...)
			for _, w := range tt.want {
				if !strings.Contains(res.stdout, w) {
					t.Errorf("%v: completion %q lacks %q", tt.args, res.stdout, w)
				}
			}
		}
	})
}
