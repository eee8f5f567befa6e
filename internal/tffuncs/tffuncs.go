// Package tffuncs is Terraform's built-in function library (the 118
// functions `terraform metadata functions -json` lists for Terraform 1.11,
// and their core:: aliases) with Terraform's semantics, written on go-cty's
// function framework.
//
// Functions whose Terraform definition is go-cty's standard library are
// taken from it (the same package Terraform uses). The others — where
// Terraform overrides go-cty (coalesce, index, length, lookup, replace) or
// adds its own (file*, cidr*, hashes, encodings, ...) — are written here,
// each checked against the real `terraform console` by the differential test
// in internal/source/terraform (functions_diff_test.go).
//
// Why not import an existing implementation: Terraform's own
// internal/lang/funcs is internal, and BUSL-1.1 since Terraform 1.6.
// Trivy's pkg/iac/scanners/terraform/parser/funcs (v0.74.0) carries no
// licence headers, but its files match Terraform 1.8's BUSL-1.1 files far
// more closely than 1.5.7's MPL-2.0 ones (refinements.go exists only after
// 1.5.7), so it was copied after the licence change; tflint's
// terraform/lang/funcs marks several files BUSL-1.1. Neither is acceptable.
// OpenTofu's MPL-2.0 copy is internal to its module. HashiCorp's
// go-cty-funcs (MPL-2.0) is importable but has Terraform 0.12's semantics
// and file functions that read anywhere. The functions here are written
// for kumoguard on go-cty's function framework; where behaviour was unclear
// it was read from Terraform 1.5.7 (MPL-2.0) and settled by the
// differential test against Terraform 1.11; some error messages repeat
// Terraform's wording so that users recognise them.
package tffuncs

import (
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Options say where the file functions read and how values that are not
// known before apply are made.
type Options struct {
	// BaseDir is Terraform's working directory (the root module's
	// directory): relative paths of the file functions are resolved
	// against it.
	BaseDir string
	// Root is the scanned tree: the file functions never read outside it.
	// Empty means BaseDir.
	Root string
	// Unknown makes the value of a call whose result is not known before
	// apply (timestamp(), uuid(), bcrypt(), plantimestamp()) or that
	// kumoguard does not compute (a file outside Root), with the reason.
	// Nil gives plain unknown values.
	Unknown func(ty cty.Type, why model.Text) cty.Value
}

func (o Options) unknown(ty cty.Type, why model.Text) cty.Value {
	if o.Unknown == nil {
		return cty.UnknownVal(ty)
	}
	return o.Unknown(ty, why)
}

// Names are the names of Terraform 1.11's built-in functions, without
// their core:: aliases.
var Names = []string{
	"abs", "abspath", "alltrue", "anytrue", "base64decode", "base64encode", "base64gzip", "base64sha256",
	"base64sha512", "basename", "bcrypt", "can", "ceil", "chomp", "chunklist", "cidrhost", "cidrnetmask",
	"cidrsubnet", "cidrsubnets", "coalesce", "coalescelist", "compact", "concat", "contains", "csvdecode",
	"dirname", "distinct", "element", "endswith", "ephemeralasnull", "file", "filebase64", "filebase64sha256",
	"filebase64sha512", "fileexists", "filemd5", "fileset", "filesha1", "filesha256", "filesha512", "flatten",
	"floor", "format", "formatdate", "formatlist", "indent", "index", "issensitive", "join", "jsondecode",
	"jsonencode", "keys", "length", "log", "lookup", "lower", "matchkeys", "max", "md5", "merge", "min",
	"nonsensitive", "one", "parseint", "pathexpand", "plantimestamp", "pow", "range", "regex", "regexall",
	"replace", "reverse", "rsadecrypt", "sensitive", "setintersection", "setproduct", "setsubtract",
	"setunion", "sha1", "sha256", "sha512", "signum", "slice", "sort", "split", "startswith", "strcontains",
	"strrev", "substr", "sum", "templatefile", "templatestring", "textdecodebase64", "textencodebase64",
	"timeadd", "timecmp", "timestamp", "title", "tobool", "tolist", "tomap", "tonumber", "toset", "tostring",
	"transpose", "trim", "trimprefix", "trimspace", "trimsuffix", "try", "upper", "urlencode", "uuid",
	"uuidv5", "values", "yamldecode", "yamlencode", "zipmap",
}

// Table returns every function under its name and its core:: alias.
func Table(o Options) map[string]function.Function {
	shared := Shared(o)
	return merge(shared, Dir(o, shared))
}

// Dir returns the functions that depend on Options.BaseDir and Root (file
// functions, abspath, and the template functions, whose templates call
// them), under their names and core:: aliases. shared is Shared's table;
// Shared and Dir together are Table.
func Dir(o Options, shared map[string]function.Function) map[string]function.Function {
	if o.Root == "" {
		o.Root = o.BaseDir
	}
	f := fileFuncs(o)
	f["abspath"] = absPathFunc(o)
	var once sync.Once
	var all map[string]function.Function
	funcs := func() map[string]function.Function {
		once.Do(func() { all = merge(shared, f) })
		return all
	}
	f["templatestring"] = templateStringFunc(funcs)
	f["templatefile"] = templateFileFunc(o, funcs)
	addCore(f)
	return f
}

// addCore adds the core:: alias of every function.
func addCore(f map[string]function.Function) {
	for _, n := range slices.Collect(maps.Keys(f)) {
		f["core::"+n] = f[n]
	}
}

func merge(a, b map[string]function.Function) map[string]function.Function {
	m := make(map[string]function.Function, len(a)+len(b))
	maps.Copy(m, a)
	maps.Copy(m, b)
	return m
}

// Shared returns the functions that do not depend on a directory, under
// their names and core:: aliases; only Options.Unknown is used.
func Shared(o Options) map[string]function.Function {
	f := map[string]function.Function{
		// go-cty's standard library, as Terraform uses it (compat.go: where
		// go-cty changed since the version Terraform 1.11 is built with).
		"abs":             stdlib.AbsoluteFunc,
		"ceil":            stdlib.CeilFunc,
		"chomp":           stdlib.ChompFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        containsFunc,
		"csvdecode":       stdlib.CSVDecodeFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         elementFunc,
		"flatten":         stdlib.FlattenFunc,
		"floor":           stdlib.FloorFunc,
		"format":          formatFunc,
		"formatdate":      stdlib.FormatDateFunc,
		"formatlist":      formatListFunc,
		"indent":          stdlib.IndentFunc,
		"join":            stdlib.JoinFunc,
		"jsondecode":      stdlib.JSONDecodeFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"keys":            stdlib.KeysFunc,
		"log":             stdlib.LogFunc,
		"lower":           stdlib.LowerFunc,
		"max":             stdlib.MaxFunc,
		"merge":           stdlib.MergeFunc,
		"min":             stdlib.MinFunc,
		"parseint":        stdlib.ParseIntFunc,
		"pow":             stdlib.PowFunc,
		"range":           stdlib.RangeFunc,
		"regex":           stdlib.RegexFunc,
		"regexall":        stdlib.RegexAllFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"signum":          signumFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"split":           stdlib.SplitFunc,
		"strrev":          stdlib.ReverseFunc,
		"substr":          stdlib.SubstrFunc,
		"timeadd":         stdlib.TimeAddFunc,
		"title":           stdlib.TitleFunc,
		"trim":            stdlib.TrimFunc,
		"trimprefix":      stdlib.TrimPrefixFunc,
		"trimsuffix":      stdlib.TrimSuffixFunc,
		"trimspace":       stdlib.TrimSpaceFunc,
		"upper":           stdlib.UpperFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,
		"tostring":        stdlib.MakeToFunc(cty.String),
		"tonumber":        stdlib.MakeToFunc(cty.Number),
		"tobool":          stdlib.MakeToFunc(cty.Bool),
		"toset":           stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tolist":          stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":           stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"try":             tryfunc.TryFunc,
		"can":             tryfunc.CanFunc,

		// Terraform's own, written here.
		"alltrue":          allTrueFunc,
		"anytrue":          anyTrueFunc,
		"coalesce":         coalesceFunc,
		"index":            indexFunc,
		"length":           lengthFunc,
		"lookup":           lookupFunc,
		"matchkeys":        matchkeysFunc,
		"one":              oneFunc,
		"sum":              sumFunc,
		"transpose":        transposeFunc,
		"replace":          replaceFunc,
		"startswith":       startsWithFunc,
		"endswith":         endsWithFunc,
		"strcontains":      strContainsFunc,
		"base64decode":     base64DecodeFunc,
		"base64encode":     base64EncodeFunc,
		"base64gzip":       base64GzipFunc,
		"textencodebase64": textEncodeBase64Func,
		"textdecodebase64": textDecodeBase64Func,
		"urlencode":        urlEncodeFunc,
		"yamldecode":       yamlDecodeFunc,
		"yamlencode":       yamlEncodeFunc,
		"md5":              hashFunc(hashMD5, false),
		"sha1":             hashFunc(hashSHA1, false),
		"sha256":           hashFunc(hashSHA256, false),
		"sha512":           hashFunc(hashSHA512, false),
		"base64sha256":     hashFunc(hashSHA256, true),
		"base64sha512":     hashFunc(hashSHA512, true),
		"rsadecrypt":       rsaDecryptFunc(o),
		"uuidv5":           uuidV5Func,
		"cidrhost":         cidrHostFunc,
		"cidrnetmask":      cidrNetmaskFunc,
		"cidrsubnet":       cidrSubnetFunc,
		"cidrsubnets":      cidrSubnetsFunc,
		"timecmp":          timeCmpFunc,
		"sensitive":        sensitiveFunc,
		"nonsensitive":     nonsensitiveFunc,
		"issensitive":      issensitiveFunc,
		"ephemeralasnull":  ephemeralAsNullFunc,
		"basename":         basenameFunc,
		"dirname":          dirnameFunc,
		"pathexpand":       pathExpandFunc,

		// Not known before apply, as in Terraform's plan.
		"timestamp":     impureFunc(o, "timestamp", nil, cty.String),
		"plantimestamp": impureFunc(o, "plantimestamp", nil, cty.String),
		"uuid":          impureFunc(o, "uuid", nil, cty.String),
		"bcrypt":        impureFunc(o, "bcrypt", []function.Parameter{{Name: "str", Type: cty.String}}, cty.String),
	}
	addCore(f)
	return f
}

// impureFunc is a function whose result Terraform only knows when it
// applies (or, for plantimestamp, the time it plans): unknown here.
func impureFunc(o Options, name string, params []function.Parameter, ty cty.Type) function.Function {
	why := model.T("%s() is only known when Terraform runs", "%s() は Terraform の実行時にしか決まりません", name)
	if name == "bcrypt" {
		why = model.T("bcrypt() uses a random salt: its result is only known when Terraform applies",
			"bcrypt() はランダムなソルトを使うため、結果は Terraform の apply 時にしか決まりません")
	}
	return function.New(&function.Spec{
		Params: params,
		VarParam: func() *function.Parameter {
			if name == "bcrypt" {
				return &function.Parameter{Name: "cost", Type: cty.Number}
			}
			return nil
		}(),
		Type: function.StaticReturnType(ty),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			if name == "bcrypt" && len(args) > 2 {
				return cty.UnknownVal(ty), function.NewArgErrorf(2, "bcrypt() takes at most two arguments")
			}
			return o.unknown(ty, why), nil
		},
	})
}
