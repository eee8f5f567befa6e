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
