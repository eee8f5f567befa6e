package fix

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// What `kumoguard fix` may edit. Four guards run before any edit:
//
//   - the module a file belongs to is decided by the source of each module
//     call on the way from the root (a registry address, git::, https://,
//     s3:: ... is a downloaded module, never edited), not by the path;
//   - the file, with its symbolic links resolved, is under the write root
//     (a local module "../../../elsewhere" or a modules.json entry pointing
//     outside the repository is refused unless AllowOutsideRoot);
//   - a definition shared by other clusters (other module calls, other
//     roots, clusters of another engine) is not edited unless every one of
//     them is an Aurora MySQL cluster this fix covers;
//   - a literal inside a conditional or another expression is not edited
//     (standalone, in patch_terraform.go).

// moduleNames returns the module call names of an address, outermost first:
// module.app.module.db[0].aws_rds_cluster.this gives app, db.
func moduleNames(addr string) []string {
	var out []string
	for {
		if !strings.HasPrefix(addr, "module.") {
			return out
		}
		rest := addr[len("module."):]
		i := strings.IndexAny(rest, ".[")
		if i <= 0 {
			return out
		}
		out = append(out, rest[:i])
		rest = rest[i:]
		if strings.HasPrefix(rest, "[") {
			// Skip the instance key, which may hold dots in a string.
			depth, j := 0, 0
			for j = 0; j < len(rest); j++ {
				if rest[j] == '"' {
					for j++; j < len(rest) && rest[j] != '"'; j++ {
						if rest[j] == '\\' {
							j++
						}
					}
					continue
				}
				if rest[j] == '[' {
					depth++
				} else if rest[j] == ']' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j >= len(rest) {
				return out
			}
			rest = rest[j+1:]
		}
		addr = strings.TrimPrefix(rest, ".")
	}
}

// moduleSource reads the source argument of the call of module mod in the
// .tf files of dir.
func moduleSource(dir, mod string) (string, bool) {
	b, ok := moduleBlock(dirBlocks(dir), mod)
	if !ok {
		return "", false
	}
	a := b.block.Body.Attributes["source"]
	if a == nil {
		return "", false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String || !v.IsKnown() || v.IsNull() {
		return "", false
	}
	return v.AsString(), true
}

var registryAddress = regexp.MustCompile(`^([a-zA-Z0-9.-]+/)?[a-zA-Z0-9_-]+/[a-zA-Z0-9_-]+/[a-zA-Z0-9_-]+(//.*)?$`)

// sourceKind classifies a module source the way Terraform does: only a path
// starting with ./ or ../ is a local module, read in place; everything else
// is downloaded by terraform init into .terraform/modules.
// https://developer.hashicorp.com/terraform/language/modules/sources
func sourceKind(src string) (local bool, kind model.Text) {
	s := strings.TrimSpace(src)
	switch {
	case strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == "..":
		return true, model.Text{}
	case strings.HasPrefix(s, "git::") || strings.HasPrefix(s, "git@") || strings.HasPrefix(s, "github.com/") || strings.HasPrefix(s, "bitbucket.org/"):
		return false, model.T("Git", "Git")
	case strings.HasPrefix(s, "hg::"):
		return false, model.T("Mercurial", "Mercurial")
	case strings.HasPrefix(s, "s3::"):
		return false, model.T("S3", "S3")
	case strings.HasPrefix(s, "gcs::"):
		return false, model.T("GCS", "GCS")
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		return false, model.T("HTTP", "HTTP")
	case filepath.IsAbs(s) || strings.HasPrefix(s, "/"):
		return false, model.T("absolute-path (copied by terraform init)", "絶対パス（terraform init がコピーする）")
	case registryAddress.MatchString(s):
		return false, model.T("registry", "レジストリ")
	}
	return false, model.T("remote", "リモート")
}

// downloadedModule reports whether file (absolute) belongs to a module that
// terraform init downloads, following the module calls of addr from the
// root module directory rootDir. It returns the refusal's reason.
func downloadedModule(rootDir, file, addr string) (model.Text, bool) {
	fileDir := filepath.Clean(filepath.Dir(file))
	dir := filepath.Clean(rootDir)
	if fileDir == dir {
		return model.Text{}, false
	}
	mods := moduleNames(addr)
	var path []string
	for _, m := range mods {
		path = append(path, "module."+m)
		src, ok := moduleSource(dir, m)
		if !ok {
			break
		}
		local, kind := sourceKind(src)
		if !local {
			call := strings.Join(path, ".")
			return model.Text{EN: fmt.Sprintf("the window is defined in %s, a %s module (source %q) that terraform init downloads: kumoguard never edits a downloaded module (the next init would overwrite the change, and every other user of the module would get it). Set the window from the caller instead: pass it as an argument of %s if the module has an input for it (or set that input in a tfvars file); otherwise ask the module's maintainers for one.",
				call, kind.EN, src, call), JA: fmt.Sprintf("ウィンドウは %[1]s（%[2]s モジュール、source %[3]q、terraform init がダウンロードするもの）で定義されています。kumoguard はダウンロードされたモジュールを編集しません（次の init で上書きされ、モジュールの他の利用者にも影響します）。呼び出し側で設定してください：モジュールに入力があれば %[4]s の引数として（または tfvars で）渡し、なければモジュールの保守者に入力の追加を依頼してください。",
				call, kind.JA, src, call)}, true
		}
		dir = filepath.Clean(filepath.Join(dir, filepath.FromSlash(src)))
		if fileDir == dir {
			return model.Text{}, false
		}
	}
	return model.Text{}, false
}

// within reports whether path is root or under it (both absolute, cleaned).
func within(path, root string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// realPath resolves symbolic links; a path that does not exist stays as is.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// writeTarget returns the file an edit of abs writes: the target of a
// symbolic link (the link itself is kept), and whether that is allowed.
func writeTarget(abs string, o PatchOptions) (string, *model.Text) {
	real := realPath(abs)
	root := o.WriteRoot
	if root == "" {
		root = o.Root
	}
	if root == "" || o.AllowOutsideRoot {
		return real, nil
	}
	rr := realPath(filepath.Clean(root))
	if within(real, rr) {
		return real, nil
	}
	var t model.Text
	if real != filepath.Clean(abs) {
		t = model.T("%s is a symbolic link to %s, which is outside the root %s: kumoguard fix writes through a link only to a file under the root (and never replaces the link). Use --allow-outside-root to allow it, or edit the target by hand.",
			"%s は %s へのシンボリックリンクで、ルート %s の外です。kumoguard fix はルート配下のファイルにだけリンク経由で書き込みます（リンク自体は置き換えません）。許可するには --allow-outside-root を指定するか、手作業でリンク先を編集してください。", abs, real, rr)
	} else {
		t = model.T("%s is outside the root %s (a module or variable file outside the repository): kumoguard fix edits only files under the root. Set --root to a directory that holds it, or use --allow-outside-root.",
			"%s はルート %s の外（リポジトリ外のモジュールや変数ファイル）です。kumoguard fix はルート配下のファイルだけを編集します。それを含むディレクトリを --root に指定するか、--allow-outside-root を使ってください。", abs, rr)
	}
	return real, &t
}

// sharedBy lists the clusters of inv that an edit of p changes besides the
// ones it fixes, with why each must not change: another engine (AWS accepts
// a backtrack window only on Aurora MySQL,
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html),
// an engine kumoguard cannot tell, or a cluster this fix does not cover
// (another module call, another root, a suppressed finding).
func sharedBy(p *planned, users clusterUsers, kind model.SourceKind) []model.Text {
	if p.change.module != "" {
		return nil // a module call's own argument changes that call only
	}
	var out []model.Text
	seen := map[string]bool{}
	l := p.change.Location
	k := useKey{kind: kind, file: l.File, line: l.Line, column: l.Column}
	if p.change.insert && !p.change.call {
		k = useKey{kind: kind, insert: true, file: l.File, line: l.Line}
	}
	var roots []string
	for _, c := range users[k] {
		if kind == model.SourceTerraform && !inRoot(l.File, c.Root) {
			roots = appendUniq(roots, rootName(c.Root))
		}
	}
	if len(roots) > 1 {
		// A module's own code, used by several roots: a change there would
		// change every one of those environments at once. kumoguard changes
		// one environment at a time, in that root's files.
		sort.Strings(roots)
		out = append(out, model.T("the place is in a module that the roots %s all use, so changing it would change each of those environments; kumoguard changes an environment in its own root's files only",
			"この場所はルート %s がすべて使うモジュールの中にあり、変更するとそれぞれの環境が変わります。kumoguard は各環境をそのルート自身のファイルでだけ変更します", strings.Join(roots, ", ")))
	}
	for _, c := range users[k] {
		key := c.Root + "\x00" + c.Address
		if seen[key] {
			continue
		}
		seen[key] = true
		eng, known := c.Engine.Get()
		switch {
		case known && eng != "aurora-mysql" && eng != "aurora":
			out = append(out, model.T("%s (%s) has engine %s, and AWS rejects a backtrack window on any engine but Aurora MySQL",
				"%s（%s）のエンジンは %s で、AWS は Aurora MySQL 以外のエンジンでのバックトラックウィンドウを拒否します", c.Address, c.Root, eng))
		case !known && c.Engine.State != model.Absent:
			out = append(out, model.T("%s (%s) has an engine kumoguard cannot tell, so the window might reach a cluster that rejects it",
				"%s（%s）のエンジンは kumoguard では判断できず、ウィンドウを拒否するクラスターに及ぶおそれがあります", c.Address, c.Root))
		case !p.fixes[key]:
			out = append(out, model.T("%s (%s) uses it too, and this fix does not cover that cluster",
				"%s（%s）も使っており、この修正はそのクラスターを対象にしていません", c.Address, c.Root))
		}
	}
	return out
}

// sharedRefusal is the refusal of an edit that would change other clusters.
func sharedRefusal(p *planned, others []model.Text) model.Text {
	where := fmt.Sprintf("%s:%d", p.change.Location.File, p.change.Location.Line)
	list := model.Join(model.T("; ", "。"), others...)
	var how model.Text
	switch {
	case p.change.insert:
		how = model.T("Give the module an input for the window (variable \"backtrack_window\" { default = null }, used as backtrack_window = var.backtrack_window) and set it in the call of the Aurora MySQL cluster only.",
			"モジュールにウィンドウの入力（variable \"backtrack_window\" { default = null } を backtrack_window = var.backtrack_window として使う）を追加し、Aurora MySQL クラスターの呼び出しでだけ設定してください。")
	case p.change.Kind == model.OriginVariableDefault:
		how = model.T("Set the variable from the caller of the Aurora MySQL cluster (its module argument or a tfvars file) instead of changing the default every caller shares.",
			"すべての呼び出し元が共有する既定値を変えるのではなく、Aurora MySQL クラスターの呼び出し側（モジュール引数または tfvars）で変数を設定してください。")
	default:
		how = model.T("Give each caller its own value (a module input or a tfvars entry) and set it for the Aurora MySQL cluster only.",
			"呼び出し元ごとに値を持たせ（モジュール入力または tfvars の項目）、Aurora MySQL クラスターにだけ設定してください。")
	}
	return model.Join(model.T(" ", ""),
		model.Text{EN: fmt.Sprintf("Not changed: %s (%s) is shared with other clusters, and changing it would change them as well:", p.change.What.EN, where),
			JA: fmt.Sprintf("変更しませんでした：%s（%s）は他のクラスターと共有されており、変更するとそれらも変わります：", p.change.What.JA, where)},
		list, model.T(".", "。"), how)
}

// useKey is a place a cluster's window is defined (a provenance step) or
// would be inserted (the resource block's line).
type useKey struct {
	kind         model.SourceKind
	insert       bool
	file         string
	line, column int
}

// clusterUsers lists, for every place, the clusters whose window uses it.
type clusterUsers map[useKey][]*model.Cluster

// indexUsers indexes the inventory once per patch, so checking who shares
// a definition does not walk every cluster for every edit.
func indexUsers(inv model.Inventory) clusterUsers {
	out := clusterUsers{}
	for i := range inv.Clusters {
		c := &inv.Clusters[i]
		out[useKey{kind: c.Source, insert: true, file: c.Location.File, line: c.Location.Line}] = append(
			out[useKey{kind: c.Source, insert: true, file: c.Location.File, line: c.Location.Line}], c)
		seen := map[useKey]bool{}
		for _, o := range c.BacktrackWindow.Provenance {
			k := useKey{kind: c.Source, file: o.Location.File, line: o.Location.Line, column: o.Location.Column}
			if !seen[k] {
				seen[k] = true
				out[k] = append(out[k], c)
			}
		}
	}
	return out
}
