package cli

import "github.com/spf13/cobra"

func init() { topCommands = append(topCommands, newServeCommand) }

// serveCommands are the `kumoguard serve` subcommands (token, migrate, ...),
// filled by each subcommand's file. The serve command's own run (API,
// scheduler, workers) is set by serveRun when that file exists.
var (
	serveCommands []func(*globalFlags) *cobra.Command
	serveRun      func(g *globalFlags, cmd *cobra.Command) *cobra.Command
)

func newServeCommand(g *globalFlags) *cobra.Command {
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Run kumoguard as a service: schedules, history, API, notifications",
	}
	if serveRun != nil {
		serve = serveRun(g, serve)
	}
	for _, add := range serveCommands {
		serve.AddCommand(add(g))
	}
	return serve
}
