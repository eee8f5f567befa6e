package cli_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestRunbookForIaCFinding(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join(repoRoot(t), "internal", "fix", "testdata", "patch", "tf-plan-existing"), dir)
	r := run(t, dir, "runbook", "--iac", ".", "--resource", "aws_rds_cluster.legacy", "--lang", "ja", "--min-window", "48h")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"# バックトラック移行手順書：legacy-prod", "--backtrack-window 172800", "`legacy-prod-bt`",
		"mysql.rds_set_external_master", "terraform state rm 'aws_rds_cluster.legacy'"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("runbook lacks %q", want)
		}
	}
	if r := run(t, dir, "runbook", "--iac", ".", "--resource", "aws_rds_cluster.nope"); r.code != 2 || !strings.Contains(r.stderr, "aws_rds_cluster.nope") {
		t.Errorf("unknown resource: exit %d %s", r.code, r.stderr)
	}
}

// runAWS runs kumoguard with test credentials for moto.
func runAWS(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = testenv.SubprocessEnv(t, "AWS_MAX_ATTEMPTS=1")
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

// startMoto returns the package's moto_server, wiped for this test, or
// skips without one.
func startMoto(t *testing.T) *testenv.Moto {
	t.Helper()
	mo := testenv.SharedMoto(t)
	mo.Reset(t)
	return mo
}

func TestRunbookForLiveCluster(t *testing.T) {
	mo := startMoto(t)
	api := rds.NewFromConfig(testenv.Config(mo.URL, "eu-west-1"))
	ctx := testenv.WithTimeout(t, 30*time.Second)
	for _, c := range []struct {
		id string
		bt int64
	}{{"legacy", 0}, {"modern", 3600}} {
		if _, err := api.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String(c.id), Engine: aws.String("aurora-mysql"),
			EngineVersion: aws.String("8.0.mysql_aurora.3.04.0"), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("secret-pw-123"),
			BacktrackWindow: aws.Int64(c.bt)}); err != nil {
			t.Fatal(err)
		}
		if _, err := api.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(c.id + "-1"),
			DBClusterIdentifier: aws.String(c.id), Engine: aws.String("aurora-mysql"), DBInstanceClass: aws.String("db.r6g.large")}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	r := runAWS(t, dir, "runbook", "legacy", "--region", "eu-west-1", "--endpoint-url", mo.URL, "--output", "rb.md")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "rb.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(data)
	for _, want := range []string{"# Backtrack migration runbook: legacy", "--db-instance-class db.r6g.large", "--db-instance-identifier legacy-1-bt", "--region eu-west-1"} {
		if !strings.Contains(md, want) {
			t.Errorf("runbook lacks %q", want)
		}
	}
	if strings.Contains(md, "secret-pw-123") || strings.Contains(r.stderr, "testing") {
		t.Error("a secret or credential leaked")
	}
	// A cluster with backtrack needs no migration.
	r = runAWS(t, dir, "runbook", "modern", "--region", "eu-west-1", "--endpoint-url", mo.URL)
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "already has backtrack") || !strings.Contains(r.stderr, "--backtrack-window 86400") {
		t.Errorf("modern (1h window, 24h target): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// One whose window already meets the target is never told to raise it.
	r = runAWS(t, dir, "runbook", "modern", "--region", "eu-west-1", "--endpoint-url", mo.URL, "--min-window", "1h")
	if r.code != 0 || !strings.Contains(r.stderr, "nothing to do") || strings.Contains(r.stderr, "modify-db-cluster") {
		t.Errorf("modern (1h window, 1h target): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runAWS(t, dir, "runbook", "missing", "--region", "eu-west-1", "--endpoint-url", mo.URL); r.code != 2 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("missing: exit %d %s", r.code, r.stderr)
	}
}
