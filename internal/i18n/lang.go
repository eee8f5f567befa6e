// Package i18n picks the language of human-facing output and holds the
// interface strings that are not messages of a rule (table headings, summary
// words). Rule and source messages are model.Text values written next to the
// code that emits them, always in English and Japanese.
package i18n

import (
	"fmt"
	"strings"
)

// Supported languages.
const (
	EN = "en"
	JA = "ja"
)

// FromEnv picks the language from LC_ALL, LC_MESSAGES, LANG (in POSIX
// precedence): "ja_JP.UTF-8" and "ja" give Japanese, anything else English.
func FromEnv(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ja") {
				return JA
			}
			return EN
		}
	}
	return EN
}

// Parse validates a --lang value.
func Parse(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "english":
		return EN, nil
	case "ja", "jp", "japanese", "日本語":
		return JA, nil
	}
	return "", fmt.Errorf("unknown language %q (expected en or ja)", s)
}
