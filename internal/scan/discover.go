package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// MaxInputBytes bounds what kumoguard reads as one JSON/YAML input: larger
// files are reported, not read (a plan of 5,000 clusters is about 20 MB).
const MaxInputBytes = 256 << 20

// contentExts are the file endings read to be recognised by content when
// found by walking (a file the user names is read whatever its ending).
var contentExts = map[string]bool{".json": true, ".yaml": true, ".yml": true, ".template": true, ".cfn": true, ".tpl": true}

// discovered is what one walk of the inputs found, per source.
type discovered struct {
	files map[model.SourceKind][]File
	inv   model.Inventory // read errors and unrecognised explicit files
}

// discover walks the paths once and gives each file to the first source that
// detects it: by name (Terraform .tf/.tf.json, one file per directory is
// enough), else by content (plan JSON, templates). VCS metadata, Terraform's
// download cache, dependencies and hidden directories are skipped; cdk.out is
// kept. Symbolic links found by walking are not followed.
func discover(paths []string, root string, sources []Source) discovered {
	return discoverSkipping(paths, root, sources, nil)
}

// discoverSkipping is discover that also skips what skip names (relative
// to root, slash-separated): --skip-dirs, --skip-files, .kumoguardignore.
func discoverSkipping(paths []string, root string, sources []Source, skip func(rel string, dir bool) bool) discovered {
	d := discovered{files: map[model.SourceKind][]File{}}
	seenDir := map[model.SourceKind]map[string]bool{}
	rel := func(p string) string {
		abs, err := filepath.Abs(p)
		if err != nil {
			return filepath.ToSlash(p)
		}
		if r, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(abs)
	}
	readErr := func(p string, err error) {
		d.inv.Diagnostics = append(d.inv.Diagnostics, model.Diagnostic{
			Status: model.StatusError, Reason: model.ReasonReadError, Location: model.Location{File: rel(p)},
			Message: model.T("Could not read %s: %v.", "%s を読み取れませんでした：%v。", rel(p), err),
		})
	}
	classify := func(p string, explicit bool) {
		name := filepath.Base(p)
		for _, s := range sources {
			if s.Detect(name, nil) {
				// Sources that claim by name read whole directories: one
				// file per directory stands for it.
				k, dir := s.Kind(), filepath.Dir(p)
				if seenDir[k] == nil {
					seenDir[k] = map[string]bool{}
				}
				if !seenDir[k][dir] {
					seenDir[k][dir] = true
					d.files[k] = append(d.files[k], File{Path: p, Explicit: explicit})
				}
				return
			}
		}
		if !explicit && (!contentExts[strings.ToLower(filepath.Ext(p))] || strings.HasSuffix(name, ".tfvars.json")) {
			return
		}
		info, err := os.Stat(p)
		if err != nil {
			readErr(p, err)
			return
		}
		if !info.Mode().IsRegular() {
			// A FIFO or device would block or never end: never read one.
			readErr(p, fmt.Errorf("not a regular file (%s)", info.Mode().Type()))
			return
		}
		if info.Size() > MaxInputBytes {
			d.inv.Diagnostics = append(d.inv.Diagnostics, model.Diagnostic{
				Status: model.StatusError, Reason: model.ReasonLimitExceeded, Location: model.Location{File: rel(p), Line: 1, Column: 1},
				Message: model.T("%s is %d bytes, above the %d-byte limit for one JSON or YAML input: not read.",
					"%s は %d バイトで、JSON/YAML 入力 1 つの上限 %d バイトを超えているため読み取っていません。", rel(p), info.Size(), MaxInputBytes),
			})
			return
		}
		data, err := os.ReadFile(p)
		if err != nil {
			readErr(p, err)
			return
		}
		for _, s := range sources {
			if s.Detect(name, data) {
				d.files[s.Kind()] = append(d.files[s.Kind()], File{Path: p, Explicit: explicit, Data: data})
				return
			}
		}
		if explicit && (strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".tfvars.json")) {
			d.inv.Diagnostics = append(d.inv.Diagnostics, model.Diagnostic{
				Status: model.StatusError, Reason: model.ReasonInvalidValue, Location: model.Location{File: rel(p)},
				Message: model.T("%s is a Terraform variable file: scan its configuration directory and pass the file with --var-file.",
					"%s は Terraform 変数ファイルです。構成のディレクトリをスキャンし、このファイルは --var-file で指定してください。", rel(p)),
			})
			return
		}
		if explicit {
			d.inv.Diagnostics = append(d.inv.Diagnostics, model.Diagnostic{
				Status: model.StatusError, Reason: model.ReasonParseError, Location: model.Location{File: rel(p)},
				Message: model.T("%s is neither Terraform, Terraform plan JSON (terraform show -json) nor a CloudFormation template.",
					"%s は Terraform、Terraform プラン JSON（terraform show -json）、CloudFormation テンプレートのいずれでもありません。", rel(p)),
			})
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			readErr(p, err)
			continue
		}
		if !info.IsDir() {
			classify(p, true)
			continue
		}
		err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				readErr(path, err)
				if e != nil && e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if e.IsDir() {
				if path != p && (skipDir(e.Name()) || (skip != nil && skip(rel(path), true))) {
					return fs.SkipDir
				}
				return nil
			}
			if !e.Type().IsRegular() {
				return nil // symbolic links are not followed; FIFOs, devices and sockets are no input
			}
			if skip != nil && skip(rel(path), false) {
				return nil
			}
			classify(path, false)
			return nil
		})
		if err != nil && !errors.Is(err, fs.SkipDir) {
			readErr(p, err)
		}
	}
	for k := range d.files {
		fs := d.files[k]
		sort.Slice(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
	}
	return d
}

// skipDir names directories never scanned: VCS metadata, Terraform's
// download cache, dependencies and other hidden directories. cdk.out is kept.
func skipDir(name string) bool {
	switch name {
	case ".terraform", ".git", ".hg", ".svn", "node_modules", "vendor", "__pycache__", ".venv":
		return true
	}
	return strings.HasPrefix(name, ".") && name != "." && name != ".."
}
