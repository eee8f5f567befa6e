package model

import "time"

// DrillEvidence is what kumoguard found in an evidence directory for one
// cluster: the drills recorded for it, newest first. A nil *DrillEvidence on a
// Cluster means no evidence directory was consulted, so KG-BT-004 is not
// evaluated; a non-nil one with no records means none was found (a FAIL: missing
// evidence is never a pass).
type DrillEvidence struct {
	// Dir is the evidence directory as the user named it.
	Dir string
	// Records are the drills whose source is this cluster, newest first.
	Records []DrillRecord
}

// DrillRecord is one drill evidence document as the policy needs it. The
// sources of these records (internal/drill/evidence) verify the signature and
// the chain; the policy only reads the outcome.
type DrillRecord struct {
	// ID is the drill's identifier; File the evidence document's path.
	ID   string
	File string
	// Finished is when the drill ended (its last phase).
	Finished time.Time
	// Succeeded is true when every phase, the backtrack and the data check
	// (when one was asked for) succeeded.
	Succeeded bool
	// Reason says why a drill failed, in the evidence's words.
	Reason string
	// Verified is true when the signature, the expected public key and the
	// chain of previous hashes all check; VerifyError says what did not.
	Verified    bool
	VerifyError string
}
