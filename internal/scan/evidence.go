package scan

import (
	"crypto/ed25519"
	"path/filepath"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/model"
)

// DrillEvidence is a verified evidence directory, ready to attach to the
// clusters of a live scan (KG-BT-004).
type DrillEvidence struct {
	dir   string
	byARN map[string]*model.DrillEvidence
}

// LoadDrillEvidence verifies every drill evidence document under dir with
// the expected public key (evidence.LoadDir). A missing or unreadable
// directory is an error; a document that does not verify is a record saying
// why, which KG-BT-004 reports as an ERROR.
func LoadDrillEvidence(dir string, pub ed25519.PublicKey) (*DrillEvidence, error) {
	m, err := evidence.LoadDir(dir, pub)
	if err != nil {
		return nil, err
	}
	return &DrillEvidence{dir: dir, byARN: m}, nil
}

// Attach gives every live cluster of inv its drill records, matched by ARN:
// a cluster without any gets an empty, non-nil DrillEvidence (none found is a
// FAIL, never a pass). A file whose source ARN cannot be read at all goes to
// the cluster whose identifier names its directory (the layout Append
// writes: <dir>/<identifier>/...). Clusters from IaC are left alone.
func (e *DrillEvidence) Attach(inv *model.Inventory) {
	if e == nil {
		return
	}
	unknown := map[string][]model.DrillRecord{}
	if u := e.byARN[evidence.UnknownSource]; u != nil {
		for _, r := range u.Records {
			id := filepath.Base(filepath.Dir(r.File))
			unknown[id] = append(unknown[id], r)
		}
	}
	for i := range inv.Clusters {
		c := &inv.Clusters[i]
		if c.Source != model.SourceAWS {
			continue
		}
		ev := &model.DrillEvidence{Dir: e.dir}
		if c.ARN != "" {
			if got := e.byARN[c.ARN]; got != nil {
				ev.Records = append(ev.Records, got.Records...)
			}
		}
		ev.Records = append(ev.Records, unknown[c.Name]...)
		c.Drills = ev
	}
}
