package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/model"
)

func init() { drillCommands = append(drillCommands, newDrillKeygenCommand) }

func newDrillKeygenCommand(g *globalFlags) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Create the Ed25519 key pair that signs drill evidence",
		Long: `Create an Ed25519 key pair for signing drill evidence: ` + evidence.PrivateKeyFile + ` (PEM PKCS #8,
mode 0600; keep it secret, drill run signs with it) and ` + evidence.PublicKeyFile + ` (PEM PKIX; give it
to whoever verifies: drill verify, scan aws --evidence-public-key). Existing keys are never overwritten.`,
		Example: `  kumoguard drill keygen --dir ~/.config/kumoguard`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lang, err := langOf(g)
			if err != nil {
				return err
			}
			priv, pub, err := evidence.GenerateKey(dir)
			if err != nil {
				return fatalErr("drill keygen: %v", err)
			}
			k, err := evidence.LoadPublicKey(pub)
			if err != nil {
				return fatalErr("drill keygen: %v", err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintln(w, model.T("Private key (keep secret): %s", "秘密鍵（秘密に保管）：%s", priv).In(lang))
			fmt.Fprintln(w, model.T("Public key: %s", "公開鍵：%s", pub).In(lang))
			fmt.Fprintln(w, model.T("Key ID: %s", "鍵 ID：%s", evidence.KeyID(k)).In(lang))
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".", "directory for the key files (created 0700 when missing)")
	return cmd
}
