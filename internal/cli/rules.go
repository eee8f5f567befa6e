package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/i18n"
	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

func init() { topCommands = append(topCommands, newRulesCommand) }

func newRulesCommand(g *globalFlags) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules with their ID, severity, title and links",
		Long: `List every rule kumoguard checks: ID, severity, whether it needs a live cluster, title, rationale
and the AWS documentation it rests on. --format json gives the same metadata reports carry in "rules".`,
		Example: `  kumoguard rules
  kumoguard rules --format json | jq -r '.[].id'
  kumoguard rules --lang ja`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lang, err := langOf(g)
			if err != nil {
				return err
			}
			rules := policy.Infos()
			switch strings.ToLower(format) {
			case "json":
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(rules)
			case "table", "":
				writeRules(cmd, rules, lang)
				return nil
			}
			return usageErr("--format: unknown format %q (expected table or json)", format)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "table or json")
	return cmd
}

func writeRules(cmd *cobra.Command, rules model.Rules, lang string) {
	w := cmd.OutOrStdout()
	for i, r := range rules {
		if i > 0 {
			fmt.Fprintln(w)
		}
		scope := model.T("IaC and live", "IaC とライブ")
		if r.Live {
			scope = model.T("live only", "ライブのみ")
		}
		fmt.Fprintf(w, "%s  %-6s  %s  (%s)\n", r.ID, r.Severity, r.Title.In(lang), scope.In(lang))
		fmt.Fprintf(w, "  %s\n", r.Rationale.In(lang))
		seen := map[string]bool{}
		for _, ref := range append([]string{r.HelpURI}, r.References...) {
			if ref != "" && !seen[ref] {
				seen[ref] = true
				fmt.Fprintf(w, "  %s\n", ref)
			}
		}
	}
}

// langOf is --lang, else the environment's language.
func langOf(g *globalFlags) (string, error) {
	if g.lang == "" {
		return i18n.FromEnv(os.Getenv), nil
	}
	l, err := i18n.Parse(g.lang)
	if err != nil {
		return "", usageErr("--lang: %v", err)
	}
	return l, nil
}
