package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

// runAWSWithin runs kumoguard like runAWS, but kills it when ctx ends so a
// command that hangs fails the test instead of hanging the suite.
func runAWSWithin(t *testing.T, ctx context.Context, dir string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = testenv.SubprocessEnv(t)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("kumoguard %s did not return before the test's deadline: it hangs", strings.Join(args, " "))
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// TestAWSCommandsGiveUpOnSilentEndpoint: every AWS-talking command, against
// an endpoint that accepts connections and never answers, exits 2 with the
// call timeout in its error instead of hanging. The test's own deadline is
// generous; it does not measure the time.
func TestAWSCommandsGiveUpOnSilentEndpoint(t *testing.T) {
	silent := testenv.SilentEndpoint(t)
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join(repoRoot(t), "internal", "fix", "testdata", "patch", "tf-absent"), dir)
	common := []string{"--endpoint-url", silent, "--call-timeout", "1s"}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"scan aws", []string{"scan", "aws", "--regions", "us-east-1", "--region", "us-east-1"}},
		{"runbook", []string{"runbook", "orders", "--region", "eu-west-1"}},
		{"runbook by ARN", []string{"runbook", "arn:aws:rds:eu-west-1:123456789012:cluster:orders"}},
		{"migrate", []string{"migrate", "orders", "--region", "eu-west-1"}},
		{"migrate --apply", []string{"migrate", "orders", "--region", "eu-west-1", "--apply", "--timeout", "1h"}},
		{"fix --check-aws", []string{"fix", ".", "--check-aws", "--region", "eu-west-1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			r := runAWSWithin(t, ctx, dir, append(tt.args, common...)...)
			if r.code != 2 || !strings.Contains(r.stderr, "no answer within the call timeout (1s)") {
				t.Errorf("exit %d, want 2 with the call timeout\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "correct-horse-battery-staple") {
				t.Error("a secret leaked")
			}
		})
	}
}

// TestAWSFlags: the four commands share --profile, --region, --endpoint-url
// and --call-timeout, and a call timeout that is not positive is a usage
// error before anything is called.
func TestAWSFlags(t *testing.T) {
	for _, c := range [][]string{{"scan", "aws"}, {"runbook"}, {"migrate"}, {"fix"}} {
		r := run(t, t.TempDir(), append(c, "--help")...)
		for _, flag := range []string{"--profile", "--region", "--endpoint-url", "--call-timeout"} {
			if !strings.Contains(r.stdout, flag+" ") {
				t.Errorf("%s --help lacks %s", strings.Join(c, " "), flag)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := runAWSWithin(t, ctx, t.TempDir(), "migrate", "orders", "--region", "eu-west-1", "--call-timeout", "0s", "--endpoint-url", testenv.SilentEndpoint(t))
	if r.code != 2 || !strings.Contains(r.stderr, "--call-timeout must be more than 0") {
		t.Errorf("--call-timeout 0s: exit %d %s", r.code, r.stderr)
	}
}
