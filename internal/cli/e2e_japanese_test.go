package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestJapaneseEverywhere: under --lang ja the reports name coverage for
// people (no raw keys), render durations as the console does, and the CLI's
// own messages are Japanese.
func TestJapaneseEverywhere(t *testing.T) {
	root := repoRoot(t)
	html := run(t, root, "scan", "iac", "examples/terraform", "examples/cloudformation/multi-env", "--format", "html", "--lang", "ja").stdout
	rawKey := regexp.MustCompile(`\b[a-z]+_[a-z_]+ \d`)
	if m := rawKey.FindString(html); m != "" {
		t.Errorf("the HTML shows a raw coverage key: %q", m)
	}
	for _, want := range []string{"CloudFormation テンプレート", "Terraform ファイル", "最小ウィンドウ</dt><dd>24 時間（86400 秒）"} {
		if !strings.Contains(html, want) {
			t.Errorf("the Japanese HTML lacks %q", want)
		}
	}
	table := run(t, root, "scan", "iac", "examples/terraform", "--lang", "ja").stdout
	for _, want := range []string{"（1 分 12 秒）", "最小ウィンドウ 24 時間"} {
		if !strings.Contains(table, want) {
			t.Errorf("the Japanese table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "（1m12s）") {
		t.Error("the Japanese table still writes 1m12s")
	}
	en := run(t, root, "scan", "iac", "examples/terraform").stdout
	if !strings.Contains(en, "(1m12s)") {
		t.Error("the English table no longer writes 1m12s")
	}
}

// TestJapaneseErrors: config problems, malformed directives and values
// described inside messages are Japanese under --lang ja.
func TestJapaneseErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", "# kumoguard:ignore KG-BT-001\nresource \"aws_rds_cluster\" \"x\" {\n  engine = \"aurora-mysql\"\n}\n")
	write("t.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  C:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      BacktrackWindow: 1.5\n")
	res := run(t, dir, "scan", "iac", ".", "--lang", "ja")
	for _, want := range []string{"KG-BT-001 の抑制に理由がありません", "が必要ですが、数値 1.5 です"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("Japanese table lacks %q:\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout, "has no reason") || strings.Contains(res.stdout, "number 1.5") {
		t.Errorf("English inside the Japanese table:\n%s", res.stdout)
	}
	write("kumoguard.yaml", "suppressions:\n  - rule: KG-BT-1\n")
	res = run(t, dir, "scan", "iac", ".", "--lang", "ja")
	if res.code != 2 || !strings.Contains(res.stderr, "kumoguard.yaml:2:5：\"KG-BT-1\" はルール ID ではありません") {
		t.Errorf("config error: exit %d stderr %q", res.code, res.stderr)
	}
	res = run(t, dir, "scan", "iac", ".")
	if res.code != 2 || !strings.Contains(res.stderr, `kumoguard.yaml:2:5: "KG-BT-1" is not a rule ID`) {
		t.Errorf("config error in English: exit %d stderr %q", res.code, res.stderr)
	}
}
