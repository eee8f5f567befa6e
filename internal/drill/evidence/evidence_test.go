package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testARN = "arn:aws:rds:us-east-1:123456789012:cluster:orders"

var t0 = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	priv, pub, err := GenerateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k, err := LoadPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p, k.Public().(ed25519.PublicKey)) {
		t.Fatal("the public key file does not match the private key")
	}
	return k
}

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func TestGenerateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	priv, pub, err := GenerateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	for path, mode := range map[string]os.FileMode{priv: 0o600, pub: 0o644} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), mode)
		}
	}
	head, _ := os.ReadFile(priv)
	if !strings.HasPrefix(string(head), "-----BEGIN PRIVATE KEY-----\n") {
		t.Errorf("private key is not PEM PKCS #8: %.30q", head)
	}
	head, _ = os.ReadFile(pub)
	if !strings.HasPrefix(string(head), "-----BEGIN PUBLIC KEY-----\n") {
		t.Errorf("public key is not PEM PKIX: %.30q", head)
	}
	before, _ := os.ReadFile(priv)
	if _, _, err := GenerateKey(dir); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("second GenerateKey: %v, want a refusal", err)
	}
	after, _ := os.ReadFile(priv)
	if !bytes.Equal(before, after) {
		t.Error("the private key changed")
	}
	if _, err := LoadPublicKey(priv); err == nil {
		t.Error("LoadPublicKey read a private key file")
	}
	if _, err := LoadPrivateKey(pub); err == nil {
		t.Error("LoadPrivateKey read a public key file")
	}
}

// chain appends n drills of testARN a day apart and returns their paths.
func chain(t *testing.T, dir string, key ed25519.PrivateKey, n int) []string {
	t.Helper()
	var out []string
	for i := range n {
		d := Sample(testARN, "d"+string(rune('1'+i)), t0.Add(time.Duration(i)*24*time.Hour), OutcomeSucceeded)
		p, err := Append(dir, d, key)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func TestAppendChains(t *testing.T) {
	key := newKey(t)
	dir := t.TempDir()
	paths := chain(t, dir, key, 3)
	// Another cluster's documents chain on their own.
	other := Sample("arn:aws:rds:us-east-1:123456789012:cluster:billing", "b1", t0.Add(36*time.Hour), OutcomeFailed)
	op, err := Append(dir, other, key)
	if err != nil {
		t.Fatal(err)
	}
	if other.Metadata.PreviousHash != "" {
		t.Errorf("first document of another cluster names %q", other.Metadata.PreviousHash)
	}
	want := filepath.Join(dir, "orders", "20261102T093000Z-d1.json")
	if paths[0] != want {
		t.Errorf("path %s, want %s", paths[0], want)
	}
	var prevHash string
	for i, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(p)
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v", p, fi.Mode().Perm())
		}
		if err := ValidateJSON(raw); err != nil {
			t.Errorf("%s does not match the schema: %v", p, err)
		}
		var d Document
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		if d.Metadata.PreviousHash != prevHash {
			t.Errorf("document %d names %q, want %q", i, d.Metadata.PreviousHash, prevHash)
		}
		if d.Metadata.Algorithm != "ed25519" || d.Metadata.PublicKey != base64.StdEncoding.EncodeToString(pubOf(key)) {
			t.Errorf("metadata %+v", d.Metadata)
		}
		prevHash = Hash(raw)
	}
	for _, r := range Verify(append(paths, op), pubOf(key)) {
		if !r.OK() {
			t.Errorf("%s: %s", r.File, r.Error())
		}
	}
	// The failed sample matches the schema too.
	raw, _ := os.ReadFile(op)
	if err := ValidateJSON(raw); err != nil {
		t.Errorf("failed drill: %v", err)
	}
	// Appending a drill that started before the newest is refused.
	if _, err := Append(dir, Sample(testARN, "late", t0.Add(time.Hour), OutcomeSucceeded), key); err == nil {
		t.Error("an out-of-order append was accepted")
	}
	// The same drill twice is refused, and the first file is unchanged.
	before, _ := os.ReadFile(paths[2])
	if err := writeAtomic(paths[2], []byte("{}")); err == nil {
		t.Error("writeAtomic overwrote an existing document")
	}
	after, _ := os.ReadFile(paths[2])
	if !bytes.Equal(before, after) {
		t.Error("an existing document changed")
	}
}

func TestAppendRefusesSymlinkedDirectory(t *testing.T) {
	key := newKey(t)
	dir, elsewhere := t.TempDir(), t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, "orders")); err != nil {
		t.Skip(err)
	}
	_, err := Append(dir, Sample(testARN, "d1", t0, OutcomeSucceeded), key)
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Append through a symlinked directory: %v", err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("wrote %d files through the link", len(ents))
	}
}

func TestAppendRefusesSymlinkAtPath(t *testing.T) {
	key := newKey(t)
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "victim")
	os.WriteFile(target, []byte("keep"), 0o644)
	os.MkdirAll(filepath.Join(dir, "orders"), 0o755)
	if err := os.Symlink(target, filepath.Join(dir, "orders", "20261102T093000Z-d1.json")); err != nil {
		t.Skip(err)
	}
	if _, err := Append(dir, Sample(testARN, "d1", t0, OutcomeSucceeded), key); err == nil {
		t.Error("Append wrote over a symbolic link")
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("the link's target changed: %q", b)
	}
}

// resign rewrites a document file after fn changed it, signed with key and
// keeping its previous hash: tampering by someone who has the key, or
// contents the signature alone cannot reject.
func resign(t *testing.T, path string, key ed25519.PrivateKey, fn func(*Document)) {
	t.Helper()
	raw, _ := os.ReadFile(path)
	var d Document
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	fn(&d)
	d.Metadata.PublicKey = base64.StdEncoding.EncodeToString(pubOf(key))
	msg, _ := SigningBytes(&d)
	d.Metadata.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
	out, _ := Encode(&d)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyTampering(t *testing.T) {
	key := newKey(t)
	other := newKey(t)
	type want map[int][]string // file index → checks that must fail
	tests := []struct {
		name   string
		tamper func(t *testing.T, paths []string) []string // returns the files to verify
		pub    ed25519.PublicKey
		want   want
	}{
		{"untouched", func(t *testing.T, p []string) []string { return p }, nil, want{}},
		{"newest deleted (a chain cannot tell)", func(t *testing.T, p []string) []string {
			os.Remove(p[2])
			return p[:2]
		}, nil, want{}},
		{"edited byte", func(t *testing.T, p []string) []string {
			raw, _ := os.ReadFile(p[1])
			os.WriteFile(p[1], bytes.Replace(raw, []byte(`"recovery_seconds": 120`), []byte(`"recovery_seconds": 121`), 1), 0o644)
			return p
		}, nil, want{1: {CheckSignature}, 2: {CheckChain}}},
		{"whitespace added", func(t *testing.T, p []string) []string {
			raw, _ := os.ReadFile(p[0])
			os.WriteFile(p[0], append(raw, '\n'), 0o644)
			return p
		}, nil, want{0: {CheckEncoding}, 1: {CheckChain}}},
		{"wrong key", func(t *testing.T, p []string) []string { return p }, pubOf(other),
			want{0: {CheckKey}, 1: {CheckKey}, 2: {CheckKey}}},
		{"re-signed by another key", func(t *testing.T, p []string) []string {
			resign(t, p[1], other, func(d *Document) { d.RecoverySeconds = 1 })
			return p
		}, nil, want{1: {CheckKey}, 2: {CheckChain}}},
		{"middle deleted", func(t *testing.T, p []string) []string {
			os.Remove(p[1])
			return []string{p[0], p[2]}
		}, nil, want{1: {CheckChain}}},
		{"first deleted", func(t *testing.T, p []string) []string {
			os.Remove(p[0])
			return p[1:]
		}, nil, want{0: {CheckChain}}},
		{"renamed to reorder", func(t *testing.T, p []string) []string {
			tmp := p[0] + ".x"
			os.Rename(p[0], tmp)
			os.Rename(p[1], p[0])
			os.Rename(tmp, p[1])
			return p
		}, nil, want{0: {CheckName}, 1: {CheckName}}},
		{"reordered by the key holder", func(t *testing.T, p []string) []string {
			// The last drill moved to before the first, re-signed with the
			// right key: it still names the second as its previous.
			resign(t, p[2], key, func(d *Document) {})
			raw, _ := os.ReadFile(p[2])
			var d Document
			json.Unmarshal(raw, &d)
			d.Started = t0.Add(-time.Hour)
			d.Finished = d.Started.Add(1024 * time.Second)
			for i := range d.Phases {
				d.Phases[i].Started = d.Phases[i].Started.Add(-49 * time.Hour)
				d.Phases[i].Finished = d.Phases[i].Finished.Add(-49 * time.Hour)
			}
			np := filepath.Join(filepath.Dir(p[2]), d.Started.Format(TimeLayout)+"-d3.json")
			out, _ := Encode(&d)
			os.WriteFile(np, out, 0o644)
			os.Remove(p[2])
			resign(t, np, key, func(*Document) {})
			return []string{p[0], p[1], np}
		}, nil, want{0: {CheckChain}, 2: {CheckChain}}},
		{"schema violation: unknown field", func(t *testing.T, p []string) []string {
			raw, _ := os.ReadFile(p[1])
			os.WriteFile(p[1], bytes.Replace(raw, []byte(`"drill_id"`), []byte(`"approved_by": "me",
  "drill_id"`), 1), 0o644)
			return p
		}, nil, want{1: {CheckSchema}, 2: {CheckChain}}},
		{"schema violation: outcome re-signed", func(t *testing.T, p []string) []string {
			resign(t, p[1], key, func(d *Document) { d.Outcome = "passed" })
			return p
		}, nil, want{1: {CheckSchema, CheckContents}, 2: {CheckChain}}},
		{"succeeded with a failed phase", func(t *testing.T, p []string) []string {
			resign(t, p[2], key, func(d *Document) { d.Phases[4].Outcome = OutcomeFailed })
			return p
		}, nil, want{2: {CheckContents}}},
		{"succeeded with a surviving marker", func(t *testing.T, p []string) []string {
			resign(t, p[2], key, func(d *Document) { d.DataCheck.MarkerGoneAfterBacktrack = false })
			return p
		}, nil, want{2: {CheckContents}}},
		{"not JSON", func(t *testing.T, p []string) []string {
			os.WriteFile(p[2], []byte("garbage"), 0o644)
			return p
		}, nil, want{2: {CheckSchema}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths := chain(t, t.TempDir(), key, 3)
			files := tt.tamper(t, paths)
			pub := tt.pub
			if pub == nil {
				pub = pubOf(key)
			}
			results := Verify(files, pub)
			for i, r := range results {
				var got []string
				for _, p := range r.Problems {
					got = append(got, p.Check)
				}
				if strings.Join(dedupe(got), ",") != strings.Join(tt.want[i], ",") {
					t.Errorf("%s: failed checks %v, want %v (%s)", filepath.Base(r.File), dedupe(got), tt.want[i], r.Error())
				}
			}
		})
	}
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}

func TestLoadDir(t *testing.T) {
	key := newKey(t)
	dir := t.TempDir()
	paths := chain(t, dir, key, 2)
	failed := Sample(testARN, "d3", t0.Add(72*time.Hour), OutcomeFailed)
	if _, err := Append(dir, failed, key); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(paths[0])
	os.WriteFile(paths[0], bytes.Replace(raw, []byte(`"recovery_seconds": 120`), []byte(`"recovery_seconds": 12`), 1), 0o644)
	os.MkdirAll(filepath.Join(dir, "lost"), 0o755)
	os.WriteFile(filepath.Join(dir, "lost", "x.json"), []byte("not json"), 0o644)
	os.WriteFile(filepath.Join(dir, "orders", ".evidence-1.tmp"), []byte("partial"), 0o644)
	got, err := LoadDir(dir, pubOf(key))
	if err != nil {
		t.Fatal(err)
	}
	ev := got[testARN]
	if ev == nil || len(ev.Records) != 3 {
		t.Fatalf("records for %s: %+v", testARN, ev)
	}
	r := ev.Records
	if r[0].ID != "d3" || r[0].Succeeded || !r[0].Verified || r[0].Reason != "the backtrack of the clone failed" {
		t.Errorf("newest: %+v", r[0])
	}
	if r[1].ID != "d2" || !r[1].Succeeded || r[1].Verified || !strings.Contains(r[1].VerifyError, "chain") {
		t.Errorf("second (its previous was edited): %+v", r[1])
	}
	if r[2].ID != "d1" || r[2].Verified || !strings.Contains(r[2].VerifyError, "signature") || r[2].File != paths[0] {
		t.Errorf("oldest (edited): %+v", r[2])
	}
	if u := got[UnknownSource]; u == nil || len(u.Records) != 1 || u.Records[0].Verified {
		t.Errorf("unreadable file: %+v", u)
	}
	if _, err := LoadDir(filepath.Join(dir, "missing"), pubOf(key)); err == nil {
		t.Error("a missing directory loaded")
	}
}

func TestSchemaRejectsNull(t *testing.T) {
	d := Sample(testARN, "d1", t0, OutcomeSucceeded)
	d.Phases = nil
	raw, _ := Encode(d)
	if err := ValidateJSON(raw); err == nil {
		t.Error("phases: null validated")
	}
}

func TestAppendRefusesInvalid(t *testing.T) {
	key := newKey(t)
	tests := []struct {
		name string
		edit func(*Document)
		want string
	}{
		{"unknown outcome", func(d *Document) { d.Outcome = "passed" }, "JSON Schema"},
		{"succeeded with a failed phase", func(d *Document) { d.Phases[1].Outcome = OutcomeFailed }, "contradicts"},
		{"failed without a reason", func(d *Document) { d.Outcome = OutcomeFailed }, "failure_reason"},
		{"bad account", func(d *Document) { d.Account = "12" }, "JSON Schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			d := Sample(testARN, "d1", t0, OutcomeSucceeded)
			tt.edit(d)
			if _, err := Append(dir, d, key); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Append: %v, want an error with %q", err, tt.want)
			}
			if files, _ := Files(dir); len(files) != 0 {
				t.Errorf("wrote %v", files)
			}
		})
	}
}

func TestCheckAnchors(t *testing.T) {
	key := newKey(t)
	paths := chain(t, t.TempDir(), key, 3)
	results := Verify(paths, pubOf(key))
	head := results[2].Hash
	if p := CheckAnchors(results, map[string]string{testARN: head}); len(p) != 0 {
		t.Errorf("intact: %v", p)
	}
	// A newer drill since the anchor is fine.
	if p := CheckAnchors(results, map[string]string{testARN: results[1].Hash}); len(p) != 0 {
		t.Errorf("anchor older than the head: %v", p)
	}
	// The newest deleted: the chain alone cannot tell, the anchor can.
	os.Remove(paths[2])
	shorter := Verify(paths[:2], pubOf(key))
	for _, r := range shorter {
		if !r.OK() {
			t.Fatalf("%s: %s", r.File, r.Error())
		}
	}
	if p := CheckAnchors(shorter, map[string]string{testARN: head}); len(p) != 1 || !strings.Contains(p[0], testARN) {
		t.Errorf("newest deleted: %v", p)
	}
}
