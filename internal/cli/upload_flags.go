package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/report"
	"github.com/kumoguard/kumoguard/internal/upload"
)

// uploadFlags send the report of `scan iac` to a kumoguard service
// (--upload URL): POST URL/api/v1/uploads with the JSON report, the token
// from KUMOGUARD_TOKEN.
type uploadFlags struct {
	url        string
	repository string
	commit     string
	branch     string
}

func addUploadFlags(cmd *cobra.Command, u *uploadFlags) {
	f := cmd.Flags()
	f.StringVar(&u.url, "upload", "", "after the scan, upload the JSON report to this kumoguard service (base URL; token from "+upload.TokenEnv+")")
	f.StringVar(&u.repository, "upload-repository", "", "with --upload: the repository name (default: GITHUB_REPOSITORY, CI_PROJECT_PATH, else the git origin remote)")
	f.StringVar(&u.commit, "upload-commit", "", "with --upload: the commit (default: GITHUB_SHA, CI_COMMIT_SHA, else git HEAD)")
	f.StringVar(&u.branch, "upload-branch", "", "with --upload: the branch (default: GITHUB_REF_NAME, CI_COMMIT_REF_NAME, else the git branch)")
}

// check validates the flags before the scan, so a typo or a missing token
// does not cost a scan.
func (u *uploadFlags) check() error {
	if u.url == "" {
		if u.repository != "" || u.commit != "" || u.branch != "" {
			return usageErr("--upload-repository, --upload-commit and --upload-branch need --upload URL")
		}
		return nil
	}
	if _, err := upload.Endpoint(u.url); err != nil {
		return usageErr("--upload: %v", err)
	}
	if os.Getenv(upload.TokenEnv) == "" {
		return usageErr("--upload: set %s to a token made by `kumoguard serve token create` (it is never read from a flag)", upload.TokenEnv)
	}
	return nil
}

// wants reports whether the scan must compute what the JSON report holds
// (exact edits) whatever --format is.
func (u *uploadFlags) wants() bool { return u.url != "" }

// run uploads rep after the report was written. A failed upload is a fatal
// error (exit 2) naming the HTTP status and the server's message, never the
// token. dir is where git is asked for the repository, commit and branch.
func (u *uploadFlags) run(cmd *cobra.Command, ctx context.Context, s settings, rep model.Report, dir string) error {
	var buf bytes.Buffer
	if err := report.JSON(&buf, rep, report.Options{Lang: s.lang, RootLabel: rootLabel(rep.Scan.Root)}); err != nil {
		return fatalErr("--upload: rendering the JSON report: %v", err)
	}
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		dir = filepath.Dir(dir)
	}
	o := upload.DetectOrigin(ctx, upload.Origin{Repository: u.repository, Commit: u.commit, Branch: u.branch}, os.Getenv, dir)
	if o.Repository == "" || o.Commit == "" {
		return fatalErr("--upload: the repository and commit are unknown (not in CI and not a git checkout): pass --upload-repository and --upload-commit")
	}
	c := &upload.Client{BaseURL: u.url, Token: os.Getenv(upload.TokenEnv)}
	res, err := c.Upload(ctx, upload.Request{Repository: o.Repository, Commit: o.Commit, Branch: o.Branch, Report: buf.Bytes()})
	if err != nil {
		return fatalErr("--upload: %v", err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "%s\n", model.T("uploaded %s@%s: upload %s, scan %s, %d finding(s)",
		"%s@%s をアップロードしました：アップロード %s、スキャン %s、検出 %d 件",
		o.Repository, short(o.Commit), res.ID, res.ScanID, res.Findings).In(s.lang))
	return nil
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
