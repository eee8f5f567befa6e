package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/kumoguard/kumoguard/internal/cli"
	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/report"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestCLIScanAWSDrillEvidence runs `kumoguard scan aws --evidence-dir`
// against moto with evidence written by evidence.Append: a recent successful
// drill passes KG-BT-004, a 120-day-old one fails as stale (and passes with
// --drill-max-age 180d, or drill_max_age in kumoguard.yaml), a cluster
// without evidence fails, an edited document is an ERROR naming the file, and
// a cluster out of scope is NOT_APPLICABLE. Without --evidence-dir there is
// no KG-BT-004 finding at all.
func TestCLIScanAWSDrillEvidence(t *testing.T) {
	moto := testenv.SharedMoto(t)
	moto.Reset(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	client := rds.NewFromConfig(testenv.Config(moto.URL, "us-east-1"))
	arns := map[string]string{}
	for _, c := range []struct {
		id, engine string
		bt         int64
	}{{"fresh", "aurora-mysql", 86400}, {"stale", "aurora-mysql", 86400}, {"none", "aurora-mysql", 86400},
		{"tampered", "aurora-mysql", 86400}, {"pg", "aurora-postgresql", 0}} {
		in := &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String(c.id), Engine: aws.String(c.engine),
			MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1")}
		if c.bt > 0 {
			in.BacktrackWindow = aws.Int64(c.bt)
		}
		out, err := client.CreateDBCluster(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		arns[c.id] = aws.ToString(out.DBCluster.DBClusterArn)
	}
	fake := testenv.NewFakeAWS(moto.URL, testenv.FakeOptions{})
	defer fake.Close()
	testenv.SetFakeCredentials(t)
	dir := t.TempDir()
	t.Chdir(dir)

	_, pubPath, err := evidence.GenerateKey(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := evidence.LoadPrivateKey(filepath.Join(dir, "keys", evidence.PrivateKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	ev := filepath.Join(dir, "evidence")
	now := time.Now().UTC().Truncate(time.Second)
	appendDrill := func(cluster, id string, age time.Duration) string {
		p, err := evidence.Append(ev, evidence.Sample(arns[cluster], id, now.Add(-age), evidence.OutcomeSucceeded), key)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	appendDrill("fresh", "f1", 200*24*time.Hour)
	appendDrill("fresh", "f2", 10*24*time.Hour)
	appendDrill("stale", "s1", 120*24*time.Hour)
	appendDrill("tampered", "t1", 20*24*time.Hour)
	edited := appendDrill("tampered", "t2", 5*24*time.Hour)
	raw, _ := os.ReadFile(edited)
	os.WriteFile(edited, bytes.Replace(raw, []byte(`"recovery_seconds": 120`), []byte(`"recovery_seconds": 60`), 1), 0o644)

	scanAWS := func(args ...string) (int, map[string]string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		base := []string{"scan", "aws", "--endpoint-url", fake.URL, "--regions", "us-east-1", "--format", "json", "--allow-partial"}
		code := cli.Run(append(base, args...), &stdout, &stderr)
		if code == cli.ExitFatal {
			return code, nil, stderr.String()
		}
		if err := report.ValidateJSON(stdout.Bytes()); err != nil {
			t.Fatalf("JSON report invalid: %v\n%s", err, stderr.String())
		}
		var rep struct {
			Findings []struct {
				RuleID   string `json:"rule_id"`
				Status   string
				Reason   string
				Message  struct{ EN string }
				Fix      *struct{ Summary struct{ EN string } }
				Resource struct{ ARN string }
			}
		}
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range rep.Findings {
			if f.RuleID == "KG-BT-004" {
				name := f.Resource.ARN[strings.LastIndex(f.Resource.ARN, ":")+1:]
				got[name] = f.Status + " " + f.Reason + " " + f.Message.EN
				if f.Fix != nil {
					got[name] += " FIX: " + f.Fix.Summary.EN
				}
			}
		}
		return code, got, stderr.String()
	}

	code, got, msg := scanAWS("--evidence-dir", ev, "--evidence-public-key", pubPath)
	if code != cli.ExitFindings {
		t.Errorf("exit %d, want 1 (FAIL findings)\n%s", code, msg)
	}
	want := map[string][]string{
		"fresh":    {"PASS DRILL_RECENT", "f2"},
		"stale":    {"FAIL DRILL_STALE", "s1", "maximum age of 90 days", "FIX: Run a backtrack drill", "kumoguard drill run " + arns["stale"] + " --apply"},
		"none":     {"FAIL DRILL_EVIDENCE_MISSING", ev, "FIX: Run a backtrack drill"},
		"tampered": {"ERROR DRILL_EVIDENCE_UNVERIFIED", edited, "signature", "FIX: Run kumoguard drill verify"},
		"pg":       {"NOT_APPLICABLE ENGINE_NOT_AURORA_MYSQL"},
	}
	for name, parts := range want {
		for _, p := range parts {
			if !strings.Contains(got[name], p) {
				t.Errorf("%s: KG-BT-004 %q lacks %q", name, got[name], p)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("KG-BT-004 findings %v, want one per cluster", got)
	}

	// A longer maximum age, from the flag or from kumoguard.yaml.
	if _, got, _ := scanAWS("--evidence-dir", ev, "--evidence-public-key", pubPath, "--drill-max-age", "180d"); !strings.HasPrefix(got["stale"], "PASS") {
		t.Errorf("--drill-max-age 180d: stale is %q", got["stale"])
	}
	os.WriteFile(filepath.Join(dir, "kumoguard.yaml"), []byte("drill_max_age: 26w\n"), 0o644)
	if _, got, _ := scanAWS("--evidence-dir", ev, "--evidence-public-key", pubPath); !strings.HasPrefix(got["stale"], "PASS") {
		t.Errorf("drill_max_age: 26w: stale is %q", got["stale"])
	}
	// The flag wins over the file.
	if _, got, _ := scanAWS("--evidence-dir", ev, "--evidence-public-key", pubPath, "--drill-max-age", "30d"); !strings.HasPrefix(got["stale"], "FAIL") {
		t.Errorf("--drill-max-age 30d over drill_max_age 26w: stale is %q", got["stale"])
	}
	os.Remove(filepath.Join(dir, "kumoguard.yaml"))

	// Without evidence the rule is not evaluated.
	if _, got, _ := scanAWS(); len(got) != 0 {
		t.Errorf("KG-BT-004 without --evidence-dir: %v", got)
	}
	// Verified with another key, every document is an ERROR.
	_, otherPub, _ := evidence.GenerateKey(filepath.Join(dir, "other"))
	if _, got, _ := scanAWS("--evidence-dir", ev, "--evidence-public-key", otherPub); !strings.HasPrefix(got["fresh"], "ERROR") || !strings.Contains(got["fresh"], "key") {
		t.Errorf("another key: fresh is %q", got["fresh"])
	}
	// Usage errors stop before any call.
	for _, args := range [][]string{
		{"--evidence-dir", ev},
		{"--evidence-public-key", pubPath},
		{"--evidence-dir", filepath.Join(dir, "missing"), "--evidence-public-key", pubPath},
		{"--evidence-dir", ev, "--evidence-public-key", pubPath, "--drill-max-age", "soon"},
	} {
		if code, _, msg := scanAWS(args...); code != cli.ExitFatal {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, msg)
		}
	}
}
