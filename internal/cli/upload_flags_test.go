package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// uploadReceiver is a kumoguard service's upload endpoint as the CLI sees
// it: it records each request and answers with the given status and body.
type uploadReceiver struct {
	mu     sync.Mutex
	auth   []string
	bodies [][]byte
}

func startUploadReceiver(t *testing.T, status int, answer string) (*httptest.Server, *uploadReceiver) {
	t.Helper()
	rec := &uploadReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.URL.Path != "/api/v1/uploads" {
			http.NotFound(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.auth = append(rec.auth, r.Header.Get("Authorization"))
		rec.bodies = append(rec.bodies, b)
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

// runEnv runs kumoguard in dir with a clean English environment plus env.
func runEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}, env...)
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

const uploadToken = "kgt_upload-test-token-9f8e7d"

func TestScanIaCUpload(t *testing.T) {
	root := repoRoot(t)
	srv, rec := startUploadReceiver(t, 201, `{"id":"up-1","scan_id":"scan-7","findings":5}`)
	out := filepath.Join(t.TempDir(), "report.sarif")
	env := []string{"KUMOGUARD_TOKEN=" + uploadToken, "GITHUB_REPOSITORY=acme/infra", "GITHUB_SHA=0123456789abcdef0123", "GITHUB_REF_NAME=main"}
	// SARIF to the file, the JSON report to the service.
	r := runEnv(t, root, env, "scan", "iac", "examples/terraform", "--format", "sarif", "--output", out,
		"--upload", srv.URL, "--upload-branch", "release/1")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the example has FAILs)\nstderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "uploaded acme/infra@0123456789ab: upload up-1, scan scan-7, 5 finding(s)") {
		t.Errorf("stderr does not confirm the upload: %s", r.stderr)
	}
	if len(rec.bodies) != 1 {
		t.Fatalf("%d uploads, want 1", len(rec.bodies))
	}
	if rec.auth[0] != "Bearer "+uploadToken {
		t.Errorf("Authorization = %q", rec.auth[0])
	}
	var body struct {
		Repository, Commit, Branch string
		Report                     json.RawMessage
	}
	if err := json.Unmarshal(rec.bodies[0], &body); err != nil {
		t.Fatal(err)
	}
	if body.Repository != "acme/infra" || body.Commit != "0123456789abcdef0123" || body.Branch != "release/1" {
		t.Errorf("origin = %q %q %q", body.Repository, body.Commit, body.Branch)
	}
	// The uploaded report is what --format json writes, byte for byte
	// (apart from the run's timestamps and duration).
	j := runEnv(t, root, nil, "scan", "iac", "examples/terraform", "--format", "json")
	if j.code != 1 {
		t.Fatalf("json run: exit %d: %s", j.code, j.stderr)
	}
	want, got := stripTimes(t, []byte(j.stdout)), stripTimes(t, body.Report)
	if !bytes.Equal(want, got) {
		t.Errorf("uploaded report differs from --format json:\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(r.stdout+r.stderr, uploadToken) {
		t.Error("the token was printed")
	}
}

// stripTimes blanks the scan's start time and duration, which differ
// between two runs, keeping every other byte.
func stripTimes(t *testing.T, b []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	stripped := 0
	for i, l := range lines {
		key, _, _ := strings.Cut(strings.TrimSpace(l), ":")
		if key == `"started_at"` || key == `"finished_at"` || key == `"duration_seconds"` {
			lines[i] = key
			stripped++
		}
	}
	if stripped == 0 {
		t.Fatal("no scan time found to blank: the report's time fields were renamed")
	}
	return []byte(strings.Join(lines, "\n"))
}

func TestScanIaCUploadFailure(t *testing.T) {
	root := repoRoot(t)
	srv, rec := startUploadReceiver(t, 403, `{"error":"token `+uploadToken+` is read-only"}`)
	out := filepath.Join(t.TempDir(), "report.json")
	env := []string{"KUMOGUARD_TOKEN=" + uploadToken}
	r := runEnv(t, root, env, "scan", "iac", "examples/terraform", "--format", "json", "--output", out,
		"--upload", srv.URL, "--upload-repository", "acme/infra", "--upload-commit", "abc")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\nstderr: %s", r.code, r.stderr)
	}
	if len(rec.bodies) != 1 {
		t.Errorf("%d uploads, want 1", len(rec.bodies))
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("the report was not written before the failed upload: %v", err)
	}
	for _, w := range []string{"HTTP 403", "is read-only"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q: %s", w, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, uploadToken) {
		t.Errorf("the token was printed: %s", r.stderr)
	}
}

func TestScanIaCUploadUsage(t *testing.T) {
	root := repoRoot(t)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no token", nil, []string{"--upload", "http://127.0.0.1:1"}, "KUMOGUARD_TOKEN"},
		{"bad URL", []string{"KUMOGUARD_TOKEN=x"}, []string{"--upload", "kg.example.com"}, "base URL"},
		{"origin without upload", nil, []string{"--upload-commit", "abc"}, "need --upload"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runEnv(t, root, tc.env, append([]string{"scan", "iac", "examples/terraform", "--format", "json"}, tc.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("a usage error still scanned: %d bytes of report", len(r.stdout))
			}
		})
	}
}
