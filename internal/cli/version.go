package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { topCommands = append(topCommands, newVersionCommand) }

// ToolVersion is the version reported in reports: the -ldflags value, else
// the module version from the build info, else "dev".
func ToolVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func newVersionCommand(*globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the kumoguard version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "kumoguard %s (%s, %s/%s)\n", ToolVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
