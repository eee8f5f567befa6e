package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// TestWriteOutputRespectsTheTarget: -o never replaces what the target is.
func TestWriteOutputRespectsTheTarget(t *testing.T) {
	dir := t.TempDir()

	t.Run("dash is standard output", func(t *testing.T) {
		var out bytes.Buffer
		wd, _ := os.Getwd()
		if err := writeOutput("-", &out, writeString("report\n")); err != nil || out.String() != "report\n" {
			t.Fatalf("got %q, %v", out.String(), err)
		}
		if _, err := os.Stat(filepath.Join(wd, "-")); err == nil {
			t.Error("a file named - was created")
		}
	})

	t.Run("regular file is replaced atomically and keeps its mode", func(t *testing.T) {
		p := filepath.Join(dir, "r.json")
		if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := writeOutput(p, io.Discard, writeString("new")); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		info, _ := os.Stat(p)
		if string(b) != "new" || info.Mode().Perm() != 0o600 {
			t.Errorf("content %q mode %v", b, info.Mode())
		}
	})

	t.Run("symlink stays a link and its target is written", func(t *testing.T) {
		target := filepath.Join(dir, "real.sarif")
		if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "link.sarif")
		if err := os.Symlink("real.sarif", link); err != nil {
			t.Fatal(err)
		}
		if err := writeOutput(link, io.Discard, writeString("new")); err != nil {
			t.Fatal(err)
		}
		info, err := os.Lstat(link)
		if err != nil || info.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the link was replaced: %v %v", info.Mode(), err)
		}
		if b, _ := os.ReadFile(target); string(b) != "new" {
			t.Errorf("target has %q", b)
		}
	})

	t.Run("dangling symlink creates its target", func(t *testing.T) {
		link := filepath.Join(dir, "dangling.json")
		if err := os.Symlink("made.json", link); err != nil {
			t.Fatal(err)
		}
		if err := writeOutput(link, io.Discard, writeString("x")); err != nil {
			t.Fatal(err)
		}
		if info, _ := os.Lstat(link); info.Mode()&os.ModeSymlink == 0 {
			t.Error("the link was replaced")
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "made.json")); string(b) != "x" {
			t.Errorf("target has %q", b)
		}
	})

	t.Run("character device is written, not replaced", func(t *testing.T) {
		if err := writeOutput(os.DevNull, io.Discard, writeString("discarded")); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(os.DevNull)
		if err != nil || info.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("%s is no longer a character device: %v %v", os.DevNull, info.Mode(), err)
		}
	})

	t.Run("FIFO is written, not replaced", func(t *testing.T) {
		fifo := filepath.Join(dir, "pipe")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		got := make(chan string, 1)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- err.Error()
				return
			}
			defer f.Close()
			b, _ := io.ReadAll(f)
			got <- string(b)
		}()
		if err := writeOutput(fifo, io.Discard, writeString("through the pipe")); err != nil {
			t.Fatal(err)
		}
		select {
		case s := <-got:
			if s != "through the pipe" {
				t.Errorf("reader got %q", s)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("nothing arrived through the FIFO")
		}
		if info, _ := os.Lstat(fifo); info.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced: %v", info.Mode())
		}
	})

	t.Run("directory is an error", func(t *testing.T) {
		if err := writeOutput(dir, io.Discard, writeString("x")); err == nil || !strings.Contains(err.Error(), "directory") {
			t.Errorf("writing to a directory: %v", err)
		}
	})
}

func TestExitCode(t *testing.T) {
	fail := model.Finding{RuleID: "KG-BT-001", Status: model.StatusFail}
	failSuppressed := fail
	failSuppressed.Suppressed = &model.Suppression{}
	failOn := map[model.Status]bool{model.StatusFail: true}
	for _, tc := range []struct {
		name         string
		scan         model.ScanInfo
		findings     []model.Finding
		allowPartial bool
		want         int
	}{
		{"clean", model.ScanInfo{}, nil, false, ExitOK},
		{"findings", model.ScanInfo{}, []model.Finding{fail}, false, ExitFindings},
		{"suppressed findings", model.ScanInfo{}, []model.Finding{failSuppressed}, false, ExitOK},
		{"incomplete", model.ScanInfo{Incomplete: true}, nil, false, ExitIncomplete},
		{"incomplete beats findings", model.ScanInfo{Incomplete: true}, []model.Finding{fail}, false, ExitIncomplete},
		{"incomplete, allowed", model.ScanInfo{Incomplete: true}, nil, true, ExitOK},
		{"incomplete, allowed, findings", model.ScanInfo{Incomplete: true}, []model.Finding{fail}, true, ExitFindings},
		{"interrupted", model.ScanInfo{Incomplete: true, Interrupted: true}, []model.Finding{fail}, false, ExitInterrupted},
		{"interrupted, allowed", model.ScanInfo{Incomplete: true, Interrupted: true}, nil, true, ExitInterrupted},
	} {
		if got := exitCode(model.Report{Scan: tc.scan, Findings: tc.findings}, failOn, tc.allowPartial); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestRulesCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run([]string{"rules", "--format", "json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rules model.Rules
	if err := json.Unmarshal(out.Bytes(), &rules); err != nil || len(rules) < 4 {
		t.Fatalf("rules JSON: %v\n%s", err, out.String())
	}
	for _, r := range rules {
		if r.ID == "" || r.Title.EN == "" || r.Title.JA == "" || r.HelpURI == "" {
			t.Errorf("rule metadata incomplete: %+v", r)
		}
	}
	out.Reset()
	if code := Run([]string{"rules", "--lang", "ja"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "KG-BT-001") ||
		!strings.Contains(out.String(), "バックトラック") {
		t.Errorf("rules in Japanese: exit %d\n%s", code, out.String())
	}
	if code := Run([]string{"rules", "--format", "xml"}, &out, &errb); code != ExitFatal {
		t.Errorf("unknown format: exit %d", code)
	}
}
