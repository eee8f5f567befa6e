// Package model is the one vocabulary every kumoguard package shares: the
// clusters that sources build, the values they carry (known, unknown or
// invalid, each with where it came from) and the findings that policy emits.
package model

import (
	"fmt"
	"strings"
)

// Status is the verdict of one rule on one resource.
type Status string

const (
	StatusPass          Status = "PASS"
	StatusFail          Status = "FAIL"
	StatusNotApplicable Status = "NOT_APPLICABLE"
	StatusUnknown       Status = "UNKNOWN"
	StatusError         Status = "ERROR"
)

// Statuses lists every status in report order.
var Statuses = []Status{StatusPass, StatusFail, StatusNotApplicable, StatusUnknown, StatusError}

// ParseStatus accepts a status name in any case ("fail", "NOT_APPLICABLE", "na").
func ParseStatus(s string) (Status, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "NA" || u == "N/A" {
		return StatusNotApplicable, nil
	}
	for _, st := range Statuses {
		if string(st) == u {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q (expected one of PASS, FAIL, NOT_APPLICABLE, UNKNOWN, ERROR)", s)
}

// Severity ranks how much a failing rule matters.
type Severity string

const (
	SeverityCritical Severity = "CRITICAL"
	SeverityHigh     Severity = "HIGH"
	SeverityMedium   Severity = "MEDIUM"
	SeverityLow      Severity = "LOW"
	SeverityInfo     Severity = "INFO"
)

// Reason is a stable upper-snake-case code explaining a status. Codes are
// extended, never renamed: downstream tooling keys on them.
type Reason string

const (
	// Verdicts on in-scope clusters.
	ReasonBacktrackEnabled        Reason = "BACKTRACK_ENABLED"
	ReasonBacktrackDisabled       Reason = "BACKTRACK_DISABLED"
	ReasonWindowMeetsMinimum      Reason = "WINDOW_MEETS_MINIMUM"
	ReasonWindowBelowMinimum      Reason = "WINDOW_BELOW_MINIMUM"
	ReasonWindowLikelyHours       Reason = "WINDOW_LIKELY_HOURS"
	ReasonWindowOutOfRange        Reason = "WINDOW_OUT_OF_RANGE"
	ReasonEnableOnExistingCluster Reason = "ENABLE_ON_EXISTING_CLUSTER"
	ReasonDisableIrreversible     Reason = "DISABLE_IRREVERSIBLE"
	ReasonCloneOfNonBacktrack     Reason = "CLONE_SOURCE_WITHOUT_BACKTRACK"

	// Live (KG-BT-003).
	ReasonActualWindowMeetsTarget Reason = "ACTUAL_WINDOW_MEETS_TARGET"
	ReasonActualWindowBelowTarget Reason = "ACTUAL_WINDOW_BELOW_TARGET"
	ReasonBacktrackWindowAlerts   Reason = "BACKTRACK_WINDOW_ALERTS"
	ReasonMetricsUnavailable      Reason = "METRICS_UNAVAILABLE"
	// ReasonWindowStillFilling: the cluster is younger than its target
	// window, so the window cannot be full yet.
	ReasonWindowStillFilling Reason = "WINDOW_STILL_FILLING"

	// Drills (KG-BT-004): verified, signed drill evidence.
	// ReasonDrillRecent: the newest verified drill succeeded within the
	// maximum age.
	ReasonDrillRecent Reason = "DRILL_RECENT"
	// ReasonDrillStale: the newest verified drill succeeded, longer ago than
	// the maximum age.
	ReasonDrillStale Reason = "DRILL_STALE"
	// ReasonDrillFailed: the newest verified drill failed.
	ReasonDrillFailed Reason = "DRILL_FAILED"
	// ReasonDrillEvidenceMissing: no drill evidence for the cluster.
	ReasonDrillEvidenceMissing Reason = "DRILL_EVIDENCE_MISSING"
	// ReasonDrillEvidenceUnverified (ERROR): an evidence document does not
	// verify (signature, key, chain, schema or contents).
	ReasonDrillEvidenceUnverified Reason = "DRILL_EVIDENCE_UNVERIFIED"

	// Out of scope (NOT_APPLICABLE), each an AWS limit stated with its source
	// in docs/backtrack-rules.md (Scope, Global databases, Aurora Serverless, Regions).
	ReasonEngineNotAuroraMySQL  Reason = "ENGINE_NOT_AURORA_MYSQL"
	ReasonServerlessV1          Reason = "SERVERLESS_V1"
	ReasonEngineModeUnsupported Reason = "ENGINE_MODE_UNSUPPORTED"
	ReasonGlobalDatabaseMember  Reason = "GLOBAL_DATABASE_MEMBER"
	ReasonBinlogReplication     Reason = "BINLOG_REPLICATION"
	ReasonRegionUnsupported     Reason = "REGION_UNSUPPORTED"
	ReasonResourceDeleted       Reason = "RESOURCE_DELETED"
	// ReasonEnhancedBinlog: aurora_enhanced_binlog = 1 in the cluster's
	// parameter group; enhanced binlog and backtrack exclude each other
	// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Enhanced.binlog.html).
	ReasonEnhancedBinlog Reason = "ENHANCED_BINLOG"
	// ReasonZeroETLIntegration: the cluster is the source of a zero-ETL
	// integration, which needs enhanced binlog
	// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html).
	ReasonZeroETLIntegration Reason = "ZERO_ETL_INTEGRATION"

	// ReasonEngineVersionWithoutBacktrack (FAIL): a window is set on an
	// engine version that does not support backtrack (Aurora MySQL 2 before
	// 2.06, or 3.02.0), so AWS rejects it or it does not work
	// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html).
	ReasonEngineVersionWithoutBacktrack Reason = "ENGINE_VERSION_WITHOUT_BACKTRACK"

	// Could not evaluate.
	ReasonUnresolvedValue    Reason = "UNRESOLVED_VALUE"
	ReasonModuleNotInstalled Reason = "MODULE_NOT_INSTALLED"
	ReasonEngineNotSet       Reason = "ENGINE_NOT_SET"

	// Broken input.
	ReasonParseError      Reason = "PARSE_ERROR"
	ReasonInvalidValue    Reason = "INVALID_VALUE"
	ReasonReadError       Reason = "READ_ERROR"
	ReasonReferenceError  Reason = "REFERENCE_ERROR"
	ReasonAPIError        Reason = "API_ERROR"
	ReasonAccessDenied    Reason = "ACCESS_DENIED"
	ReasonEvaluationError Reason = "EVALUATION_ERROR"
	// ReasonScanInterrupted: a live scan was cancelled (Ctrl-C, deadline)
	// before every account-region was scanned; the report is partial.
	ReasonScanInterrupted Reason = "SCAN_INTERRUPTED"
	// ReasonModuleCycle: a Terraform module calls itself, directly or through
	// other modules (Terraform rejects the configuration).
	ReasonModuleCycle Reason = "MODULE_CYCLE"
	// ReasonLimitExceeded: an input exceeded one of kumoguard's bounds on
	// work (file size, nesting depth, expanded instances, evaluated bytes);
	// what it would have produced was not evaluated.
	ReasonLimitExceeded Reason = "LIMIT_EXCEEDED"
)
