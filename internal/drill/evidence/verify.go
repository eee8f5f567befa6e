package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The checks Verify makes, as Problem.Check names them.
const (
	CheckRead      = "read"      // the file cannot be read or is not a JSON document
	CheckSchema    = "schema"    // it does not match the JSON Schema
	CheckEncoding  = "encoding"  // it is not the canonical encoding (an edited byte)
	CheckKey       = "key"       // signed by another key than the expected one
	CheckSignature = "signature" // the Ed25519 signature does not verify
	CheckChain     = "chain"     // previous_hash does not name the preceding document
	CheckContents  = "contents"  // the outcome contradicts the phases, backtracks or data check
	CheckName      = "name"      // the file name is not <start>-<drill id>.json
)

// noExpectedKey is the key problem of a Verify without an expected key.
const noExpectedKey = "no expected public key to verify against"

// Problem is one failed check of one file.
type Problem struct {
	Check  string `json:"check"`
	Detail string `json:"detail"`
}

func (p Problem) String() string { return p.Check + ": " + p.Detail }

// Result is the verification of one file.
type Result struct {
	File string `json:"file"`
	// Hash is Hash of the file's bytes (what the next document must name).
	Hash string `json:"hash,omitempty"`
	// Doc is the document as read; nil when the file is not one at all.
	Doc      *Document `json:"-"`
	Problems []Problem `json:"problems,omitempty"`
	raw      []byte
}

// OK is true when every check passed.
func (r Result) OK() bool { return len(r.Problems) == 0 }

// Error joins the problems, "" when OK.
func (r Result) Error() string {
	s := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		s[i] = p.String()
	}
	return strings.Join(s, "; ")
}

func (r *Result) add(check, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Check: check, Detail: fmt.Sprintf(format, args...)})
}

// KeyID is a short, printable identity of a public key: the first 16 hex
// digits of the SHA-256 of its 32 bytes.
func KeyID(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:8])
}

// Verify checks each file on its own (readable, JSON Schema, canonical
// encoding, signed by the expected public key pub, a valid Ed25519 signature,
// a file name matching its start and drill id, an outcome consistent with its
// phases, backtracks and data check) and then the chains: the documents of one
// source cluster ARN, ordered by start time (then file name), must each name
// the hash of the one before, and the first must name none. So a deleted
// document (except the newest), an edited one, a reordered one or one missing
// from the files given breaks the chain at the next document.
//
// A chain cannot show that its newest documents were deleted: keep the newest
// hash somewhere else (the service stores it) and compare.
//
// Results are in the order of files.
func Verify(files []string, pub ed25519.PublicKey) []Result {
	results := make([]Result, len(files))
	for i, f := range files {
		results[i] = verifyOne(f, pub)
	}
	verifyChains(results)
	return results
}

func verifyOne(file string, pub ed25519.PublicKey) Result {
	r := Result{File: file}
	raw, err := os.ReadFile(file)
	if err != nil {
		r.add(CheckRead, "%v", err)
		return r
	}
	r.raw = raw
	r.Hash = Hash(raw)
	if err := ValidateJSON(raw); err != nil {
		r.add(CheckSchema, "%s", oneLine(err.Error()))
	}
	var doc Document
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		// Read what can be read, to place the file in its chain.
		var loose Document
		if json.Unmarshal(raw, &loose) != nil {
			if len(r.Problems) == 0 {
				r.add(CheckRead, "not a drill evidence document: %v", err)
			}
			return r
		}
		r.Doc = &loose
		if len(r.Problems) == 0 {
			r.add(CheckSchema, "%v", err)
		}
		return r
	}
	r.Doc = &doc
	if enc, err := Encode(&doc); err != nil || !bytes.Equal(enc, raw) {
		r.add(CheckEncoding, "the file is not the canonical encoding of its contents (edited after signing?)")
	}
	verifySignature(&r, &doc, pub)
	if want := doc.Started.UTC().Format(TimeLayout) + "-" + doc.DrillID + ".json"; filepath.Base(file) != want {
		r.add(CheckName, "the file is named %s but its contents say %s", filepath.Base(file), want)
	}
	for _, p := range Consistency(&doc) {
		r.add(CheckContents, "%s", p)
	}
	return r
}

func verifySignature(r *Result, doc *Document, pub ed25519.PublicKey) {
	if doc.Metadata.Algorithm != Algorithm {
		r.add(CheckSignature, "algorithm %q, want %q", doc.Metadata.Algorithm, Algorithm)
		return
	}
	signer, err := base64.StdEncoding.DecodeString(doc.Metadata.PublicKey)
	if err != nil || len(signer) != ed25519.PublicKeySize {
		r.add(CheckKey, "metadata.public_key is not an Ed25519 public key")
		return
	}
	if len(pub) != ed25519.PublicKeySize {
		r.add(CheckKey, "%s", noExpectedKey)
	} else if !bytes.Equal(signer, pub) {
		r.add(CheckKey, "signed by key %s, expected key %s", KeyID(signer), KeyID(pub))
	}
	sig, err := base64.StdEncoding.DecodeString(doc.Metadata.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		r.add(CheckSignature, "metadata.signature is not an Ed25519 signature")
		return
	}
	msg, err := SigningBytes(doc)
	if err != nil {
		r.add(CheckSignature, "%v", err)
		return
	}
	if !ed25519.Verify(ed25519.PublicKey(signer), msg, sig) {
		r.add(CheckSignature, "the signature does not match the contents (the document was changed after signing)")
	}
}

func verifyChains(results []Result) {
	byARN := map[string][]int{}
	for i := range results {
		if d := results[i].Doc; d != nil {
			byARN[d.Source.ARN] = append(byARN[d.Source.ARN], i)
		}
	}
	for _, idx := range byARN {
		sort.SliceStable(idx, func(a, b int) bool {
			ra, rb := &results[idx[a]], &results[idx[b]]
			return chainLess(ra.Doc, ra.File, rb.Doc, rb.File)
		})
		byHash := map[string]string{}
		for _, i := range idx {
			byHash[results[i].Hash] = results[i].File
		}
		for k, i := range idx {
			r := &results[i]
			prev := r.Doc.Metadata.PreviousHash
			if k == 0 {
				if prev != "" {
					r.add(CheckChain, "previous_hash %s names no document among the files verified: earlier documents of %s were deleted, or not all of its files were given", short(prev), r.Doc.Source.ARN)
				}
				continue
			}
			before := &results[idx[k-1]]
			if prev == before.Hash {
				continue
			}
			switch other, ok := byHash[prev]; {
			case prev == "":
				r.add(CheckChain, "names no previous document, but %s comes before it: the chain was restarted or reordered", before.File)
			case ok:
				r.add(CheckChain, "previous_hash names %s, not %s which comes before it: documents were reordered or the chain forked", other, before.File)
			default:
				r.add(CheckChain, "previous_hash %s does not match %s which comes before it (%s): a document between them was deleted, or that one was edited", short(prev), before.File, short(before.Hash))
			}
		}
	}
}

// Consistency lists how a document's outcome contradicts its own contents:
// "succeeded" needs every phase succeeded or skipped, at least one backtrack
// back, every backtrack completed, and a passing data check when there is
// one; "failed" needs a reason. Times must not run backwards and each phase's
// duration must be its finish minus its start.
func Consistency(d *Document) []string {
	var out []string
	if d.Finished.Before(d.Started) {
		out = append(out, "the drill finished before it started")
	}
	for _, p := range d.Phases {
		if p.Finished.Before(p.Started) {
			out = append(out, fmt.Sprintf("phase %s finished before it started", p.Name))
		} else if got := p.Finished.Sub(p.Started).Seconds(); math.Abs(got-p.DurationSeconds) > durationTolerance {
			out = append(out, fmt.Sprintf("phase %s lasted %.3fs by its times but says %.3fs", p.Name, got, p.DurationSeconds))
		}
	}
	switch d.Outcome {
	case OutcomeSucceeded:
		if d.FailureReason != "" {
			out = append(out, "outcome succeeded with a failure reason")
		}
		if len(d.Phases) == 0 {
			out = append(out, "outcome succeeded with no phases")
		}
		for _, p := range d.Phases {
			if p.Outcome != OutcomeSucceeded && p.Outcome != OutcomeSkipped {
				out = append(out, fmt.Sprintf("outcome succeeded but phase %s %s", p.Name, p.Outcome))
			}
		}
		back := 0
		for _, b := range d.Backtracks {
			if b.Direction == "back" {
				back++
			}
			if b.Status != "completed" {
				out = append(out, fmt.Sprintf("outcome succeeded but the %s backtrack is %s", b.Direction, b.Status))
			}
		}
		if back == 0 {
			out = append(out, "outcome succeeded with no backtrack")
		}
		if dc := d.DataCheck; dc != nil {
			if dc.Error != "" {
				out = append(out, "outcome succeeded but the data check failed: "+dc.Error)
			}
			if !dc.MarkerGoneAfterBacktrack {
				out = append(out, "outcome succeeded but the marker row survived the backtrack")
			}
			if !dc.FingerprintMatches {
				out = append(out, "outcome succeeded but the data fingerprint changed")
			}
			if dc.MarkerBackAfterForward != nil && !*dc.MarkerBackAfterForward {
				out = append(out, "outcome succeeded but the marker did not come back after the forward backtrack")
			}
			for _, t := range dc.Tables {
				if t.RowsBefore != t.RowsAfter || t.ChecksumBefore != t.ChecksumAfter {
					out = append(out, fmt.Sprintf("outcome succeeded but table %s changed", t.Table))
				}
			}
		}
	case OutcomeFailed:
		if d.FailureReason == "" {
			out = append(out, "outcome failed with no failure reason")
		}
	default:
		out = append(out, fmt.Sprintf("unknown outcome %q", d.Outcome))
	}
	return out
}

// Succeeded is true when the document says the drill succeeded and its
// contents agree.
func Succeeded(d *Document) bool {
	return d != nil && d.Outcome == OutcomeSucceeded && len(Consistency(d)) == 0
}

// Reason is why a drill failed, in the evidence's words.
func Reason(d *Document) string {
	if d == nil {
		return ""
	}
	if d.FailureReason != "" {
		return d.FailureReason
	}
	for _, p := range d.Phases {
		if p.Outcome == OutcomeFailed {
			if p.Error != "" {
				return p.Name + ": " + p.Error
			}
			return "phase " + p.Name + " failed"
		}
	}
	if c := Consistency(d); len(c) > 0 {
		return c[0]
	}
	return ""
}

func short(h string) string {
	if len(h) > 19 {
		return h[:19] + "…"
	}
	return h
}

func oneLine(s string) string {
	f := strings.Fields(s)
	return strings.Join(f, " ")
}

// durationTolerance is how far a phase's duration_seconds may be from its
// finish minus its start: a drill measures durations on the monotonic clock
// while the timestamps are wall-clock, and the two drift apart slightly.
const durationTolerance = 1.0

// CheckAnchors checks the head hashes kept elsewhere (source ARN → the
// "sha256:…" hash drill verify printed as that chain's head, at some earlier
// time): the anchored document must still be among the results. With the
// chain intact, nothing up to it was deleted; only documents newer than the
// anchor can still disappear unseen. It returns one problem per anchor that
// fails, in ARN order.
func CheckAnchors(results []Result, anchors map[string]string) []string {
	have := map[string]bool{}
	for _, r := range results {
		if r.Doc != nil {
			have[r.Doc.Source.ARN+"\x00"+r.Hash] = true
		}
	}
	arns := make([]string, 0, len(anchors))
	for a := range anchors {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	var out []string
	for _, a := range arns {
		if !have[a+"\x00"+anchors[a]] {
			out = append(out, fmt.Sprintf("%s: the anchored document %s is not among the files: documents up to it were deleted or changed", a, short(anchors[a])))
		}
	}
	return out
}
