package upload

import (
	"context"
	"net/url"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Origin names what was scanned: the repository, the commit and the branch.
type Origin struct {
	Repository string
	Commit     string
	Branch     string
}

// DetectOrigin fills what o leaves empty from the CI environment, then from
// git in dir:
//   - GitHub Actions: GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF_NAME
//     https://docs.github.com/en/actions/reference/workflows-and-actions/variables
//   - GitLab CI: CI_PROJECT_PATH, CI_COMMIT_SHA, CI_COMMIT_REF_NAME
//     https://docs.gitlab.com/ci/variables/predefined_variables/
//   - git: the origin remote's path (owner/name, credentials dropped), HEAD,
//     the current branch.
func DetectOrigin(ctx context.Context, o Origin, getenv func(string) string, dir string) Origin {
	for _, ci := range [][3]string{
		{"GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_REF_NAME"},
		{"CI_PROJECT_PATH", "CI_COMMIT_SHA", "CI_COMMIT_REF_NAME"},
	} {
		if getenv(ci[0]) == "" && getenv(ci[1]) == "" {
			continue
		}
		fill(&o.Repository, getenv(ci[0]))
		fill(&o.Commit, getenv(ci[1]))
		fill(&o.Branch, getenv(ci[2]))
		break
	}
	if o.Repository != "" && o.Commit != "" && o.Branch != "" {
		return o
	}
	git := func(args ...string) string {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	if o.Commit == "" {
		fill(&o.Commit, git("rev-parse", "HEAD"))
	}
	if o.Branch == "" {
		if b := git("rev-parse", "--abbrev-ref", "HEAD"); b != "HEAD" {
			fill(&o.Branch, b)
		}
	}
	if o.Repository == "" {
		fill(&o.Repository, RepositoryFromRemote(git("config", "--get", "remote.origin.url")))
	}
	if o.Repository == "" {
		if top := git("rev-parse", "--show-toplevel"); top != "" {
			o.Repository = filepath.Base(top)
		}
	}
	return o
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = strings.TrimSpace(v)
	}
}

// RepositoryFromRemote turns a git remote URL into the repository's path
// (owner/name): https://user:token@github.com/o/r.git, git@github.com:o/r.git
// and ssh://git@host/o/r all give "o/r". Credentials in the URL are never
// part of the result.
func RepositoryFromRemote(remote string) string {
	remote = strings.TrimSpace(remote)
	if remote == "" {
		return ""
	}
	var p string
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" && u.Host != "" {
		p = u.Path
	} else if i := strings.Index(remote, ":"); i > 0 && !strings.Contains(remote[:i], "/") {
		p = remote[i+1:] // scp-like: [user@]host:path
	} else {
		p = remote // a local path
	}
	p = strings.TrimSuffix(strings.Trim(path.Clean("/"+filepath.ToSlash(p)), "/"), ".git")
	return p
}
