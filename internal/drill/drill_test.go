package drill

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// One moto_server for the package; tests that need it skip without it.
func TestMain(m *testing.M) { testenv.MotoMain(m) }

const region = "us-east-1"

type env struct {
	moto   *testenv.Moto
	direct *rds.Client
	fa     *testenv.FakeAWS
	fb     *testenv.FakeBacktrack
	cfg    aws.Config
	key    ed25519.PrivateKey
	pub    ed25519.PublicKey
	dir    string
}

type envOptions struct {
	backtrack testenv.FakeBacktrackOptions
	deny      func(action string) bool
}

func newEnv(t *testing.T, eo envOptions) *env {
	t.Helper()
	mo := testenv.SharedMoto(t)
	mo.Reset(t)
	e := &env{moto: mo, direct: rds.NewFromConfig(testenv.Config(mo.URL, region)), dir: t.TempDir()}
	e.fa = testenv.NewFakeAWS(mo.URL, testenv.FakeOptions{Deny: func(_, _, action string) bool {
		return eo.deny != nil && eo.deny(action)
	}})
	t.Cleanup(e.fa.Close)
	e.fb = testenv.NewFakeBacktrack(e.fa.URL, eo.backtrack)
	t.Cleanup(e.fb.Close)
	e.cfg = testenv.Config(e.fb.URL, region)
	var err error
	e.pub, e.key, err = ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

type sourceSpec struct {
	id             string
	window         int64
	instances      int
	paramGroup     string // with binlog_format=ROW when binlog
	binlog         bool
	managedSecret  bool
	engine         string
	withoutCluster bool
}

func (e *env) createSource(t *testing.T, s sourceSpec) {
	t.Helper()
	ctx := testenv.WithTimeout(t, 30*time.Second)
	if s.binlog {
		s.paramGroup = s.id + "-params"
		if _, err := e.direct.CreateDBClusterParameterGroup(ctx, &rds.CreateDBClusterParameterGroupInput{
			DBClusterParameterGroupName: aws.String(s.paramGroup), DBParameterGroupFamily: aws.String("aurora-mysql8.0"),
			Description: aws.String("binlog on")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.direct.ModifyDBClusterParameterGroup(ctx, &rds.ModifyDBClusterParameterGroupInput{
			DBClusterParameterGroupName: aws.String(s.paramGroup),
			Parameters: []types.Parameter{{ParameterName: aws.String("binlog_format"), ParameterValue: aws.String("ROW"),
				ApplyMethod: types.ApplyMethodPendingReboot}}}); err != nil {
			t.Fatal(err)
		}
	}
	in := &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String(s.id), Engine: aws.String(firstNonEmpty(s.engine, "aurora-mysql")),
		EngineVersion: aws.String("8.0.mysql_aurora.3.04.0"), MasterUsername: aws.String("admin"),
		BacktrackWindow: aws.Int64(s.window), Port: aws.Int32(3306), DeletionProtection: aws.Bool(true),
	}
	if s.engine == "aurora-postgresql" {
		in.EngineVersion = aws.String("15.4")
	}
	if s.managedSecret {
		in.ManageMasterUserPassword = aws.Bool(true)
	} else {
		in.MasterUserPassword = aws.String("not-a-real-password-1")
	}
	if s.paramGroup != "" {
		in.DBClusterParameterGroupName = aws.String(s.paramGroup)
	}
	if _, err := e.direct.CreateDBCluster(ctx, in); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < s.instances; i++ {
		if _, err := e.direct.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(fmt.Sprintf("%s-%d", s.id, i+1)), DBClusterIdentifier: aws.String(s.id),
			Engine: in.Engine, DBInstanceClass: aws.String("db.r6g.large")}); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) options(out *bytes.Buffer) Options {
	return Options{Lang: "en", Out: out, Apply: true, EvidenceDir: e.dir, Key: e.key, Version: "test",
		PollInterval: time.Millisecond, WaitPoll: time.Millisecond, MarkerGap: 20 * time.Millisecond,
		WaitTimeout: 20 * time.Second, BacktrackTimeout: 20 * time.Second, CleanupTimeout: 20 * time.Second}
}

// exists tells whether a cluster or instance exists in moto.
func (e *env) clusterExists(t *testing.T, id string) bool {
	t.Helper()
	out, err := e.direct.DescribeDBClusters(context.Background(), &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(id)})
	var nf *types.DBClusterNotFoundFault
	if errors.As(err, &nf) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(out.DBClusters) > 0
}

func (e *env) instanceExists(t *testing.T, id string) bool {
	t.Helper()
	out, err := e.direct.DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	var nf *types.DBInstanceNotFoundFault
	if errors.As(err, &nf) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(out.DBInstances) > 0
}

var readOnly = []string{"Describe", "List", "Get"}

func isReadOnly(action string) bool {
	op := action[strings.Index(action, ":")+1:]
	for _, p := range readOnly {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// assertSourceUntouched proves from the request log that no request that
// changes anything named the source (only RestoreDBClusterToPointInTime may
// name it, as SourceDBClusterIdentifier), and that every change targeted a
// drill resource.
func assertSourceUntouched(t *testing.T, reqs []testenv.FakeRequest, source string) {
	t.Helper()
	for _, r := range reqs {
		if isReadOnly(r.Action) {
			continue
		}
		for k, v := range r.Params {
			if k == "SourceDBClusterIdentifier" && r.Action == "rds:RestoreDBClusterToPointInTime" {
				continue
			}
			if !strings.HasSuffix(k, "Identifier") && k != "ResourceName" && k != "SecretId" {
				continue
			}
			if strings.Contains(v, source) && !strings.Contains(v, NamePrefix) {
				t.Errorf("%s named the source %s in %s=%s", r.Action, source, k, v)
			}
		}
		for _, k := range []string{"DBClusterIdentifier", "DBInstanceIdentifier"} {
			if v, ok := r.Params[k]; ok && !strings.HasPrefix(v, NamePrefix) {
				t.Errorf("%s changed %s=%s, which is not a drill resource", r.Action, k, v)
			}
		}
	}
}

func actions(reqs []testenv.FakeRequest) map[string]int {
	out := map[string]int{}
	for _, r := range reqs {
		out[r.Action]++
	}
	return out
}

func verifyEvidence(t *testing.T, path string, pub ed25519.PublicKey) *evidence.Document {
	t.Helper()
	res := evidence.Verify([]string{path}, pub)
	if len(res) != 1 || !res[0].OK() {
		t.Fatalf("evidence %s does not verify: %+v", path, res)
	}
	return res[0].Doc
}

func TestRunAgainstMoto(t *testing.T) {
	cases := []struct {
		name        string
		source      sourceSpec
		failBT      bool
		forward     bool
		wantOK      bool
		wantForce   bool
		wantBTs     int
		wantPhases  []string
		wantFailure string
	}{
		{name: "succeeds", source: sourceSpec{id: "orders-prod", window: 86400, instances: 2}, wantOK: true, wantBTs: 1,
			wantPhases: []string{PhasePreflight, PhaseClone, PhaseInstance, PhaseBacktrack}},
		{name: "forward too", source: sourceSpec{id: "orders-prod", window: 86400, instances: 1}, forward: true, wantOK: true, wantBTs: 2,
			wantPhases: []string{PhasePreflight, PhaseClone, PhaseInstance, PhaseBacktrack, PhaseForward}},
		{name: "binlog needs Force", source: sourceSpec{id: "billing", window: 3600, instances: 1, binlog: true}, wantOK: true, wantForce: true, wantBTs: 1,
			wantPhases: []string{PhasePreflight, PhaseClone, PhaseInstance, PhaseBacktrack}},
		{name: "backtrack fails", source: sourceSpec{id: "orders-prod", window: 86400, instances: 1}, failBT: true, wantBTs: 1,
			wantPhases: []string{PhasePreflight, PhaseClone, PhaseInstance, PhaseBacktrack}, wantFailure: "backtrack of kg-drill-orders-prod-"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ebt := time.Now().UTC().Add(-20 * time.Hour)
			e := newEnv(t, envOptions{backtrack: testenv.FakeBacktrackOptions{
				Fail:                  func(string) bool { return tc.failBT },
				StepsPerStatus:        2,
				EarliestBacktrackTime: func(id string) *time.Time { return &ebt },
			}})
			e.createSource(t, tc.source)
			var out bytes.Buffer
			o := e.options(&out)
			o.Forward = tc.forward
			res, err := Run(testenv.WithTimeout(t, 60*time.Second), e.cfg, tc.source.id, o)
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, out.String())
			}
			if res.Succeeded != tc.wantOK {
				t.Fatalf("succeeded %v, want %v: %s\n%s", res.Succeeded, tc.wantOK, res.Document.FailureReason, out.String())
			}
			if !res.CleanedUp || e.clusterExists(t, res.Plan.Clone) || e.instanceExists(t, res.Plan.Instance) {
				t.Errorf("the clone %s or its instance is still there (cleaned up %v: %v)", res.Plan.Clone, res.CleanedUp, res.CleanupError)
			}
			if !e.clusterExists(t, tc.source.id) {
				t.Fatalf("the source %s is gone", tc.source.id)
			}
			doc := verifyEvidence(t, res.EvidencePath, e.pub)
			var phases []string
			for _, p := range doc.Phases {
				phases = append(phases, p.Name)
			}
			if !slices.Equal(phases, tc.wantPhases) {
				t.Errorf("phases %v, want %v", phases, tc.wantPhases)
			}
			if len(doc.Backtracks) != tc.wantBTs {
				t.Errorf("%d backtracks in the evidence, want %d", len(doc.Backtracks), tc.wantBTs)
			}
			if tc.wantFailure != "" && !strings.Contains(doc.FailureReason, tc.wantFailure) {
				t.Errorf("failure reason %q, want it to contain %q", doc.FailureReason, tc.wantFailure)
			}
			if doc.Source.Identifier != tc.source.id || doc.Clone.Identifier != res.Plan.Clone || doc.Clone.BacktrackWindowSeconds != DefaultCloneWindow {
				t.Errorf("evidence source/clone: %+v %+v", doc.Source, doc.Clone)
			}
			if doc.Production.EarliestBacktrackTime == nil || doc.Production.AchievedSeconds < 19*3600 || doc.Production.TargetWindowSeconds != tc.source.window {
				t.Errorf("production window %+v", doc.Production)
			}
			if doc.CallerARN == "" || doc.Account == "" {
				t.Errorf("caller %q account %q", doc.CallerARN, doc.Account)
			}
			if tc.wantOK && doc.RecoverySeconds <= 0 {
				t.Errorf("recovery seconds %v", doc.RecoverySeconds)
			}
			// The backtracks: on the clone only, with Force exactly when binlog.
			reqs := e.fb.Requests()
			var bts []testenv.FakeRequest
			for _, r := range reqs {
				if r.Action == "rds:BacktrackDBCluster" {
					bts = append(bts, r)
				}
			}
			if len(bts) != tc.wantBTs {
				t.Fatalf("%d BacktrackDBCluster calls, want %d", len(bts), tc.wantBTs)
			}
			for _, b := range bts {
				if b.Params["DBClusterIdentifier"] != res.Plan.Clone {
					t.Errorf("backtracked %s, not the clone %s", b.Params["DBClusterIdentifier"], res.Plan.Clone)
				}
				if got := b.Params["Force"] == "true"; got != tc.wantForce {
					t.Errorf("Force %q, want %v", b.Params["Force"], tc.wantForce)
				}
			}
			if doc.Source.BinlogEnabled != tc.wantForce {
				t.Errorf("binlog_enabled %v", doc.Source.BinlogEnabled)
			}
			assertSourceUntouched(t, reqs, tc.source.id)
			// The restore: copy-on-write, latest time, window, both tags.
			for _, r := range reqs {
				if r.Action != "rds:RestoreDBClusterToPointInTime" {
					continue
				}
				p := r.Params
				if p["RestoreType"] != "copy-on-write" || p["UseLatestRestorableTime"] != "true" || p["BacktrackWindow"] != "3600" ||
					p["SourceDBClusterIdentifier"] != tc.source.id || !strings.HasPrefix(p["DBClusterIdentifier"], "kg-drill-"+tc.source.id+"-") {
					t.Errorf("restore parameters %v", p)
				}
				tags := map[string]string{}
				for i := 1; p[fmt.Sprintf("Tags.Tag.%d.Key", i)] != ""; i++ {
					tags[p[fmt.Sprintf("Tags.Tag.%d.Key", i)]] = p[fmt.Sprintf("Tags.Tag.%d.Value", i)]
				}
				if tags[TagDrillID] != res.Plan.DrillID || tags[TagExpiresAt] == "" {
					t.Errorf("restore tags %v", tags)
				}
			}
			// Polled at least once per status step before completing.
			if n := actions(reqs)["rds:DescribeDBClusterBacktracks"]; n < 4*tc.wantBTs && !tc.failBT {
				t.Errorf("only %d DescribeDBClusterBacktracks polls", n)
			}
			if !strings.Contains(out.String(), "Evidence: "+res.EvidencePath) {
				t.Errorf("output does not say where the evidence is:\n%s", out.String())
			}
			// Every call is allowed by the drill's IAM policy.
			checkPolicy(t, reqs)
		})
	}
}

func TestPlanAndRefusals(t *testing.T) {
	cases := []struct {
		name      string
		source    sourceSpec
		fullGroup bool
		apply     bool
		lang      string
		wantErr   error
		wantOut   []string
	}{
		{name: "plan only changes nothing", source: sourceSpec{id: "orders-prod", window: 86400, instances: 1},
			wantOut: []string{"rds:RestoreDBClusterToPointInTime", "rds:BacktrackDBCluster", "rds:DeleteDBCluster", "price unknown", "run again with --apply"}},
		{name: "plan in Japanese", source: sourceSpec{id: "orders-prod", window: 86400, instances: 1}, lang: "ja",
			wantOut: []string{"ドリル計画", "料金不明", "--apply を付けて再実行"}},
		{name: "no backtrack", source: sourceSpec{id: "legacy", window: 0, instances: 1}, apply: true, wantErr: ErrRefused,
			wantOut: []string{"REFUSED", "no backtrack"}},
		{name: "no instance", source: sourceSpec{id: "empty", window: 3600}, apply: true, wantErr: ErrRefused,
			wantOut: []string{"no DB instance"}},
		{name: "postgres", source: sourceSpec{id: "pg", window: 0, instances: 1, engine: "aurora-postgresql"}, apply: true, wantErr: ErrRefused,
			wantOut: []string{"only for Aurora MySQL"}},
		{name: "clone group full", source: sourceSpec{id: "orders-prod", window: 86400, instances: 1}, fullGroup: true, apply: true, wantErr: ErrRefused,
			wantOut: []string{"15 copy-on-write clones", "full copy"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			e.createSource(t, tc.source)
			if tc.fullGroup {
				e.fb.SetCloneGroup(tc.source.id, "group-1")
				for i := 0; i < MaxCopyOnWriteClones; i++ {
					id := fmt.Sprintf("other-clone-%d", i)
					e.createSource(t, sourceSpec{id: id, window: 3600})
					e.fb.SetCloneGroup(id, "group-1")
				}
			}
			var out bytes.Buffer
			o := e.options(&out)
			o.Apply, o.Lang = tc.apply, firstNonEmpty(tc.lang, "en")
			_, err := Run(testenv.WithTimeout(t, 30*time.Second), e.cfg, tc.source.id, o)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err %v, want %v\n%s", err, tc.wantErr, out.String())
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, r := range e.fb.Requests() {
				if !isReadOnly(r.Action) {
					t.Errorf("%s made a changing call %s", tc.name, r.Action)
				}
			}
		})
	}
}

func TestCancelledDrillRemovesItsClone(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createSource(t, sourceSpec{id: "orders-prod", window: 86400, instances: 1})
	ctx, cancel := context.WithCancel(testenv.WithTimeout(t, 60*time.Second))
	defer cancel()
	// Cancel (as Ctrl-C does) the moment the clone exists.
	w := &cancelOn{match: "Cloning orders-prod", cancel: cancel}
	o := e.options(nil)
	o.Out = w
	res, err := Run(ctx, e.cfg, "orders-prod", o)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, w.String())
	}
	if !w.fired.Load() {
		t.Fatal("the drill never reached the clone")
	}
	if res.Succeeded || !strings.Contains(res.Document.FailureReason, "interrupted") {
		t.Errorf("a cancelled drill: succeeded %v, reason %q", res.Succeeded, res.Document.FailureReason)
	}
	if e.clusterExists(t, res.Plan.Clone) || e.instanceExists(t, res.Plan.Instance) || !res.CleanedUp {
		t.Errorf("the cancelled drill left its clone %s behind (%v)", res.Plan.Clone, res.CleanupError)
	}
	doc := verifyEvidence(t, res.EvidencePath, e.pub)
	if doc.Outcome != evidence.OutcomeFailed {
		t.Errorf("outcome %s", doc.Outcome)
	}
	assertSourceUntouched(t, e.fb.Requests(), "orders-prod")
}

type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	match  string
	cancel func()
	fired  atomic.Bool
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Contains(p, []byte(c.match)) {
		c.fired.Store(true)
		c.cancel()
	}
	return c.buf.Write(p)
}

func (c *cancelOn) String() string { c.mu.Lock(); defer c.mu.Unlock(); return c.buf.String() }

func TestKilledDrillIsReaped(t *testing.T) {
	var denyDeletes atomic.Bool
	denyDeletes.Store(true)
	e := newEnv(t, envOptions{deny: func(action string) bool {
		return denyDeletes.Load() && (action == "rds:DeleteDBInstance" || action == "rds:DeleteDBCluster")
	}})
	e.createSource(t, sourceSpec{id: "orders-prod", window: 86400, instances: 1})
	// A drill that cannot clean up: what a killed drill leaves.
	o := e.options(&bytes.Buffer{})
	o.TTL = time.Hour
	res, err := Run(testenv.WithTimeout(t, 60*time.Second), e.cfg, "orders-prod", o)
	if err == nil || res.CleanedUp || !e.clusterExists(t, res.Plan.Clone) {
		t.Fatalf("expected a clone left behind: err %v cleaned %v", err, res.CleanedUp)
	}
	if res.EvidencePath == "" {
		t.Fatal("no evidence although the drill ran")
	}
	denyDeletes.Store(false)
	// Decoys reap must leave alone: untagged, unexpired, not drill-named.
	ctx := testenv.WithTimeout(t, 30*time.Second)
	past, future := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339), time.Now().UTC().Add(48*time.Hour).Format(time.RFC3339)
	decoys := map[string][]types.Tag{
		"kg-drill-untagged-0000aaaa":  nil,
		"kg-drill-unexpired-0000bbbb": {{Key: aws.String(TagDrillID), Value: aws.String("bbbb")}, {Key: aws.String(TagExpiresAt), Value: aws.String(future)}},
		"orders-copy":                 {{Key: aws.String(TagDrillID), Value: aws.String("cccc")}, {Key: aws.String(TagExpiresAt), Value: aws.String(past)}},
		"kg-drill-badexpiry-0000dddd": {{Key: aws.String(TagDrillID), Value: aws.String("dddd")}, {Key: aws.String(TagExpiresAt), Value: aws.String("tomorrow")}},
	}
	for id, tags := range decoys {
		if _, err := e.direct.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String(id), Engine: aws.String("aurora-mysql"),
			MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1"), Tags: tags}); err != nil {
			t.Fatal(err)
		}
	}
	later := func() time.Time { return time.Now().UTC().Add(2 * time.Hour) }
	for _, apply := range []bool{false, true} {
		var out bytes.Buffer
		found, err := Reap(ctx, e.cfg, ReapOptions{Lang: "en", Out: &out, Apply: apply, WaitPoll: time.Millisecond, Now: later})
		if err != nil {
			t.Fatalf("Reap(apply=%v): %v\n%s", apply, err, out.String())
		}
		if len(found) != 1 || found[0].Cluster != res.Plan.Clone || found[0].DrillID != res.Plan.DrillID {
			t.Fatalf("Reap(apply=%v) found %+v, want only %s\n%s", apply, found, res.Plan.Clone, out.String())
		}
		if gone := !e.clusterExists(t, res.Plan.Clone); gone != apply {
			t.Errorf("Reap(apply=%v): clone gone %v", apply, gone)
		}
		if gone := !e.instanceExists(t, res.Plan.Instance); gone != apply {
			t.Errorf("Reap(apply=%v): instance gone %v", apply, gone)
		}
		for id := range decoys {
			if !e.clusterExists(t, id) {
				t.Errorf("Reap(apply=%v) deleted %s", apply, id)
			}
		}
	}
	if !e.clusterExists(t, "orders-prod") {
		t.Error("the source is gone")
	}
	assertSourceUntouched(t, e.fb.Requests(), "orders-prod")
	checkPolicy(t, e.fb.Requests())
}

func TestNames(t *testing.T) {
	cases := []struct{ source, id, clone string }{
		{"orders-prod", "0123456789abcdef", "kg-drill-orders-prod-01234567"},
		{"Orders_Prod", "abcdef0123456789", "kg-drill-orders-prod-abcdef01"},
		{strings.Repeat("a", 63), "0123456789abcdef", "kg-drill-" + strings.Repeat("a", 43) + "-01234567"},
		{"x--y-", "0123456789abcdef", "kg-drill-x-y-01234567"},
	}
	for _, tc := range cases {
		clone, inst := Names(tc.source, tc.id)
		if clone != tc.clone || inst != clone+"-1" || len(inst) > 63 {
			t.Errorf("Names(%q) = %q, %q; want %q", tc.source, clone, inst, tc.clone)
		}
	}
}

// --- data check against a real MariaDB ---

// rewinder simulates Aurora's rewind on a MariaDB server: a completed
// backtrack deletes the marker rows written after its target and, going
// forward again, brings them back.
type rewinder struct {
	db      *sql.DB
	enabled bool
	mu      sync.Mutex
	removed map[string]time.Time
}

func (rw *rewinder) onComplete(_ string, to, _ time.Time) error {
	if !rw.enabled {
		return nil
	}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rows, err := rw.db.Query("SELECT drill_id, written_at FROM kumoguard_drill.marker WHERE written_at > ?", to)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			rows.Close()
			return err
		}
		rw.removed[id] = at
	}
	rows.Close()
	if _, err := rw.db.Exec("DELETE FROM kumoguard_drill.marker WHERE written_at > ?", to); err != nil {
		return err
	}
	for id, at := range rw.removed {
		if !at.After(to) {
			if _, err := rw.db.Exec("INSERT INTO kumoguard_drill.marker (drill_id, written_at) VALUES (?, ?)", id, at); err != nil {
				return err
			}
			delete(rw.removed, id)
		}
	}
	return nil
}

func TestDataCheckAgainstMariaDB(t *testing.T) {
	testenv.SharedMoto(t)
	m := testenv.StartMariaDB(t)
	db := m.DB(t)
	for _, q := range []string{
		"CREATE DATABASE shop",
		"CREATE TABLE shop.orders (id INT PRIMARY KEY, total DECIMAL(10,2))",
		"INSERT INTO shop.orders VALUES (1, 10.50), (2, 99.99), (3, 0.01)",
		"CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40))",
		"INSERT INTO shop.customers VALUES (1, 'a'), (2, 'b')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name       string
		rewinds    bool
		forward    bool
		viaSecret  bool
		wantOK     bool
		wantReason string
	}{
		{name: "rewind works, forward brings the marker back, credentials from the secret", rewinds: true, forward: true, viaSecret: true, wantOK: true},
		{name: "rewind works, credentials from the environment", rewinds: true, wantOK: true},
		{name: "backtrack does not rewind: the drill fails", rewinds: false, wantReason: "marker row survived"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rw := &rewinder{db: db, enabled: tc.rewinds, removed: map[string]time.Time{}}
			e := newEnv(t, envOptions{backtrack: testenv.FakeBacktrackOptions{OnComplete: rw.onComplete}})
			e.createSource(t, sourceSpec{id: "orders-prod", window: 86400, instances: 1, managedSecret: tc.viaSecret})
			if tc.viaSecret {
				t.Setenv(EnvDBPassword, "")
				t.Setenv(EnvDBUser, "")
				// Point moto's managed secret at the test server's credentials.
				out, err := e.direct.DescribeDBClusters(context.Background(), &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("orders-prod")})
				if err != nil || out.DBClusters[0].MasterUserSecret == nil {
					t.Fatalf("no MasterUserSecret from moto: %v", err)
				}
				sm := secretsmanager.NewFromConfig(testenv.Config(e.moto.URL, region))
				if _, err := sm.PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{
					SecretId:     out.DBClusters[0].MasterUserSecret.SecretArn,
					SecretString: aws.String(fmt.Sprintf(`{"username":%q,"password":%q}`, m.User, m.Password))}); err != nil {
					t.Fatal(err)
				}
			} else {
				t.Setenv(EnvDBUser, m.User)
				t.Setenv(EnvDBPassword, m.Password)
			}
			var out bytes.Buffer
			o := e.options(&out)
			o.DataCheck, o.Tables, o.Forward = DataCheckMarker, []string{"shop.orders", "shop.customers"}, tc.forward
			o.DB.Endpoint, o.DB.TLS = m.Addr, "false"
			res, err := Run(testenv.WithTimeout(t, 60*time.Second), e.cfg, "orders-prod", o)
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, out.String())
			}
			if res.Succeeded != tc.wantOK {
				t.Fatalf("succeeded %v, want %v: %s\n%s", res.Succeeded, tc.wantOK, res.Document.FailureReason, out.String())
			}
			doc := verifyEvidence(t, res.EvidencePath, e.pub)
			dc := doc.DataCheck
			if dc == nil || len(dc.Tables) != 2 || dc.Tables[0].RowsBefore != 3 || dc.Tables[1].RowsBefore != 2 || dc.Tables[0].ChecksumBefore == "" {
				t.Fatalf("data check %+v", dc)
			}
			if dc.MarkerWrittenAt.IsZero() || !doc.Backtracks[0].RequestedTo.Before(dc.MarkerWrittenAt) {
				t.Errorf("backtrack target %s is not before the marker %s", doc.Backtracks[0].RequestedTo, dc.MarkerWrittenAt)
			}
			if dc.MarkerGoneAfterBacktrack != tc.rewinds {
				t.Errorf("marker gone %v, want %v", dc.MarkerGoneAfterBacktrack, tc.rewinds)
			}
			if tc.wantOK && !dc.FingerprintMatches {
				t.Errorf("fingerprint changed: %+v", dc.Tables)
			}
			if tc.forward && (dc.MarkerBackAfterForward == nil || !*dc.MarkerBackAfterForward) {
				t.Errorf("marker not back after forward: %v", dc.MarkerBackAfterForward)
			}
			if tc.wantReason != "" && !strings.Contains(doc.FailureReason, tc.wantReason) {
				t.Errorf("failure reason %q, want %q", doc.FailureReason, tc.wantReason)
			}
			if e.clusterExists(t, res.Plan.Clone) {
				t.Error("clone left behind")
			}
			// The password is never printed or stored.
			raw, _ := os.ReadFile(res.EvidencePath)
			if strings.Contains(out.String(), m.Password) || strings.Contains(string(raw), m.Password) {
				t.Error("the database password appears in the output or the evidence")
			}
			reqs := e.fb.Requests()
			assertSourceUntouched(t, reqs, "orders-prod")
			if got := actions(reqs)["secretsmanager:GetSecretValue"] > 0; got != tc.viaSecret {
				t.Errorf("GetSecretValue called %v, want %v", got, tc.viaSecret)
			}
			checkPolicy(t, reqs)
		})
	}
}

// TestPanickingDrillRemovesItsClone: a panic inside the drill (here in the
// output writer once the instance is being created) still writes the
// evidence and deletes the clone before the panic goes on.
func TestPanickingDrillRemovesItsClone(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createSource(t, sourceSpec{id: "orders-prod", window: 86400, instances: 1})
	o := e.options(nil)
	o.Out = panicOn("Waiting for instance")
	var res Result
	func() {
		defer func() {
			if p := recover(); p == nil {
				t.Fatal("the panic did not reach the caller")
			}
		}()
		res, _ = Run(testenv.WithTimeout(t, 60*time.Second), e.cfg, "orders-prod", o)
	}()
	var clones []string
	for _, r := range e.fb.Requests() {
		if r.Action == "rds:RestoreDBClusterToPointInTime" {
			clones = append(clones, r.Params["DBClusterIdentifier"])
		}
	}
	if len(clones) != 1 {
		t.Fatalf("restores %v", clones)
	}
	if e.clusterExists(t, clones[0]) {
		t.Errorf("the panicking drill left its clone %s behind", clones[0])
	}
	files, _ := evidence.Files(e.dir)
	if len(files) != 1 {
		t.Fatalf("evidence files %v", files)
	}
	if doc := verifyEvidence(t, files[0], e.pub); doc.Outcome != evidence.OutcomeFailed || !strings.Contains(doc.FailureReason, "panic") {
		t.Errorf("outcome %s reason %q", doc.Outcome, doc.FailureReason)
	}
	_ = res
}

type panicOn string

func (p panicOn) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte(p)) {
		panic("test panic at " + string(p))
	}
	return len(b), nil
}
