package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestDrillCommands runs drill plan, run and reap as a user does, against
// moto behind the backtrack fake, and checks their exit codes: 0 succeeded,
// 1 a drill failed (evidence written), 2 error.
func TestDrillCommands(t *testing.T) {
	mo := startMoto(t)
	region := "eu-west-1"
	api := rds.NewFromConfig(testenv.Config(mo.URL, region))
	ctx := testenv.WithTimeout(t, 30*time.Second)
	for _, c := range []struct {
		id string
		bt int64
	}{{"orders-prod", 86400}, {"flaky", 3600}, {"legacy", 0}} {
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
	fa := testenv.NewFakeAWS(mo.URL, testenv.FakeOptions{})
	defer fa.Close()
	fb := testenv.NewFakeBacktrack(fa.URL, testenv.FakeBacktrackOptions{Fail: func(id string) bool { return strings.HasPrefix(id, "kg-drill-flaky-") }})
	defer fb.Close()
	dir := t.TempDir()
	keyPath, pubPath, err := evidence.GenerateKey(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	common := []string{"--region", region, "--endpoint-url", fb.URL}
	changed := func() []string {
		var out []string
		for _, r := range fb.Requests() {
			op := r.Action[strings.Index(r.Action, ":")+1:]
			if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") {
				out = append(out, r.Action)
			}
		}
		return out
	}
	cases := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		changes  bool
		evidence int // documents expected in the evidence directory afterwards
	}{
		{name: "plan", args: []string{"drill", "plan", "orders-prod"}, code: 0,
			stdout: []string{"Drill plan for orders-prod", "rds:RestoreDBClusterToPointInTime", "rds:BacktrackDBCluster", "Cost:"}},
		{name: "plan ja", args: []string{"drill", "plan", "orders-prod", "--lang", "ja"}, code: 0,
			stdout: []string{"orders-prod のドリル計画", "費用："}},
		{name: "plan refused", args: []string{"drill", "plan", "legacy"}, code: 2, stdout: []string{"REFUSED"}, stderr: []string{"refused: legacy"}},
		{name: "run without --apply", args: []string{"drill", "run", "orders-prod"}, code: 0, stdout: []string{"run again with --apply"}},
		{name: "run without a key", args: []string{"drill", "run", "orders-prod", "--apply", "--key", filepath.Join(dir, "none.key")}, code: 2,
			stderr: []string{"--key"}},
		{name: "run succeeds", args: []string{"drill", "run", "orders-prod", "--apply", "--key", keyPath, "--evidence-dir", filepath.Join(dir, "ev")}, code: 0,
			stdout: []string{"succeeded: measured recovery", "Evidence: ", "Removed the clone"}, changes: true, evidence: 1},
		{name: "run with a failing drill", args: []string{"drill", "run", "orders-prod", "flaky", "--apply", "--key", keyPath, "--evidence-dir", filepath.Join(dir, "ev")}, code: 1,
			stdout: []string{"FAILED", "Removed the clone kg-drill-flaky-"}, stderr: []string{"1 drill(s) failed"}, changes: true, evidence: 3},
		{name: "run refused", args: []string{"drill", "run", "legacy", "--apply", "--key", keyPath, "--evidence-dir", filepath.Join(dir, "ev")}, code: 2,
			stderr: []string{"drill refused"}, evidence: 3},
		{name: "reap finds nothing", args: []string{"drill", "reap", "--apply"}, code: 0, stdout: []string{"No expired drill clones"}, evidence: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(changed())
			args := append(tc.args, common...)
			if tc.args[1] == "run" {
				args = append(args, "--poll-interval", "10ms")
			}
			r := runAWS(t, dir, args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if got := len(changed()) > before; got != tc.changes {
				t.Errorf("changing calls made: %v, want %v (%v)", got, tc.changes, changed()[before:])
			}
			files, _ := evidence.Files(filepath.Join(dir, "ev"))
			if len(files) != tc.evidence {
				t.Errorf("%d evidence documents, want %d", len(files), tc.evidence)
			}
			if strings.Contains(r.stdout+r.stderr, "secret-pw-123") {
				t.Error("a password leaked")
			}
		})
	}
	// The evidence verifies with the public key; the failed drill says so.
	pubPEM, err := os.ReadFile(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := evidence.LoadPublicKey(pubPath)
	if err != nil {
		t.Fatal(err, string(pubPEM))
	}
	files, _ := evidence.Files(filepath.Join(dir, "ev"))
	outcomes := map[string]int{}
	for _, res := range evidence.Verify(files, pub) {
		if !res.OK() {
			t.Errorf("%s: %s", res.File, res.Error())
			continue
		}
		outcomes[res.Doc.Source.Identifier+" "+res.Doc.Outcome]++
	}
	if outcomes["orders-prod succeeded"] != 2 || outcomes["flaky failed"] != 1 {
		t.Errorf("outcomes %v", outcomes)
	}
	out, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range out.DBClusters {
		if strings.HasPrefix(aws.ToString(c.DBClusterIdentifier), "kg-drill-") {
			t.Errorf("clone %s left behind", aws.ToString(c.DBClusterIdentifier))
		}
	}
}

// TestDrillCommandsGiveUpOnSilentEndpoint: like every AWS-talking command,
// the drill commands exit 2 with the call timeout instead of hanging.
func TestDrillCommandsGiveUpOnSilentEndpoint(t *testing.T) {
	silent := testenv.SilentEndpoint(t)
	dir := t.TempDir()
	keyPath, _, err := evidence.GenerateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	common := []string{"--endpoint-url", silent, "--call-timeout", "1s", "--region", "eu-west-1"}
	for _, args := range [][]string{
		{"drill", "plan", "orders"},
		{"drill", "run", "orders"},
		{"drill", "run", "orders", "--apply", "--key", keyPath},
		{"drill", "reap"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			r := runAWSWithin(t, ctx, dir, append(args, common...)...)
			if r.code != 2 || !strings.Contains(r.stderr, "no answer within the call timeout (1s)") {
				t.Errorf("exit %d, want 2 with the call timeout\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestDrillRunHelp: the documented flags are there; the test-only
// --db-endpoint is accepted but hidden from help.
func TestDrillRunHelp(t *testing.T) {
	r := run(t, t.TempDir(), "drill", "run", "--help")
	for _, flag := range []string{"--apply", "--evidence-dir", "--key", "--data-check", "--tables", "--forward", "--subnet-group",
		"--security-groups", "--instance-class", "--ttl", "--db-auth", "--backtrack-timeout", "--profile", "--region", "--endpoint-url", "--call-timeout"} {
		if !strings.Contains(r.stdout, flag+" ") {
			t.Errorf("drill run --help lacks %s", flag)
		}
	}
	if strings.Contains(r.stdout, "db-endpoint") {
		t.Error("--db-endpoint is shown in help")
	}
	for _, bad := range [][]string{
		{"drill", "run", "x", "--data-check", "rows"},
		{"drill", "run", "x", "--tables", "orders"},
		{"drill", "run", "x", "--data-check", "marker", "--tables", "a;drop"},
		{"drill", "run", "x", "--db-auth", "kerberos", "--db-endpoint", "127.0.0.1:1"},
	} {
		if r := run(t, t.TempDir(), bad...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)\n%s", bad, r.code, r.stderr)
		}
	}
}
