package evidence

import (
	"crypto/ed25519"
	"errors"
	"io/fs"
	"path/filepath"
	"sort"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Files lists the evidence documents under dir: every *.json file at any
// depth that is not hidden, in lexical order. Symbolic links to directories
// are not followed.
func Files(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && len(d.Name()) > 0 && d.Name()[0] == '.' {
				return filepath.SkipDir
			}
			return nil
		}
		if isEvidenceName(d.Name()) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

// UnknownSource is the LoadDir key of files whose source cluster ARN could not
// be read (not JSON at all). Their Record.File says where they are; a scan
// attaches them to the cluster whose identifier names their directory.
const UnknownSource = ""

// LoadDir verifies every document under dir (see Verify) and returns them by
// source cluster ARN, newest first, as the policy reads them. A missing or
// unreadable directory is an error; a document that does not verify is a
// record with Verified false and VerifyError saying why.
func LoadDir(dir string, pub ed25519.PublicKey) (map[string]*model.DrillEvidence, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, errors.New("evidence: no public key to verify the evidence with")
	}
	files, err := Files(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]*model.DrillEvidence{}
	for _, r := range Verify(files, pub) {
		arn := UnknownSource
		if r.Doc != nil {
			arn = r.Doc.Source.ARN
		}
		ev := out[arn]
		if ev == nil {
			ev = &model.DrillEvidence{Dir: dir}
			out[arn] = ev
		}
		ev.Records = append(ev.Records, Record(r))
	}
	for _, ev := range out {
		sortNewestFirst(ev.Records)
	}
	return out, nil
}

// Record turns a verification result into what the policy reads.
func Record(r Result) model.DrillRecord {
	rec := model.DrillRecord{File: r.File, Verified: r.OK(), VerifyError: r.Error()}
	if d := r.Doc; d != nil {
		rec.ID = d.DrillID
		rec.Finished = d.Finished.UTC()
		rec.Succeeded = Succeeded(d)
		if !rec.Succeeded {
			rec.Reason = Reason(d)
		}
	}
	return rec
}

// sortNewestFirst orders by finish time, newest first; records without one
// (unreadable files) last, by file name.
func sortNewestFirst(rs []model.DrillRecord) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if !a.Finished.Equal(b.Finished) {
			return a.Finished.After(b.Finished)
		}
		return a.File > b.File
	})
}
