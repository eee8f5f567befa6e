package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
// 2 usage or fatal error, 3 the scan is incomplete (something in scope could
// not be evaluated; not with --allow-partial), 130 interrupted (SIGINT or
// SIGTERM; the partial report is still written), as shells expect.
const (
	ExitOK          = 0
	ExitFindings    = 1
	ExitFatal       = 2
	ExitIncomplete  = 3
	ExitInterrupted = 130
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

// signalContext is the command's context, cancelled by SIGINT or SIGTERM so
// that a scan stops reading and still reports what it read (exit 130).
func signalContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}
