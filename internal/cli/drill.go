package cli

import "github.com/spf13/cobra"

func init() { topCommands = append(topCommands, newDrillCommand) }

// drillCommands are the `kumoguard drill` subcommands, filled by each
// subcommand's file (drill_plan.go, drill_run.go, drill_reap.go,
// drill_verify.go, drill_keygen.go, ...).
var drillCommands []func(*globalFlags) *cobra.Command

func newDrillCommand(g *globalFlags) *cobra.Command {
	drill := &cobra.Command{
		Use:   "drill",
		Short: "Backtrack drills on a copy-on-write clone, with signed evidence (KG-BT-004)",
		Long: `Backtrack drills prove that a cluster can be rewound: kumoguard clones the
cluster (copy-on-write), backtracks the clone, checks the data, keeps signed
evidence and deletes the clone. The source cluster is only read, never changed.
Nothing is created or deleted without --apply.`,
	}
	for _, add := range drillCommands {
		drill.AddCommand(add(g))
	}
	return drill
}
