package cloudformation

import (
	"bytes"
	"regexp"
)

var (
	// formatVersionKey matches AWSTemplateFormatVersion as a key, in YAML
	// (at the start of a line, optionally quoted) or JSON.
	formatVersionKey = regexp.MustCompile(`(?m)(^|[{,\s])["']?AWSTemplateFormatVersion["']?\s*:`)
	resourcesKey     = regexp.MustCompile(`(?m)(^|[{,\s])["']?Resources["']?\s*:`)
	awsTypeValue     = regexp.MustCompile(`["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::`)
)

// IsTemplate reports whether data is a CloudFormation template by content
// (AWSTemplateFormatVersion, or Resources with AWS:: types), YAML or JSON,
// whatever the file name. It is cheap (a byte scan, and a parse only for
// files that mention both Resources and an AWS:: type) and never panics. A
// file that looks like a template but does not parse is still reported as
// one, so that its parse error is shown rather than the file skipped.
func IsTemplate(data []byte) (is bool) {
	defer func() {
		if recover() != nil {
			is = false
		}
	}()
	if bytes.Contains(data, []byte("AWSTemplateFormatVersion")) && formatVersionKey.Match(data) {
		return true
	}
	if !bytes.Contains(data, []byte("AWS::")) || !bytes.Contains(data, []byte("Resources")) {
		return false
	}
	if !resourcesKey.Match(data) || !awsTypeValue.Match(data) {
		return false
	}
	if len(data) > maxFileBytes {
		return true // not parsed here: the scan reports the file's size limit
	}
	root, _, _, ok := parseDocument(data)
	if !ok {
		return true // looks like one; the scan reports why it does not parse
	}
	res := root.get("Resources")
	if res == nil || res.kind != kindMap {
		return false
	}
	for _, r := range res.vals {
		if t := r.get("Type"); t != nil && t.kind == kindString && len(t.str) > 5 && t.str[:5] == "AWS::" {
			return true
		}
	}
	return false
}
