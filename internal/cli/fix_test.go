package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestFixDiffWriteRescanIdempotent(t *testing.T) {
	for _, fixture := range []string{"tf-absent", "tf-variable-default", "tf-module-argument", "cfn-yaml-absent", "cfn-json-value"} {
		t.Run(fixture, func(t *testing.T) {
			dir := t.TempDir()
			testenv.CopyTree(t, filepath.Join(repoRoot(t), "internal", "fix", "testdata", "patch", fixture), dir)
			before := snapshotTree(t, dir)

			if r := run(t, dir, "scan", "iac", "."); r.code != 1 {
				t.Fatalf("scan before the fix: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			r := run(t, dir, "fix", ".")
			if r.code != 0 || !strings.Contains(r.stdout, "# kumoguard fix: ") || !strings.Contains(r.stdout, "+++ b/") {
				t.Fatalf("fix: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout, "correct-horse-battery-staple") {
				t.Errorf("the diff shows a password:\n%s", r.stdout)
			}
			if after := snapshotTree(t, dir); after != before {
				t.Fatal("fix without --write changed files")
			}
			if r := run(t, dir, "fix", ".", "--check"); r.code != 1 || !strings.Contains(r.stdout, "+++ b/") {
				t.Errorf("fix --check with a pending change: exit %d, want 1 and the diff", r.code)
			}
			if after := snapshotTree(t, dir); after != before {
				t.Fatal("fix --check changed files")
			}
			ja := run(t, dir, "fix", ".", "--lang", "ja")
			if !strings.Contains(ja.stdout, "# kumoguard fix: ") || !strings.Contains(ja.stderr, "ファイルが変更されます") {
				t.Errorf("Japanese output:\n%s%s", ja.stdout, ja.stderr)
			}
			if r := run(t, dir, "fix", ".", "--write"); r.code != 0 || !strings.Contains(r.stderr, "wrote ") {
				t.Fatalf("fix --write: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if r := run(t, dir, "scan", "iac", "."); r.code != 0 {
				t.Errorf("scan after the fix: exit %d, want 0 (every finding PASS)\n%s", r.code, r.stdout)
			}
			written := snapshotTree(t, dir)
			if r := run(t, dir, "fix", ".", "--write"); r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "nothing to change") {
				t.Errorf("second fix: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if r := run(t, dir, "fix", ".", "--check"); r.code != 0 {
				t.Errorf("fix --check with nothing pending: exit %d, want 0", r.code)
			}
			if snapshotTree(t, dir) != written {
				t.Error("running fix twice changed the files again")
			}
		})
	}
}

func TestFixRefusesClusterThatExistsWithoutBacktrack(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join(repoRoot(t), "internal", "fix", "testdata", "patch", "tf-plan-existing"), dir)
	before := snapshotTree(t, dir)
	r := run(t, dir, "fix", ".", "--write")
	if r.code != 0 || !strings.Contains(r.stdout, "not changed: aws_rds_cluster.legacy") || !strings.Contains(r.stdout, "kumoguard runbook") {
		t.Fatalf("fix: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if snapshotTree(t, dir) != before {
		t.Error("fix edited a cluster the plan shows to exist without backtrack")
	}
}

// snapshotTree returns every file's path and content, for comparisons.
func snapshotTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		b.WriteString(p + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestFixCheckAWSRefusesLiveClusterWithoutBacktrack(t *testing.T) {
	mo := startMoto(t)
	api := rds.NewFromConfig(testenv.Config(mo.URL, "eu-west-1"))
	ctx := testenv.WithTimeout(t, 30*time.Second)
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join(repoRoot(t), "internal", "fix", "testdata", "patch", "tf-absent"), dir)
	common := []string{"fix", ".", "--check-aws", "--region", "eu-west-1", "--endpoint-url", mo.URL}

	// Not in AWS yet: the window is added.
	r := runAWS(t, dir, common...)
	if r.code != 0 || !strings.Contains(r.stdout, "+  backtrack_window   = 86400") {
		t.Fatalf("cluster not created yet: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Exists without backtrack: refused, with the runbook.
	if _, err := api.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String("orders"), Engine: aws.String("aurora-mysql"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1")}); err != nil {
		t.Fatal(err)
	}
	before := snapshotTree(t, dir)
	r = runAWS(t, dir, append(common, "--write")...)
	if r.code != 0 || strings.Contains(r.stdout, "+++") || !strings.Contains(r.stdout, "Live state (arn:aws:rds:eu-west-1:") || !strings.Contains(r.stdout, "kumoguard runbook") {
		t.Fatalf("live cluster without backtrack: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if snapshotTree(t, dir) != before {
		t.Error("fix edited a cluster that exists without backtrack")
	}
}

// TestFixStaysInsideTheRepository: by default fix edits only under the
// repository holding the current directory; a local module outside it is
// refused until --allow-outside-root.
func TestFixStaysInsideTheRepository(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyTree(t, filepath.Join(repoRoot(t), "internal", "fix", "testdata", "safety", "outside-local"), dir)
	if err := os.Mkdir(filepath.Join(dir, "repo", ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	prod := filepath.Join(dir, "repo", "envs", "prod")
	before := snapshotTree(t, dir)
	r := run(t, prod, "fix", ".", "--write")
	if r.code != 0 || !strings.Contains(r.stdout, "outside the root") || !strings.Contains(r.stdout, "--allow-outside-root") {
		t.Fatalf("fix --write: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if snapshotTree(t, dir) != before {
		t.Fatal("fix edited a file outside the repository")
	}
	if r := run(t, prod, "fix", ".", "--write", "--allow-outside-root"); r.code != 0 || !strings.Contains(r.stderr, "wrote ") {
		t.Fatalf("fix --write --allow-outside-root: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "elsewhere", "main.tf"))
	if !strings.Contains(string(got), "86400") {
		t.Errorf("--allow-outside-root did not write:\n%s", got)
	}
}
