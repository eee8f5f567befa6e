// Package cli wires kumoguard's commands: one file per command, flag parsing,
// the scan pipeline and exit codes. It decides nothing itself.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X github.com/kumoguard/kumoguard/internal/cli.Version=v1.2.3".
var Version = ""

// globalFlags are flags every command shares.
type globalFlags struct {
	lang    string
	noColor bool
}

// NewRootCommand builds the kumoguard command tree.
func NewRootCommand() *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:   "kumoguard",
		Short: "Aurora MySQL backtrack posture: find, fix and prove rewindable clusters",
		Long: `kumoguard checks that every Amazon Aurora MySQL cluster has backtracking enabled with an
adequate window, in infrastructure as code (Terraform, plan JSON, CloudFormation) and in live AWS.

Rules:
  KG-BT-000  scan input can be evaluated (parse errors, missing modules, denied accounts)
  KG-BT-001  backtracking is enabled (target window > 0)
  KG-BT-002  target window >= --min-window (default 24h, at most 72h)
  KG-BT-003  the window actually achieved meets the target, no window alerts (live)
  KG-BT-004  a recent, verified backtrack drill proves the rewind (live, with --evidence-dir)

Messages are in English or Japanese (--lang ja, default from LANG).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       ToolVersion(),
	}
	root.SetVersionTemplate("kumoguard {{.Version}}\n")
	root.PersistentFlags().StringVar(&g.lang, "lang", "", "language of messages: en or ja (default from LC_ALL/LC_MESSAGES/LANG)")
	root.PersistentFlags().BoolVar(&g.noColor, "no-color", false, "never colour the table output (NO_COLOR is honoured too)")

	scan := &cobra.Command{
		Use:   "scan",
		Short: "Scan infrastructure as code or live AWS",
	}
	for _, add := range scanCommands {
		scan.AddCommand(add(g))
	}
	root.AddCommand(scan)
	for _, add := range topCommands {
		root.AddCommand(add(g))
	}
	return root
}

// scanCommands and topCommands are filled by each command's file.
var (
	scanCommands []func(*globalFlags) *cobra.Command
	topCommands  []func(*globalFlags) *cobra.Command
)

// Execute runs kumoguard with the process arguments and returns the exit code.
func Execute() int {
	return Run(os.Args[1:], os.Stdout, os.Stderr)
}

// Run runs kumoguard with the given arguments and streams; used by main and tests.
func Run(args []string, stdout, stderr io.Writer) int {
	cmd := NewRootCommand()
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err := cmd.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Msg != "" {
			fmt.Fprintln(stderr, "kumoguard:", ee.Msg)
		}
		return ee.Code
	}
	fmt.Fprintln(stderr, "kumoguard:", err)
	return ExitFatal
}
