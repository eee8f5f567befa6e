package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/cli"
	"github.com/kumoguard/kumoguard/internal/drill/evidence"
)

func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// drillChain writes three signed drills of one cluster with keys made by
// `kumoguard drill keygen`, and returns the key directory and the files.
func drillChain(t *testing.T) (keys string, files []string) {
	t.Helper()
	keys = filepath.Join(t.TempDir(), "keys")
	if code, out, errOut := runCLI("drill", "keygen", "--dir", keys); code != 0 || !strings.Contains(out, "Key ID: ") {
		t.Fatalf("keygen: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI("drill", "keygen", "--dir", keys); code != cli.ExitFatal || !strings.Contains(errOut, "refusing to overwrite") {
		t.Errorf("a second keygen: exit %d %s", code, errOut)
	}
	key, err := evidence.LoadPrivateKey(filepath.Join(keys, evidence.PrivateKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "evidence")
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	for i, id := range []string{"a1", "a2", "a3"} {
		p, err := evidence.Append(dir, evidence.Sample("arn:aws:rds:us-east-1:123456789012:cluster:orders", id,
			start.Add(time.Duration(i)*30*24*time.Hour), evidence.OutcomeSucceeded), key)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	return keys, files
}

func TestDrillVerifyCommand(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(files []string) []string // the arguments to verify
		key    string                        // public key file under keys; "" the right one
		code   int
		want   []string // in the text output
	}{
		{"all good, by directory", func(f []string) []string { return []string{filepath.Dir(f[0])} }, "", 0,
			[]string{"OK    ", "3 verified, 0 failed", "Head of each chain", "arn:aws:rds:us-east-1:123456789012:cluster:orders  sha256:"}},
		{"edited byte", func(f []string) []string {
			raw, _ := os.ReadFile(f[0])
			os.WriteFile(f[0], bytes.Replace(raw, []byte(`"rows_after": 1200`), []byte(`"rows_after": 1201`), 1), 0o644)
			return []string{filepath.Dir(f[0])}
		}, "", 1, []string{"FAIL  " + "", "20260901T080000Z-a1.json", "signature:", "chain:", "1 verified, 2 failed"}},
		{"middle deleted", func(f []string) []string {
			os.Remove(f[1])
			return []string{filepath.Dir(f[0])}
		}, "", 1, []string{"20261031T080000Z-a3.json", "a document between them was deleted"}},
		{"wrong key", func(f []string) []string { return f }, "other", 1, []string{"key: signed by key", "0 verified, 3 failed"}},
		{"schema violation", func(f []string) []string {
			raw, _ := os.ReadFile(f[2])
			os.WriteFile(f[2], bytes.Replace(raw, []byte(`"outcome": "succeeded",`), []byte(`"outcome": "great",`), 1), 0o644)
			return f
		}, "", 1, []string{"20261031T080000Z-a3.json", "schema:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, files := drillChain(t)
			pub := filepath.Join(keys, evidence.PublicKeyFile)
			if tt.key != "" {
				other := filepath.Join(t.TempDir(), tt.key)
				if code, _, e := runCLI("drill", "keygen", "--dir", other); code != 0 {
					t.Fatal(e)
				}
				pub = filepath.Join(other, evidence.PublicKeyFile)
			}
			args := append([]string{"drill", "verify", "--public-key", pub}, tt.tamper(files)...)
			code, out, errOut := runCLI(args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			// JSON says the same.
			code, out, _ = runCLI(append(args, "--format", "json")...)
			var rep struct {
				Verified, Failed int
				Files            []struct {
					File     string
					Verified bool
					Problems []struct{ Check, Detail string }
				}
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("json: %v\n%s", err, out)
			}
			if (rep.Failed > 0) != (tt.code == 1) || code != tt.code {
				t.Errorf("json: %+v, exit %d", rep, code)
			}
		})
	}
	// An anchor catches the newest document deleted, which the chain cannot.
	keys, files := drillChain(t)
	pub := filepath.Join(keys, evidence.PublicKeyFile)
	_, out, _ := runCLI("drill", "verify", "--public-key", pub, "--format", "json", filepath.Dir(files[0]))
	var rep struct{ Heads map[string]string }
	json.Unmarshal([]byte(out), &rep)
	arn := "arn:aws:rds:us-east-1:123456789012:cluster:orders"
	anchor := arn + "=" + rep.Heads[arn]
	if code, out, e := runCLI("drill", "verify", "--public-key", pub, "--anchor", anchor, filepath.Dir(files[0])); code != 0 {
		t.Errorf("anchored, intact: exit %d\n%s%s", code, out, e)
	}
	os.Remove(files[2])
	if code, out, _ := runCLI("drill", "verify", "--public-key", pub, filepath.Dir(files[0])); code != 0 {
		t.Errorf("newest deleted, no anchor: exit %d (a chain alone cannot tell)\n%s", code, out)
	}
	if code, out, _ := runCLI("drill", "verify", "--public-key", pub, "--anchor", anchor, filepath.Dir(files[0])); code != 1 || !strings.Contains(out, "FAIL  anchor "+arn) {
		t.Errorf("newest deleted, anchored: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI("drill", "verify", "--public-key", pub, "--anchor", "nonsense", filepath.Dir(files[0])); code != cli.ExitFatal {
		t.Errorf("a bad --anchor: exit %d", code)
	}
	// Usage.
	if code, _, e := runCLI("drill", "verify", t.TempDir()); code != cli.ExitFatal || !strings.Contains(e, "--public-key") {
		t.Errorf("no key: exit %d %s", code, e)
	}
	if code, _, e := runCLI("drill", "verify", "--public-key", pub, t.TempDir()); code != cli.ExitFatal || !strings.Contains(e, "no evidence documents") {
		t.Errorf("empty directory: exit %d %s", code, e)
	}
}

func TestDrillReportCommand(t *testing.T) {
	keys, files := drillChain(t)
	pub := filepath.Join(keys, evidence.PublicKeyFile)
	out := filepath.Join(t.TempDir(), "drills.html")
	if code, _, e := runCLI("drill", "report", filepath.Dir(files[0]), "--public-key", pub, "--format", "html", "--output", out, "--lang", "ja"); code != 0 {
		t.Fatalf("report: exit %d %s", code, e)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`<html lang="ja">`, "訓練 a3", "検証済み", "CP-9(1)"} {
		if !strings.Contains(string(data), w) {
			t.Errorf("HTML report lacks %q", w)
		}
	}
	code, md, e := runCLI("drill", "report", files[0], files[1], files[2])
	if code != 0 || !strings.Contains(md, "# Backtrack drill evidence report") || !strings.Contains(md, "no expected key was given") {
		t.Errorf("markdown without a key: exit %d %s\n%s", code, e, md)
	}
	if code, _, _ := runCLI("drill", "report", files[0], "--format", "pdf"); code != cli.ExitFatal {
		t.Errorf("--format pdf: exit %d", code)
	}
}
