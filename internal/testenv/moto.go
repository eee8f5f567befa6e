// Package testenv starts real services for tests: moto_server (AWS APIs) on a
// free loopback port, and FakeAWS, a small HTTP front that speaks the real
// AWS wire protocols for what moto lacks (pagination, EarliestBacktrackTime,
// faults, account:ListRegions) and proxies everything else to moto.
//
// Design (docs/testing-aws.md "Recommended harness"): one moto_server per
// test package, started in TestMain through MotoMain; tests that need it call
// SharedMoto(t), which skips cleanly when moto_server is not on PATH.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Moto is a running moto_server.
type Moto struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:40123.
	URL string
	cmd *exec.Cmd
}

var (
	shared        *Moto
	sharedSkipMsg string
)

// MotoMain runs a test package with one moto_server started before the tests
// and stopped after them. Use it as the body of TestMain:
//
//	func TestMain(m *testing.M) { testenv.MotoMain(m) }
//
// With -short, when fuzzing (the coordinator kills fuzz workers, which would
// leave their servers running), or when moto_server is not on PATH, no
// server is started and SharedMoto skips the tests that need it.
func MotoMain(m *testing.M) { os.Exit(RunWithMoto(m)) }

// RunWithMoto is MotoMain for a TestMain that has its own setup and
// teardown around the tests: it starts the package's moto_server, runs m
// and stops the server, returning m.Run's exit code.
func RunWithMoto(m *testing.M) int {
	// flag parsing happens in m.Run; testing.Short needs it first.
	switch {
	case hasArg("-test.short", "-test.short=true", "-short"):
		sharedSkipMsg = "-short: moto_server not started"
	case hasArgPrefix("-test.fuzz", "-fuzz="):
		sharedSkipMsg = "fuzzing: moto_server not started"
	default:
		mo, err := StartMoto()
		if err != nil {
			sharedSkipMsg = err.Error()
		} else {
			shared = mo
			defer mo.Stop()
		}
	}
	return m.Run()
}

func hasArg(names ...string) bool {
	for _, a := range os.Args[1:] {
		for _, n := range names {
			if a == n {
				return true
			}
		}
	}
	return false
}

func hasArgPrefix(prefixes ...string) bool {
	for _, a := range os.Args[1:] {
		for _, p := range prefixes {
			if strings.HasPrefix(a, p) {
				return true
			}
		}
	}
	return false
}

// SharedMoto returns the package's moto_server started by MotoMain, or skips
// the test with the reason it is not available.
func SharedMoto(t testing.TB) *Moto {
	t.Helper()
	if shared == nil {
		msg := sharedSkipMsg
		if msg == "" {
			msg = "moto_server not started: call testenv.MotoMain(m) from TestMain"
		}
		t.Skip(msg)
	}
	return shared
}

// StartMoto starts moto_server on a free loopback port and waits until it
// answers and its RDS backend is loaded (about 1 s).
func StartMoto() (*Moto, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, errors.New("moto_server is not on PATH (pip install 'moto[server]'); skipping tests that need it")
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", port)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Never set MOTO_ACCOUNT_ID: it would override per-account isolation.
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOTO_ACCOUNT_ID=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	cmd.Stdout = io.Discard
	cmd.Stderr = io.Discard
	// KUMOGUARD_MOTO_LOG=file keeps moto's log (tracebacks of 500s).
	if p := os.Getenv("KUMOGUARD_MOTO_LOG"); p != "" {
		if f, err := os.Create(p); err == nil {
			cmd.Stdout, cmd.Stderr = f, f
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	m := &Moto{URL: "http://127.0.0.1:" + port, cmd: cmd}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(m.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			m.Stop()
			return nil, fmt.Errorf("moto_server on %s did not become ready in 20 s", m.URL)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Warm up the lazily imported RDS backend so the first test is not slow.
	req, _ := http.NewRequest("POST", m.URL+"/", strings.NewReader("Action=DescribeDBClusters&Version=2014-10-31"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/rds/aws4_request, SignedHeaders=host, Signature=0")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return m, nil
}

// Stop terminates moto_server (SIGTERM to its process group) and waits.
func (m *Moto) Stop() {
	if m == nil || m.cmd == nil || m.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	m.cmd = nil
}

// Reset wipes every account and region in moto (POST /moto-api/reset).
// Credentials issued by STS before the reset silently map to the default
// account afterwards: rebuild credential caches after every reset.
func (m *Moto) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(m.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("moto reset: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("moto reset: HTTP %d", resp.StatusCode)
	}
}

// Seed makes moto's generated identifiers (account IDs, ...) deterministic
// from here on (POST /moto-api/seed?a=N), so golden files stay stable.
func (m *Moto) Seed(t testing.TB, n int) {
	t.Helper()
	resp, err := http.Post(fmt.Sprintf("%s/moto-api/seed?a=%d", m.URL, n), "application/json", nil)
	if err != nil {
		t.Fatalf("moto seed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("moto seed: HTTP %d", resp.StatusCode)
	}
}

// Config returns an SDK configuration for tests against endpoint: static
// credentials testing/testing, the given region, no retries (moto answers
// unimplemented calls with HTML 500s the SDK would retry), and a buildable
// HTTP client (AWS_CA_BUNDLE is set on this machine; a plain *http.Client
// fails with it).
func Config(endpoint, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(endpoint),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:   HTTPClient(),
	}
}

// WithTimeout is a helper for test contexts.
func WithTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port, nil
}
