package model

// RemediationPath names which way out of a finding applies. The choice follows
// AWS: backtracking can only be enabled when a cluster is created, the window
// of an enabled cluster can be changed in place, and a window set to 0 can
// never be raised again.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
type RemediationPath string

const (
	// PathNone: nothing to do (PASS, or out of scope, with why).
	PathNone RemediationPath = "none"
	// PathSetWindow: the cluster is not created yet; set the window.
	PathSetWindow RemediationPath = "set_window"
	// PathRaiseWindow: backtrack is enabled; raise the window in place (no outage).
	PathRaiseWindow RemediationPath = "raise_window"
	// PathMigrate: the cluster exists without backtrack (or it was set to 0):
	// snapshot, restore with --backtrack-window, cut over
	// (https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack).
	PathMigrate RemediationPath = "migrate"
	// PathSetOrMigrate: infrastructure as code that does not say whether the
	// cluster exists yet: set the window if it does not, migrate if it does.
	PathSetOrMigrate RemediationPath = "set_or_migrate"
	// PathKeepWindow: a change would disable backtrack for good; keep the window.
	PathKeepWindow RemediationPath = "keep_window"
	// PathFixInput: the input is broken or could not be evaluated.
	PathFixInput RemediationPath = "fix_input"
	// PathManual: a failing check whose way out is the summary's text alone
	// (for example an actual window below the target, KG-BT-003).
	PathManual RemediationPath = "manual"
)

// Remediation is the exact way out of one finding: what to do in the console,
// the AWS CLI commands filled in for the cluster, and the change to its
// infrastructure as code.
type Remediation struct {
	Path    RemediationPath `json:"path"`
	Summary Text            `json:"summary"`
	// TargetWindowSeconds is the window the remediation sets, when it sets one.
	TargetWindowSeconds int64 `json:"target_window_seconds,omitempty"`
	// Console lists the AWS Management Console steps, in order.
	Console []Text `json:"console,omitempty"`
	// CLI lists AWS CLI commands, in order.
	CLI []CLICommand `json:"cli,omitempty"`
	// IaC lists the infrastructure-as-code changes.
	IaC []IaCChange `json:"iac,omitempty"`
	// Runbook is the kumoguard command that writes the full migration runbook.
	Runbook string `json:"runbook,omitempty"`
	// Notes are caveats that go with the remediation.
	Notes []Text `json:"notes,omitempty"`
}

// CLICommand is one AWS CLI command with what it is for.
type CLICommand struct {
	Purpose Text   `json:"purpose"`
	Command string `json:"command"`
}

// IaCChange is one edit to Terraform or CloudFormation.
type IaCChange struct {
	Kind        SourceKind `json:"kind"`
	Description Text       `json:"description"`
	// Location is where the edit goes (the attribute, the variable default,
	// the tfvars assignment, the parameter default, or the resource block).
	Location Location `json:"location"`
	// Snippet is the code as it should read after the change.
	Snippet string `json:"snippet"`
	// Automatic is true when `kumoguard fix` makes this change itself.
	Automatic bool `json:"automatic"`
	// Edits are the exact text replacements, when computed (SARIF fixes).
	Edits []TextEdit `json:"edits,omitempty"`
}

// TextEdit replaces the text between two positions of a file (1-based lines
// and columns; End is exclusive; an insertion has Start == End).
type TextEdit struct {
	File        string `json:"file"`
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
	Insert      string `json:"insert"`
}

// Resolution is the policy's decision about the way out of a finding, as
// facts: which path applies, what step it takes, the window now and the
// window to set. internal/fix writes every word and command from it; the
// policy writes none.
type Resolution struct {
	Path RemediationPath
	Step ResolutionStep
	// Attribute is the window's name in the source: backtrack_window for
	// Terraform, BacktrackWindow for CloudFormation and live clusters.
	Attribute string
	// Window is the current target window in seconds, when known.
	Window      int64
	WindowKnown bool
	// Sensitive: the window comes from a sensitive variable or a NoEcho
	// parameter, so no text shows it.
	Sensitive bool
	// Target is the window to set (0 when the way out sets none), and Basis
	// why that value.
	Target int64
	Basis  TargetBasis
	// Minimum is the policy minimum the verdict was made with.
	Minimum int64
	// Actual is the achieved window (KG-BT-003), -1 when not measured.
	Actual int64
	// Advice is what the source said to do about an input it could not read
	// (KG-BT-000 only).
	Advice Text
}

// ResolutionStep names what the way out does, where the path alone does not
// say it.
type ResolutionStep string

const (
	StepNone ResolutionStep = ""
	// StepScope: out of scope or scope undecidable; the Reason says why.
	StepScope ResolutionStep = "scope"
	// StepFixInput: an input kumoguard could not read (Advice says how).
	StepFixInput ResolutionStep = "fix_input"
	// StepWholeSeconds: the window is not a valid number of seconds.
	StepWholeSeconds ResolutionStep = "whole_seconds"
	// StepWindowInRange: the window is outside 0..259200.
	StepWindowInRange ResolutionStep = "window_in_range"
	// StepGiveValue: the window depends on a value kumoguard could not resolve.
	StepGiveValue ResolutionStep = "give_value"
	// StepGiveValueCandidates: the possible values give different verdicts.
	StepGiveValueCandidates ResolutionStep = "give_value_candidates"
	// StepEnable: backtrack is off (set the window, or migrate).
	StepEnable ResolutionStep = "enable"
	// StepRaise: backtrack is on and the window is short: raise it in place.
	StepRaise ResolutionStep = "raise"
	// StepMigrate: a plan would enable backtrack on an existing cluster.
	StepMigrate ResolutionStep = "migrate"
	// StepKeep: a plan would set the window to 0.
	StepKeep ResolutionStep = "keep"
	// StepReduceWrites: the achieved window falls short of the target.
	StepReduceWrites ResolutionStep = "reduce_writes"
	// StepRunDrill: run a backtrack drill that keeps signed evidence
	// (KG-BT-004: none, stale or failed).
	StepRunDrill ResolutionStep = "run_drill"
	// StepCheckEvidence: evidence does not verify; find out why and restore
	// the original documents.
	StepCheckEvidence ResolutionStep = "check_evidence"
	// StepGrantDescribe: the achieved window could not be measured.
	StepGrantDescribe ResolutionStep = "grant_describe"
	// StepGrantMetrics: BacktrackWindowAlert could not be read.
	StepGrantMetrics ResolutionStep = "grant_metrics"
	// StepUpgradeEngine: the engine version does not support backtrack;
	// the cluster needs a version that does (Minimum holds the policy
	// minimum for the window to set there). No window is written in code.
	StepUpgradeEngine ResolutionStep = "upgrade_engine"
	// StepGrantScopeRead: the enhanced binlog parameter or the zero-ETL
	// integrations could not be read (permissions), so scope is undecided.
	StepGrantScopeRead ResolutionStep = "grant_scope_read"
)

// TargetBasis says why a remediation's target window has its value.
type TargetBasis string

const (
	BasisNone TargetBasis = ""
	// BasisMinimum: the configured minimum.
	BasisMinimum TargetBasis = "minimum"
	// BasisHours: a window of 1..72 read as hours written as seconds, ×3600.
	BasisHours TargetBasis = "hours"
	// BasisHoursBelowMinimum: read as hours, but that is below the minimum.
	BasisHoursBelowMinimum TargetBasis = "hours_below_minimum"
	// BasisMaximum: above 72 h, so the largest AWS accepts.
	BasisMaximum TargetBasis = "maximum"
	// BasisPrior: the window the cluster has now (a plan would set it to 0).
	BasisPrior TargetBasis = "prior"
)

// DefaultPath is the way out of a verdict that carries no decision of its
// own: nothing for PASS and NOT_APPLICABLE, manual for FAIL, fixing the
// input for UNKNOWN and ERROR.
func DefaultPath(s Status) RemediationPath {
	switch s {
	case StatusPass, StatusNotApplicable:
		return PathNone
	case StatusFail:
		return PathManual
	}
	return PathFixInput
}
