package tffuncs

import (
	"crypto/md5"  //nolint:gosec // filemd5() is a Terraform function
	"crypto/sha1" //nolint:gosec // filesha1() is a Terraform function
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/kumoguard/kumoguard/internal/model"
)

// access resolves the paths the file functions read: relative to
// Terraform's working directory (BaseDir), never outside Root.
type access struct{ o Options }

// resolve returns the absolute path of p, or the reason it is not read.
func (a access) resolve(fn, p string) (string, *model.Text) {
	orig := p
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		why := model.T("%s(%q) reads from the home directory, outside the scanned directory, which kumoguard does not read",
			"%s(%q) はスキャン対象外のホームディレクトリを読むため、kumoguard は読み取りません", fn, orig)
		return "", &why
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(a.o.BaseDir, p)
	}
	p = filepath.Clean(p)
	if !a.inside(p) {
		why := model.T("%s(%q) reads outside the scanned directory, which kumoguard does not read",
			"%s(%q) はスキャン対象ディレクトリの外を読むため、kumoguard は読み取りません", fn, orig)
		return "", &why
	}
	return p, nil
}

// inside reports whether p, with its symbolic links resolved as far as
// they exist, is Root or below it.
func (a access) inside(p string) bool {
	root, err := filepath.Abs(a.o.Root)
	if err != nil {
		return false
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	// Resolve the longest existing prefix.
	rest := ""
	cur := abs
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			abs = filepath.Join(r, rest)
			break
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			break
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
	rel, err := filepath.Rel(root, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// read reads a file, or says why it is not read.
func (a access) read(fn, p string) ([]byte, *model.Text, error) {
	abs, why := a.resolve(fn, p)
	if why != nil {
		return nil, why, nil
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("no file exists at %s; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource", p)
		}
		return nil, nil, fmt.Errorf("failed to read %s", p)
	}
	return b, nil, nil
}

func fileFuncs(o Options) map[string]function.Function {
	a := access{o}
	pathParam := []function.Parameter{{Name: "path", Type: cty.String}}
	contents := func(name string, f func(b []byte) (string, error)) function.Function {
		return function.New(&function.Spec{
			Params: pathParam,
			Type:   function.StaticReturnType(cty.String),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				b, why, err := a.read(name, args[0].AsString())
				if err != nil {
					return cty.UnknownVal(cty.String), err
				}
				if why != nil {
					return o.unknown(cty.String, *why), nil
				}
				s, err := f(b)
				if err != nil {
					return cty.UnknownVal(cty.String), err
				}
				return cty.StringVal(s), nil
			},
		})
	}
	hashed := func(name string, h func() hash.Hash, b64 bool) function.Function {
		return contents(name, func(b []byte) (string, error) { return hexOrBase64(h, b, b64), nil })
	}
	return map[string]function.Function{
		"file": contents("file", func(b []byte) (string, error) {
			if !utf8.Valid(b) {
				return "", errors.New("contents are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead")
			}
			return string(b), nil
		}),
		"filebase64": contents("filebase64", func(b []byte) (string, error) {
			return base64.StdEncoding.EncodeToString(b), nil
		}),
		"filemd5":          hashed("filemd5", func() hash.Hash { return md5.New() }, false),   //nolint:gosec
		"filesha1":         hashed("filesha1", func() hash.Hash { return sha1.New() }, false), //nolint:gosec
		"filesha256":       hashed("filesha256", hashSHA256, false),
		"filesha512":       hashed("filesha512", hashSHA512, false),
		"filebase64sha256": hashed("filebase64sha256", hashSHA256, true),
		"filebase64sha512": hashed("filebase64sha512", hashSHA512, true),
		"fileexists": function.New(&function.Spec{
			Params: pathParam,
			Type:   function.StaticReturnType(cty.Bool),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				p := args[0].AsString()
				abs, why := a.resolve("fileexists", p)
				if why != nil {
					return o.unknown(cty.Bool, *why), nil
				}
				fi, err := os.Stat(abs)
				if err != nil {
					if errors.Is(err, fs.ErrNotExist) {
						return cty.False, nil
					}
					return cty.UnknownVal(cty.Bool), fmt.Errorf("failed to stat %s", p)
				}
				if fi.Mode().IsRegular() {
					return cty.True, nil
				}
				kind := "irregular file"
				if fi.IsDir() {
					kind = "directory"
				}
				return cty.False, fmt.Errorf("%s is not a regular file, but %q", p, kind)
			},
		}),
		"fileset": function.New(&function.Spec{
			Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
			Type:   function.StaticReturnType(cty.Set(cty.String)),
			Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
				p := args[0].AsString()
				abs, why := a.resolve("fileset", p)
				if why != nil {
					return o.unknown(retType, *why), nil
				}
				pattern := filepath.Join(abs, args[1].AsString())
				matches, err := doublestar.Glob(pattern)
				if err != nil {
					return cty.UnknownVal(retType), fmt.Errorf("failed to glob pattern %s: %w", args[1].AsString(), err)
				}
				var out []cty.Value
				for _, m := range matches {
					if !a.inside(m) {
						return o.unknown(retType, model.T("fileset(%q, %q) matches files outside the scanned directory, which kumoguard does not read",
							"fileset(%q, %q) はスキャン対象ディレクトリの外のファイルに一致するため、kumoguard は読み取りません", p, args[1].AsString())), nil
					}
					fi, err := os.Stat(m)
					if err != nil {
						return cty.UnknownVal(retType), fmt.Errorf("failed to stat %s", m)
					}
					if !fi.Mode().IsRegular() {
						continue
					}
					r, err := filepath.Rel(abs, m)
					if err != nil {
						return cty.UnknownVal(retType), err
					}
					out = append(out, cty.StringVal(filepath.ToSlash(r)))
				}
				if len(out) == 0 {
					return cty.SetValEmpty(cty.String), nil
				}
				return cty.SetVal(out), nil
			},
		}),
	}
}

// templateFileFunc reads a template file as file() does and renders it.
func templateFileFunc(o Options, funcs func() map[string]function.Function) function.Function {
	a := access{o}
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			abs, why := a.resolve("templatefile", p)
			if why != nil {
				return o.unknown(cty.DynamicPseudoType, *why), nil
			}
			b, err := os.ReadFile(abs)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return cty.DynamicVal, fmt.Errorf("no file exists at %s; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource", p)
				}
				return cty.DynamicVal, fmt.Errorf("failed to read %s", p)
			}
			if !utf8.Valid(b) {
				return cty.DynamicVal, fmt.Errorf("contents of %s are not valid UTF-8", p)
			}
			expr, diags := hclsyntax.ParseTemplate(b, p, hcl.Pos{Line: 1, Column: 1})
			if diags.HasErrors() {
				return cty.DynamicVal, diags
			}
			return renderTemplate(expr, args[1], funcs(), 1)
		},
	})
}

var basenameFunc = stringFunc(func(s string) (string, error) { return filepath.Base(s), nil })
var dirnameFunc = stringFunc(func(s string) (string, error) { return filepath.Dir(s), nil })

// pathExpandFunc replaces a leading ~ with the home directory.
var pathExpandFunc = stringFunc(func(s string) (string, error) {
	if s == "" || s[0] != '~' {
		return s, nil
	}
	if len(s) > 1 && s[1] != '/' && s[1] != '\\' {
		return "", errors.New("cannot expand user-specific home dir")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, s[1:]), nil
})

// absPathFunc makes a path absolute against Terraform's working directory
// (the root module's directory).
func absPathFunc(o Options) function.Function {
	return stringFunc(func(s string) (string, error) {
		if !filepath.IsAbs(s) {
			base, err := filepath.Abs(o.BaseDir)
			if err != nil {
				return "", err
			}
			s = filepath.Join(base, s)
		}
		return filepath.ToSlash(filepath.Clean(s)), nil
	})
}
