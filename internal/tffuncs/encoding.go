package tffuncs

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"  //nolint:gosec // md5() is a Terraform function
	"crypto/sha1" //nolint:gosec // sha1() and uuidv5() are Terraform functions
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/url"
	"unicode/utf8"

	"github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"golang.org/x/text/encoding/ianaindex"
)

func stringFunc(f func(s string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := f(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(s), nil
		},
	})
}

var base64EncodeFunc = stringFunc(func(s string) (string, error) {
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
})

var base64DecodeFunc = stringFunc(func(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", errors.New("failed to decode base64 data")
	}
	if !utf8.Valid(b) {
		return "", errors.New("the result of decoding the provided string is not valid UTF-8")
	}
	return string(b), nil
})

var base64GzipFunc = stringFunc(func(s string) (string, error) {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write([]byte(s)); err != nil {
		return "", fmt.Errorf("failed to write gzip raw data: %w", err)
	}
	// Terraform flushes before closing: the output has an empty stored block.
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("failed to flush gzip writer: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("failed to close gzip writer: %w", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
})

// urlEncodeFunc is Go's query escaping, as Terraform's.
var urlEncodeFunc = stringFunc(func(s string) (string, error) { return url.QueryEscape(s), nil })

var textEncodeBase64Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "string", Type: cty.String}, {Name: "encoding", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		enc, err := ianaindex.IANA.Encoding(args[1].AsString())
		if err != nil || enc == nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "%q is not a supported IANA encoding name or alias", args[1].AsString())
		}
		b, err := enc.NewEncoder().Bytes([]byte(args[0].AsString()))
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the given string contains characters that cannot be represented in %s", args[1].AsString())
		}
		return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
	},
})

var textDecodeBase64Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "source", Type: cty.String}, {Name: "encoding", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		enc, err := ianaindex.IANA.Encoding(args[1].AsString())
		if err != nil || enc == nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "%q is not a supported IANA encoding name or alias", args[1].AsString())
		}
		raw, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "invalid base64: %v", err)
		}
		b, err := enc.NewDecoder().Bytes(raw)
		if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the given string contains symbols that are not defined for %s", args[1].AsString())
		}
		return cty.StringVal(string(b)), nil
	},
})

// yamldecode and yamlencode are go-cty-yaml's, the package Terraform uses.
var (
	yamlDecodeFunc = yaml.YAMLDecodeFunc
	yamlEncodeFunc = yaml.YAMLEncodeFunc
)

func hashMD5() hash.Hash    { return md5.New() }  //nolint:gosec
func hashSHA1() hash.Hash   { return sha1.New() } //nolint:gosec
func hashSHA256() hash.Hash { return sha256.New() }
func hashSHA512() hash.Hash { return sha512.New() }

func hexOrBase64(h func() hash.Hash, b []byte, b64 bool) string {
	d := h()
	d.Write(b)
	sum := d.Sum(nil)
	if b64 {
		return base64.StdEncoding.EncodeToString(sum)
	}
	return hex.EncodeToString(sum)
}

// hashFunc hashes a string's UTF-8 bytes, in hex or base64.
func hashFunc(h func() hash.Hash, b64 bool) function.Function {
	return stringFunc(func(s string) (string, error) { return hexOrBase64(h, []byte(s), b64), nil })
}

// uuidV5Func is an RFC 4122 name-based (SHA-1) UUID; the namespace is
// dns, url, oid, x500 or a UUID.
var uuidV5Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "namespace", Type: cty.String}, {Name: "name", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ns := map[string]string{
			"dns":  "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
			"url":  "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
			"oid":  "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
			"x500": "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
		}
		text := args[0].AsString()
		if s, ok := ns[text]; ok {
			text = s
		}
		space, ok := parseUUID(text)
		if !ok {
			return cty.UnknownVal(cty.String), fmt.Errorf("uuidv5() doesn't support namespace %s (invalid UUID)", args[0].AsString())
		}
		h := sha1.New() //nolint:gosec // RFC 4122 version 5
		h.Write(space[:])
		h.Write([]byte(args[1].AsString()))
		u := h.Sum(nil)[:16]
		u[6] = (u[6] & 0x0f) | 0x50
		u[8] = (u[8] & 0x3f) | 0x80
		x := hex.EncodeToString(u)
		return cty.StringVal(x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]), nil
	},
})

// parseUUID parses a UUID in its canonical, urn:uuid:, braced or bare-hex
// form.
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	switch len(s) {
	case 45:
		if s[:9] != "urn:uuid:" {
			return u, false
		}
		s = s[9:]
	case 38:
		if s[0] != '{' || s[37] != '}' {
			return u, false
		}
		s = s[1:37]
	case 32:
		b, err := hex.DecodeString(s)
		if err != nil {
			return u, false
		}
		copy(u[:], b)
		return u, true
	}
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	b, err := hex.DecodeString(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:])
	if err != nil {
		return u, false
	}
	copy(u[:], b)
	return u, true
}
