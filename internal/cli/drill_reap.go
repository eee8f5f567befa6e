package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/drill"
)

func init() { drillCommands = append(drillCommands, newDrillReapCommand) }

type drillReapFlags struct {
	aws     awsFlags
	apply   bool
	timeout time.Duration
}

func newDrillReapCommand(g *globalFlags) *cobra.Command {
	f := &drillReapFlags{}
	cmd := &cobra.Command{
		Use:   "reap",
		Short: "Delete drill clones left behind whose expiry tag has passed (plan first; deletes only with --apply)",
		Long: `List the clusters a killed or failed drill left behind: named ` + drill.NamePrefix + `*, tagged
` + drill.TagDrillID + `, with a ` + drill.TagExpiresAt + ` tag in the past. With --apply, delete each one's
instances (only those tagged with the same drill id), wait until they are gone, then delete the cluster
without a final snapshot; the tags are checked again right before each delete. A cluster without the tag,
not yet expired, or not named like a drill clone is never touched.

Exit codes: 0 done, 2 a cluster could not be listed or deleted.`,
		Example: `  kumoguard drill reap --region ap-northeast-1          # what would be deleted
  kumoguard drill reap --region ap-northeast-1 --apply  # delete it`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lang, err := langOf(g)
			if err != nil {
				return err
			}
			cfg, err := f.aws.config(cmd.Context(), "")
			if err != nil {
				return err
			}
			_, err = drill.Reap(cmd.Context(), cfg, drill.ReapOptions{Lang: lang, Out: cmd.OutOrStdout(), Apply: f.apply, WaitTimeout: f.timeout})
			if err != nil {
				return fatalErr("%v", err)
			}
			return nil
		},
	}
	addAWSFlags(cmd, &f.aws, awsFlagsUsage{region: "AWS Region to reap (default from the profile or AWS_REGION)"})
	cmd.Flags().BoolVar(&f.apply, "apply", false, "delete the expired clones (default: list them and change nothing)")
	cmd.Flags().DurationVar(&f.timeout, "timeout", drill.DefaultCleanupTimeout, "give up waiting for an instance's deletion after this long")
	return cmd
}
