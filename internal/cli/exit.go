package cli

import "fmt"

// Exit codes (DESIGN.md): 0 nothing at or above --fail-on, 1 findings at or
// above it, 2 usage or fatal error.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitFatal    = 2
)

// ExitError carries an exit code out of a command without printing usage.
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("exit status %d", e.Code)
}
