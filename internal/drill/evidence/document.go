// Package evidence is the signed record of a backtrack drill: one JSON
// document per drill, signed with Ed25519, chained per source cluster by the
// hash of the previous document.
package evidence

import "time"

// Schema names this document format; it is the document's "schema" field.
const Schema = "https://kumoguard.dev/schemas/drill-evidence/v1"

// Outcomes of a drill and of its phases.
const (
	OutcomeSucceeded = "succeeded"
	OutcomeFailed    = "failed"
	OutcomeSkipped   = "skipped"
)

// Document is one drill's evidence. Times are UTC, RFC 3339 with nanoseconds.
type Document struct {
	Schema           string `json:"schema"`
	DrillID          string `json:"drill_id"`
	KumoguardVersion string `json:"kumoguard_version"`
	// CallerARN is who ran the drill (sts:GetCallerIdentity).
	CallerARN string `json:"caller_arn"`
	Account   string `json:"account"`
	Region    string `json:"region"`

	Source SourceCluster `json:"source"`
	Clone  Clone         `json:"clone"`
	// Phases in the order they ran: preflight, clone, instance, data-check,
	// backtrack, verify, forward, evidence, cleanup.
	Phases []Phase `json:"phases"`
	// Backtracks are the BacktrackDBCluster calls made on the clone.
	Backtracks []Backtrack `json:"backtracks"`
	// DataCheck is nil when none was asked for (--data-check none).
	DataCheck *DataCheck `json:"data_check,omitempty"`
	// Production is the source cluster's own window, read-only.
	Production ProductionWindow `json:"production"`

	Outcome       string    `json:"outcome"`
	FailureReason string    `json:"failure_reason,omitempty"`
	Started       time.Time `json:"started"`
	Finished      time.Time `json:"finished"`
	// RecoverySeconds is the measured rewind: from the BacktrackDBCluster call
	// to the clone being available again.
	RecoverySeconds float64 `json:"recovery_seconds"`

	Metadata Metadata `json:"metadata"`
}

// SourceCluster is the production cluster drilled (never modified).
type SourceCluster struct {
	ARN                    string `json:"arn"`
	Identifier             string `json:"identifier"`
	Engine                 string `json:"engine"`
	EngineVersion          string `json:"engine_version"`
	BacktrackWindowSeconds int64  `json:"backtrack_window_seconds"`
	// BinlogEnabled: binary logging is on, so backtrack needs Force:
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_BacktrackDBCluster.html
	BinlogEnabled bool `json:"binlog_enabled"`
	// ClonesInGroup counts the copy-on-write clones already sharing its
	// storage before this drill.
	ClonesInGroup int `json:"clones_in_group"`
}

// Clone is the copy-on-write clone the drill created, and deleted.
type Clone struct {
	Identifier             string `json:"identifier"`
	ARN                    string `json:"arn,omitempty"`
	Instance               string `json:"instance"`
	InstanceClass          string `json:"instance_class"`
	BacktrackWindowSeconds int64  `json:"backtrack_window_seconds"`
	Deleted                bool   `json:"deleted"`
}

// Phase is one step of the drill with its measured duration.
type Phase struct {
	Name            string    `json:"name"`
	Started         time.Time `json:"started"`
	Finished        time.Time `json:"finished"`
	DurationSeconds float64   `json:"duration_seconds"`
	Outcome         string    `json:"outcome"`
	// RequestIDs are the AWS request IDs of the calls made in this phase.
	RequestIDs []string `json:"request_ids,omitempty"`
	Error      string   `json:"error,omitempty"`
}

// Backtrack is one BacktrackDBCluster call and how it ended
// (DescribeDBClusterBacktracks).
type Backtrack struct {
	Direction           string    `json:"direction"` // "back" or "forward"
	BacktrackIdentifier string    `json:"backtrack_identifier,omitempty"`
	RequestedTo         time.Time `json:"requested_to"`
	ActualTo            time.Time `json:"actual_to,omitzero"`
	Status              string    `json:"status"` // completed, failed, ...
	RequestID           string    `json:"request_id,omitempty"`
	Started             time.Time `json:"started"`
	Finished            time.Time `json:"finished"`
}

// DataCheck is the fingerprint/marker check on the clone.
type DataCheck struct {
	Mode   string             `json:"mode"` // "marker"
	Tables []TableFingerprint `json:"tables"`
	// MarkerWrittenAt is when the marker row was committed.
	MarkerWrittenAt          time.Time `json:"marker_written_at"`
	MarkerGoneAfterBacktrack bool      `json:"marker_gone_after_backtrack"`
	FingerprintMatches       bool      `json:"fingerprint_matches"`
	// MarkerBackAfterForward is set only with --forward.
	MarkerBackAfterForward *bool  `json:"marker_back_after_forward,omitempty"`
	Error                  string `json:"error,omitempty"`
}

// TableFingerprint is a table's row count and checksum before the marker and
// after the backtrack.
type TableFingerprint struct {
	Table          string `json:"table"`
	RowsBefore     int64  `json:"rows_before"`
	RowsAfter      int64  `json:"rows_after"`
	ChecksumBefore string `json:"checksum_before"`
	ChecksumAfter  string `json:"checksum_after"`
}

// ProductionWindow is what the source cluster could have rewound: its
// achieved window (now − EarliestBacktrackTime), BacktrackWindowAlert over the
// period and the RDS-EVENT-0131 history.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Monitoring.html
type ProductionWindow struct {
	MeasuredAt            time.Time  `json:"measured_at"`
	TargetWindowSeconds   int64      `json:"target_window_seconds"`
	EarliestBacktrackTime *time.Time `json:"earliest_backtrack_time,omitempty"`
	AchievedSeconds       int64      `json:"achieved_seconds"`
	// WindowAlertSum is the sum of BacktrackWindowAlert over the lookback
	// period; nil when CloudWatch could not be read (WindowAlertError says why).
	WindowAlertSum   *float64 `json:"window_alert_sum,omitempty"`
	WindowAlertError string   `json:"window_alert_error,omitempty"`
	LookbackSeconds  int64    `json:"lookback_seconds"`
	Event0131        []Event  `json:"rds_event_0131,omitempty"`
	EventsError      string   `json:"events_error,omitempty"`
}

// Event is one RDS event.
type Event struct {
	Time    time.Time `json:"time"`
	Message string    `json:"message"`
}

// Metadata holds the signature and the chain link.
type Metadata struct {
	// Algorithm is "ed25519".
	Algorithm string `json:"algorithm"`
	// PublicKey is the signer's Ed25519 public key, base64 (standard).
	PublicKey string `json:"public_key"`
	// PreviousHash is "sha256:<hex>" of the previous document for the same
	// source cluster ARN, or "" for the first.
	PreviousHash string `json:"previous_hash"`
	// Signature is base64 of the Ed25519 signature over the document's
	// canonical bytes with Signature set to "".
	Signature string `json:"signature"`
}
