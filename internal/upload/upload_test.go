package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const token = "kgt_s3cr3t-token-value"

// received is what the test server saw.
type received struct {
	method, path, auth, ctype string
	body                      []byte
}

func server(t *testing.T, status int, answer string) (*httptest.Server, *received) {
	t.Helper()
	got := &received{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path = r.Method, r.URL.Path
		got.auth, got.ctype = r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		got.body, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// A report with characters json.Marshal would escape and indentation it
// would remove: the service must receive it as written.
const reportJSON = "{\n  \"schema_version\": 1,\n  \"findings\": [{\"message\": {\"en\": \"a < b & c > d\"}}]\n}\n"

func TestUploadSendsTheReportAsWritten(t *testing.T) {
	srv, got := server(t, 201, `{"id":"u-1","scan_id":42,"findings":3}`)
	c := &Client{BaseURL: srv.URL + "/base/", Token: token}
	res, err := c.Upload(context.Background(), Request{Repository: "acme/infra", Commit: "0123abc", Branch: "main", Report: []byte(reportJSON)})
	if err != nil {
		t.Fatal(err)
	}
	if res != (Response{ID: "u-1", ScanID: "42", Findings: 3}) {
		t.Errorf("response = %+v", res)
	}
	if got.method != "POST" || got.path != "/base/api/v1/uploads" {
		t.Errorf("request = %s %s, want POST /base/api/v1/uploads", got.method, got.path)
	}
	if got.auth != "Bearer "+token || got.ctype != "application/json" {
		t.Errorf("headers: Authorization %q, Content-Type %q", got.auth, got.ctype)
	}
	var body struct {
		Repository, Commit, Branch string
		Report                     json.RawMessage
	}
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, got.body)
	}
	if body.Repository != "acme/infra" || body.Commit != "0123abc" || body.Branch != "main" {
		t.Errorf("body = %+v", body)
	}
	if !bytes.Equal(body.Report, []byte(strings.TrimSpace(reportJSON))) {
		t.Errorf("report changed on the way:\n%s\nwant\n%s", body.Report, reportJSON)
	}
}

func TestUploadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, answer string
		status       int
		want         []string
	}{
		{"error string echoing the token", `{"error":"token ` + token + ` has role read"}`, 403, []string{"HTTP 403", "has role read", "[REDACTED]"}},
		{"error object", `{"error":{"code":"invalid","message":"report: schema_version missing"}}`, 400, []string{"HTTP 400", "schema_version missing"}},
		{"plain text", "upstream\nbroken", 502, []string{"HTTP 502", "upstream broken"}},
		{"200 is not 201", `{"id":"x"}`, 200, []string{"HTTP 200"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := server(t, tc.status, tc.answer)
			c := &Client{BaseURL: srv.URL, Token: token}
			_, err := c.Upload(context.Background(), Request{Repository: "r", Commit: "c", Report: []byte(`{}`)})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error shows the token: %q", err)
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"https://kg.example.com", "https://kg.example.com/api/v1/uploads", ""},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/v1/uploads", ""},
		{"https://kg.example.com/prefix//", "https://kg.example.com/prefix/api/v1/uploads", ""},
		{"kg.example.com", "", "base URL"},
		{"ftp://kg.example.com", "", "base URL"},
		{"https://user:hunter2@kg.example.com", "", "credentials"},
		{"https://kg.example.com/?token=x", "", "query"},
	} {
		got, err := Endpoint(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Endpoint(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the password: %v", err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Endpoint(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestRepositoryFromRemote(t *testing.T) {
	for in, want := range map[string]string{
		"https://x-access-token:ghs_secret@github.com/acme/infra.git": "acme/infra",
		"git@github.com:acme/infra.git":                               "acme/infra",
		"ssh://git@gitlab.example.com:2222/group/sub/proj":            "group/sub/proj",
		"https://github.com/acme/infra":                               "acme/infra",
		"":                                                            "",
	} {
		if got := RepositoryFromRemote(in); got != want {
			t.Errorf("RepositoryFromRemote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetectOrigin(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	gh := map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "abc", "GITHUB_REF_NAME": "feature/x"}
	gl := map[string]string{"CI_PROJECT_PATH": "grp/proj", "CI_COMMIT_SHA": "def", "CI_COMMIT_REF_NAME": "main"}
	dir := t.TempDir() // not a git checkout
	for _, tc := range []struct {
		name  string
		flags Origin
		env   map[string]string
		want  Origin
	}{
		{"github", Origin{}, gh, Origin{"acme/infra", "abc", "feature/x"}},
		{"gitlab", Origin{}, gl, Origin{"grp/proj", "def", "main"}},
		{"flags win", Origin{Repository: "mine", Branch: "rel"}, gh, Origin{"mine", "abc", "rel"}},
		{"nothing", Origin{}, nil, Origin{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectOrigin(context.Background(), tc.flags, env(tc.env), dir); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// Outside CI, the origin comes from git: the origin remote without its
// credentials, HEAD and the branch.
func TestDetectOriginFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "feature/upload")
	git("remote", "add", "origin", "https://x-access-token:ghs_SECRET@github.com/acme/infra.git")
	git("commit", "-q", "--allow-empty", "-m", "c")
	head := git("rev-parse", "HEAD")
	sub := filepath.Join(dir, "envs", "prod")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	got := DetectOrigin(context.Background(), Origin{}, func(string) string { return "" }, sub)
	if got != (Origin{"acme/infra", head, "feature/upload"}) {
		t.Errorf("got %+v", got)
	}
}
