package tffuncs

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"

	"github.com/apparentlymart/go-cidr/cidr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// parseCIDR parses a prefix as Terraform does: IPv4 octets may have
// leading zeros, read as decimal (Go's net package of Go 1.16, which
// Terraform keeps).
func parseCIDR(s string) (*net.IPNet, error) {
	if addr, bits, ok := strings.Cut(s, "/"); ok && strings.Count(addr, ".") == 3 && !strings.Contains(addr, ":") {
		parts := strings.Split(addr, ".")
		for i, p := range parts {
			if len(p) > 1 {
				parts[i] = strings.TrimLeft(p, "0")
				if parts[i] == "" {
					parts[i] = "0"
				}
			}
		}
		s = strings.Join(parts, ".") + "/" + bits
	}
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		return nil, fmt.Errorf("invalid CIDR expression: %w", err)
	}
	return n, nil
}

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var host *big.Int
		if err := gocty.FromCtyValue(args[1], &host); err != nil {
			return cty.UnknownVal(cty.String), err
		}
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		ip, err := cidr.HostBig(n, host)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(ip.String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		if n.IP.To4() == nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("IPv6 addresses cannot have a netmask: %s", args[0].AsString())
		}
		return cty.StringVal(net.IP(n.Mask).String()), nil
	},
})

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "newbits", Type: cty.Number},
		{Name: "netnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var newbits int
		if err := gocty.FromCtyValue(args[1], &newbits); err != nil {
			return cty.UnknownVal(cty.String), err
		}
		var num *big.Int
		if err := gocty.FromCtyValue(args[2], &num); err != nil {
			return cty.UnknownVal(cty.String), err
		}
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		sub, err := cidr.SubnetBig(n, newbits, num)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(sub.String()), nil
	},
})

var cidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(retType), function.NewArgError(0, err)
		}
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}
		start, _ := n.Mask.Size()
		max := len(n.IP) * 8
		lens := make([]int, len(args)-1)
		for i, a := range args[1:] {
			if err := gocty.FromCtyValue(a, &lens[i]); err != nil {
				return cty.UnknownVal(retType), function.NewArgError(i+1, err)
			}
			if lens[i] < 1 {
				return cty.UnknownVal(retType), function.NewArgErrorf(i+1, "must extend prefix by at least one bit")
			}
			lens[i] += start
			if lens[i] > max {
				proto := "IPv4"
				if max == 128 {
					proto = "IPv6"
				}
				return cty.UnknownVal(retType), function.NewArgErrorf(i+1, "would extend prefix to %d bits, which is too long for an %s address", lens[i], proto)
			}
		}
		cur, _ := cidr.PreviousSubnet(n, lens[0])
		out := make([]cty.Value, len(lens))
		for i, l := range lens {
			next, rollover := cidr.NextSubnet(cur, l)
			if rollover || !n.Contains(next.IP) {
				return cty.UnknownVal(retType), function.NewArgErrorf(i+1, "not enough remaining address space for a subnet with a prefix of %d bits after %s", l, cur.String())
			}
			cur = next
			out[i] = cty.StringVal(cur.String())
		}
		return cty.ListVal(out), nil
	},
})

// rsaDecryptFunc decrypts base64 PKCS #1 v1.5 ciphertext with a PEM RSA
// private key (PKCS #1 or PKCS #8). OpenSSH-format keys, which Terraform
// also reads, give an unknown value with the reason.
func rsaDecryptFunc(o Options) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "ciphertext", Type: cty.String}, {Name: "privatekey", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			ct, err := base64.StdEncoding.DecodeString(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "failed to decode input: cipher text must be base64-encoded")
			}
			block, _ := pem.Decode([]byte(args[1].AsString()))
			if block == nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "invalid private key: no key found")
			}
			var key any
			switch block.Type {
			case "RSA PRIVATE KEY":
				key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
			case "PRIVATE KEY":
				key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
			case "OPENSSH PRIVATE KEY":
				return o.unknown(cty.String, model.T("rsadecrypt() with an OpenSSH-format private key is not evaluated by kumoguard",
					"OpenSSH 形式の秘密鍵を使う rsadecrypt() は kumoguard では評価されません")), nil
			default:
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "invalid private key: unsupported key type %q", block.Type)
			}
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "invalid private key: %v", err)
			}
			rk, ok := key.(*rsa.PrivateKey)
			if !ok {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "invalid private key type %T", key)
			}
			out, err := rsa.DecryptPKCS1v15(nil, rk, ct) //nolint:staticcheck // rsadecrypt() is PKCS #1 v1.5
			if err != nil {
				return cty.UnknownVal(cty.String), fmt.Errorf("failed to decrypt: %w", err)
			}
			return cty.StringVal(string(out)), nil
		},
	})
}

// timeCmpFunc compares two RFC 3339 timestamps: -1, 0 or 1.
var timeCmpFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "timestamp_a", Type: cty.String}, {Name: "timestamp_b", Type: cty.String}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		a, err := parseTimestamp(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.Number), function.NewArgError(0, err)
		}
		b, err := parseTimestamp(args[1].AsString())
		if err != nil {
			return cty.UnknownVal(cty.Number), function.NewArgError(1, err)
		}
		switch {
		case a.Equal(b):
			return cty.NumberIntVal(0), nil
		case a.Before(b):
			return cty.NumberIntVal(-1), nil
		}
		return cty.NumberIntVal(1), nil
	},
})

func parseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not a valid RFC3339 timestamp: %w", err)
	}
	return t, nil
}
