package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
	"github.com/kumoguard/kumoguard/internal/model"
)

func init() { drillCommands = append(drillCommands, newDrillVerifyCommand) }

func newDrillVerifyCommand(g *globalFlags) *cobra.Command {
	var pubPath, format string
	var anchors []string
	cmd := &cobra.Command{
		Use:   "verify FILE|DIR... --public-key FILE",
		Short: "Check drill evidence offline: signature, key, chain, schema, contents",
		Long: `Verify drill evidence documents, offline. A directory means every *.json document under it.
Each document must match the JSON Schema, be exactly as kumoguard wrote it, be signed by the key given
with --public-key, and have an outcome its phases, backtracks and data check agree with. The documents of
one source cluster, ordered by start time, must each name the SHA-256 of the one before (and the first
none): an edited, deleted, reordered or missing document breaks the chain at the next one.

A chain cannot show that its newest documents were deleted. Keep the head hash this command prints for
each cluster somewhere the evidence directory's writers cannot change (the service stores it) and give it
back with --anchor ARN=HASH: the anchored document must still be there.

Exit status: 0 every document verifies, 1 any does not (each named with what failed), 2 usage or error.`,
		Example: `  kumoguard drill verify evidence/ --public-key kumoguard-drill.pub
  kumoguard drill verify evidence/orders/20261102T093000Z-d1.json evidence/orders/20261203T093000Z-d2.json --public-key kumoguard-drill.pub --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := langOf(g)
			if err != nil {
				return err
			}
			if pubPath == "" {
				return usageErr("drill verify: --public-key is required (the public key from kumoguard drill keygen)")
			}
			pub, err := evidence.LoadPublicKey(pubPath)
			if err != nil {
				return fatalErr("drill verify: %v", err)
			}
			files, err := evidenceFiles(args)
			if err != nil {
				return fatalErr("drill verify: %v", err)
			}
			want := map[string]string{}
			for _, a := range anchors {
				arn, hash, ok := strings.Cut(a, "=")
				if !ok || !strings.HasPrefix(arn, "arn:") || !strings.HasPrefix(hash, "sha256:") {
					return usageErr("--anchor %q: expected ARN=sha256:HEX (a head hash drill verify printed)", a)
				}
				want[arn] = hash
			}
			results := evidence.Verify(files, pub)
			rep := verifyReport(results, evidence.KeyID(pub))
			rep.AnchorProblems = evidence.CheckAnchors(results, want)
			if rep.AnchorProblems == nil {
				rep.AnchorProblems = []string{}
			}
			w := cmd.OutOrStdout()
			switch strings.ToLower(format) {
			case "json":
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(rep); err != nil {
					return err
				}
			case "text", "":
				writeVerifyText(w, rep, lang)
			default:
				return usageErr("--format: unknown format %q (expected text or json)", format)
			}
			if rep.Failed > 0 || len(rep.AnchorProblems) > 0 {
				return &ExitError{Code: ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&pubPath, "public-key", "", "the expected signer's public key (PEM, from kumoguard drill keygen)")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "text or json")
	cmd.Flags().StringArrayVar(&anchors, "anchor", nil, "ARN=sha256:HEX, a head hash kept elsewhere: that document must still be there (repeatable)")
	return cmd
}

// evidenceFiles expands directories into their documents, keeping files as
// named, each once.
func evidenceFiles(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		key, err := filepath.Abs(p)
		if err != nil {
			key = p
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			add(a)
			continue
		}
		files, err := evidence.Files(a)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			add(f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no evidence documents (*.json) in %s", strings.Join(args, ", "))
	}
	return out, nil
}

// verifyResult is one file in drill verify's output.
type verifyResult struct {
	File      string             `json:"file"`
	Verified  bool               `json:"verified"`
	DrillID   string             `json:"drill_id,omitempty"`
	SourceARN string             `json:"source_arn,omitempty"`
	Started   *time.Time         `json:"started,omitempty"`
	Outcome   string             `json:"outcome,omitempty"`
	Hash      string             `json:"hash,omitempty"`
	Problems  []evidence.Problem `json:"problems"`
}

// verifyOutput is drill verify's JSON document.
type verifyOutput struct {
	PublicKeyID string         `json:"public_key_id"`
	Verified    int            `json:"verified"`
	Failed      int            `json:"failed"`
	Files       []verifyResult `json:"files"`
	// Heads is each source cluster's newest document hash: the value to keep
	// elsewhere, since a chain cannot show its newest documents deleted.
	Heads map[string]string `json:"heads"`
	// AnchorProblems are the --anchor hashes not found.
	AnchorProblems []string `json:"anchor_problems"`
}

func verifyReport(results []evidence.Result, keyID string) verifyOutput {
	out := verifyOutput{PublicKeyID: keyID, Heads: map[string]string{}}
	newest := map[string]*evidence.Document{}
	for _, r := range results {
		v := verifyResult{File: r.File, Verified: r.OK(), Hash: r.Hash, Problems: r.Problems}
		if v.Problems == nil {
			v.Problems = []evidence.Problem{}
		}
		if d := r.Doc; d != nil {
			v.DrillID, v.SourceARN, v.Outcome = d.DrillID, d.Source.ARN, d.Outcome
			st := d.Started.UTC()
			v.Started = &st
			if n := newest[d.Source.ARN]; n == nil || d.Started.After(n.Started) {
				newest[d.Source.ARN] = d
				out.Heads[d.Source.ARN] = r.Hash
			}
		}
		if v.Verified {
			out.Verified++
		} else {
			out.Failed++
		}
		out.Files = append(out.Files, v)
	}
	return out
}

func writeVerifyText(w interface{ Write([]byte) (int, error) }, rep verifyOutput, lang string) {
	for _, f := range rep.Files {
		status := "OK  "
		if !f.Verified {
			status = "FAIL"
		}
		desc := ""
		if f.DrillID != "" {
			desc = fmt.Sprintf("  %s %s %s", f.DrillID, f.Started.Format(time.RFC3339), f.Outcome)
		}
		fmt.Fprintf(w, "%s  %s%s\n", status, f.File, desc)
		for _, p := range f.Problems {
			fmt.Fprintf(w, "      %s: %s\n", p.Check, p.Detail)
		}
	}
	arns := make([]string, 0, len(rep.Heads))
	for a := range rep.Heads {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	if len(arns) > 0 {
		fmt.Fprintln(w, model.T("Head of each chain (keep it elsewhere: a chain cannot show its newest documents deleted):",
			"各チェーンの先頭（別の場所に保管してください。チェーンでは最新の文書の削除を検出できません）：").In(lang))
		for _, a := range arns {
			fmt.Fprintf(w, "  %s  %s\n", a, rep.Heads[a])
		}
	}
	for _, p := range rep.AnchorProblems {
		fmt.Fprintf(w, "FAIL  anchor %s\n", p)
	}
	fmt.Fprintln(w, model.T("%d verified, %d failed (public key %s).", "検証成功 %d 件、失敗 %d 件（公開鍵 %s）。",
		rep.Verified, rep.Failed, rep.PublicKeyID).In(lang))
}
