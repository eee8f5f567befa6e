package cli

import (
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
)

func init() { drillCommands = append(drillCommands, newDrillReportCommand) }

func newDrillReportCommand(g *globalFlags) *cobra.Command {
	var pubPath, format, output string
	cmd := &cobra.Command{
		Use:   "report FILE|DIR... [--public-key FILE]",
		Short: "Render drill evidence as an auditor's report (Markdown or HTML, English or Japanese)",
		Long: `Render drill evidence documents as a report for auditors: per drill the phases with their
durations, requested and actual BacktrackTo, the data check, production's achieved window ("production could
have rewound N hours on date D"), the verification status, and the controls the evidence serves (SOC 2 A1.3,
ISO/IEC 27001:2022 A.8.13 and A.5.30, NIST SP 800-53 CP-4 and CP-9(1)).

Every document is verified as drill verify does; with --public-key the report names the expected signer,
without it the report says who signed is not established. The report is written even when some evidence does
not verify (it says which, and why); use drill verify for the exit status.`,
		Example: `  kumoguard drill report evidence/ --public-key kumoguard-drill.pub --format html --output drills.html
  kumoguard drill report evidence/orders/ --public-key kumoguard-drill.pub --lang ja`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := langOf(g)
			if err != nil {
				return err
			}
			f := strings.ToLower(format)
			if f != "markdown" && f != "md" && f != "html" {
				return usageErr("--format: unknown format %q (expected markdown or html)", format)
			}
			o := evidence.ReportOptions{Format: f, Lang: lang, Generated: time.Now().UTC(), Version: ToolVersion()}
			var results []evidence.Result
			files, err := evidenceFiles(args)
			if err != nil {
				return fatalErr("drill report: %v", err)
			}
			if pubPath != "" {
				pub, err := evidence.LoadPublicKey(pubPath)
				if err != nil {
					return fatalErr("drill report: %v", err)
				}
				o.KeyID = evidence.KeyID(pub)
				results = evidence.Verify(files, pub)
			} else {
				results = evidence.Verify(files, nil)
			}
			if output == "" {
				output = "-"
			}
			if err := writeOutput(output, cmd.OutOrStdout(), func(w io.Writer) error { return evidence.Report(w, results, o) }); err != nil {
				return fatalErr("drill report: %v", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&pubPath, "public-key", "", "the expected signer's public key (PEM, from kumoguard drill keygen)")
	cmd.Flags().StringVarP(&format, "format", "f", "markdown", "markdown or html")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the report to this file (default: standard output)")
	return cmd
}
