package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Algorithm is the only signature algorithm: Ed25519 (RFC 8032).
const Algorithm = "ed25519"

// TimeLayout is the drill start time in file names.
const TimeLayout = "20060102T150405Z"

// Encode returns a document's file bytes, its one canonical encoding:
// encoding/json's MarshalIndent with a two-space indent and no prefix (object
// members in the order of the Go struct fields, as in the JSON Schema; HTML
// characters escaped as encoding/json does), followed by one "\n".
//
// The signature (metadata.signature, base64 of the Ed25519 signature) covers
// SigningBytes: the same encoding with metadata.signature set to "". Anyone can
// recompute them from a file without Go: replace the value of the one
// `"signature": "…"` member (base64 never contains a quote) by "".
// Verification re-encodes each document and requires the file to be exactly
// Encode's bytes, so any edited byte, even whitespace, fails.
func Encode(doc *Document) ([]byte, error) {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// SigningBytes are the bytes the signature covers: Encode of the document
// with metadata.signature "".
func SigningBytes(doc *Document) ([]byte, error) {
	d := *doc
	d.Metadata.Signature = ""
	return Encode(&d)
}

// Hash is "sha256:<lower-case hex>" of a file's bytes, as previous_hash names it.
func Hash(file []byte) string {
	s := sha256.Sum256(file)
	return "sha256:" + hex.EncodeToString(s[:])
}

// safeName: identifiers used as path components.
var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$`)

// FileName is the document's path relative to the evidence directory:
// <source identifier>/<drill start, UTC, yyyymmddThhmmssZ>-<drill id>.json.
func FileName(doc *Document) (string, error) {
	if !safeName.MatchString(doc.Source.Identifier) || strings.Contains(doc.Source.Identifier, "..") {
		return "", fmt.Errorf("source identifier %q cannot name a directory", doc.Source.Identifier)
	}
	if !safeName.MatchString(doc.DrillID) || strings.Contains(doc.DrillID, "..") {
		return "", fmt.Errorf("drill id %q cannot name a file", doc.DrillID)
	}
	if doc.Started.IsZero() {
		return "", errors.New("the drill has no start time")
	}
	return filepath.Join(doc.Source.Identifier, doc.Started.UTC().Format(TimeLayout)+"-"+doc.DrillID+".json"), nil
}

// normalize makes nil slices empty so the document matches its schema
// (arrays, never null).
func normalize(doc *Document) {
	if doc.Schema == "" {
		doc.Schema = Schema
	}
	if doc.Phases == nil {
		doc.Phases = []Phase{}
	}
	if doc.Backtracks == nil {
		doc.Backtracks = []Backtrack{}
	}
	if doc.DataCheck != nil && doc.DataCheck.Tables == nil {
		doc.DataCheck.Tables = []TableFingerprint{}
	}
}

// Append signs doc and writes it to dir/FileName(doc), chained to the newest
// document already there for the same source cluster ARN. It sets
// doc.Metadata (algorithm, public key, previous hash, signature) and fills
// empty Schema and nil slices. The file is written to a temporary file in the
// same directory and then linked into place (mode 0644): it never replaces an
// existing file and never writes through a symbolic link.
//
// A document that does not match the JSON Schema, or whose outcome its
// contents contradict (Consistency), is refused with an error naming why.
//
// Drills of one cluster must not append concurrently: two documents naming the
// same previous hash fork the chain, and Verify reports the later one.
func Append(dir string, doc *Document, key ed25519.PrivateKey) (string, error) {
	if len(key) != ed25519.PrivateKeySize {
		return "", errors.New("evidence: no Ed25519 private key")
	}
	if doc.Source.ARN == "" {
		return "", errors.New("evidence: the document names no source cluster ARN")
	}
	rel, err := FileName(doc)
	if err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	normalize(doc)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	sub := filepath.Join(dir, doc.Source.Identifier)
	if fi, err := os.Lstat(sub); err == nil {
		if !fi.IsDir() {
			return "", fmt.Errorf("evidence: %s is not a directory (a symbolic link is refused)", sub)
		}
	} else if errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(sub, 0o755); err != nil {
			return "", err
		}
	} else {
		return "", err
	}

	prev, err := newestFor(sub, doc.Source.ARN)
	if err != nil {
		return "", err
	}
	doc.Metadata = Metadata{Algorithm: Algorithm, PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))}
	if prev != nil {
		if !doc.Started.After(prev.doc.Started) {
			return "", fmt.Errorf("evidence: drill %s started %s, not after the newest evidence for %s (%s, started %s); the chain is ordered by start time",
				doc.DrillID, doc.Started.UTC().Format(TimeLayout), doc.Source.ARN, prev.path, prev.doc.Started.UTC().Format(TimeLayout))
		}
		doc.Metadata.PreviousHash = Hash(prev.raw)
	}
	msg, err := SigningBytes(doc)
	if err != nil {
		return "", err
	}
	doc.Metadata.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
	data, err := Encode(doc)
	if err != nil {
		return "", err
	}
	// What would not verify is refused before it is written: a drill's
	// contract mistake shows at once, not at the next audit.
	if err := ValidateJSON(data); err != nil {
		return "", fmt.Errorf("evidence: the document does not match its JSON Schema: %v", oneLine(err.Error()))
	}
	if c := Consistency(doc); len(c) > 0 {
		return "", fmt.Errorf("evidence: the document contradicts itself: %s", strings.Join(c, "; "))
	}
	path := filepath.Join(dir, rel)
	if err := writeAtomic(path, data); err != nil {
		return "", err
	}
	return path, nil
}

type stored struct {
	path string
	raw  []byte
	doc  *Document
}

// newestFor returns the document in dir (one source's directory) with the
// latest start for arn, or nil. A file there that is not a document stops the
// append: chaining past it would hide it.
func newestFor(dir, arn string) (*stored, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var all []stored
	for _, e := range entries {
		name := e.Name()
		if !isEvidenceName(name) || e.IsDir() {
			continue
		}
		p := filepath.Join(dir, name)
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var d Document
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("evidence: %s is not a drill evidence document (%v); move it away or restore it before appending", p, err)
		}
		if d.Source.ARN == arn {
			all = append(all, stored{path: p, raw: raw, doc: &d})
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	sort.Slice(all, func(i, j int) bool { return chainLess(all[i].doc, all[i].path, all[j].doc, all[j].path) })
	return &all[len(all)-1], nil
}

// chainLess orders one source's documents: by start time, then file name.
func chainLess(a *Document, ap string, b *Document, bp string) bool {
	if !a.Started.Equal(b.Started) {
		return a.Started.Before(b.Started)
	}
	return filepath.Base(ap) < filepath.Base(bp)
}

// isEvidenceName: a *.json file that is not hidden (temporary files start
// with ".").
func isEvidenceName(name string) bool {
	return strings.HasSuffix(name, ".json") && !strings.HasPrefix(name, ".")
}

// writeAtomic writes data to a hidden temporary file beside path, syncs it
// and hard-links it to path, which must not exist (a link never follows a
// symbolic link at path, and never replaces a file). Where hard links are not
// supported it renames, after checking that nothing is at path.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".evidence-*.tmp")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmpName, path); err != nil {
		if _, lerr := os.Lstat(path); lerr == nil {
			return fmt.Errorf("evidence: %s already exists; evidence is never overwritten", path)
		}
		if err := os.Rename(tmpName, path); err != nil {
			return err
		}
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// bytesEqual is bytes.Equal, named for the canonical-encoding check.
func bytesEqual(a, b []byte) bool { return bytes.Equal(a, b) }
