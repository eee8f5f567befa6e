package fix

import "regexp"

// secretAttr matches an assignment of a secret-looking attribute in HCL,
// YAML or JSON (master_password, MasterUserPassword, password, secret, token,
// private keys, ...) and captures its value.
var secretAttr = regexp.MustCompile(`(?i)((?:^|[\s{,"'])"?[a-z0-9_]*(?:password|passwd|secret|token|private_?key|credential)[a-z0-9_]*"?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,}#]+)`)

// MaskSecrets replaces the value of every secret-looking attribute on a line
// with ********. A diff never carries a password, even as context.
func MaskSecrets(line string) string {
	return secretAttr.ReplaceAllString(line, `${1}"********"`)
}
