package model

import "fmt"

// Text is one human-facing message in every language kumoguard ships.
// Every message a user can read is a Text: English and Japanese, always both.
type Text struct {
	EN string `json:"en"`
	JA string `json:"ja"`
}

// T formats the same arguments into the English and the Japanese template.
// An argument that renders itself per language (a Duration, a Text) is
// given to each template in that template's language.
func T(en, ja string, args ...any) Text {
	if len(args) == 0 {
		return Text{EN: en, JA: ja}
	}
	enArgs, jaArgs := args, args
	copied := false
	for i, a := range args {
		if l, ok := a.(localized); ok {
			if !copied {
				// Copies: the caller's slice is never changed.
				enArgs, jaArgs, copied = append([]any(nil), args...), append([]any(nil), args...), true
			}
			enArgs[i], jaArgs[i] = l.In("en"), l.In("ja")
		}
	}
	return Text{EN: fmt.Sprintf(en, enArgs...), JA: fmt.Sprintf(ja, jaArgs...)}
}

// localized is a value that renders itself in a language.
type localized interface{ In(lang string) string }

// In returns the text in the given language ("ja" or anything else for English).
func (t Text) In(lang string) string {
	if lang == "ja" && t.JA != "" {
		return t.JA
	}
	return t.EN
}

// IsZero reports whether the text is empty in both languages.
func (t Text) IsZero() bool { return t.EN == "" && t.JA == "" }

// Join concatenates texts with a separator in each language.
func Join(sep Text, parts ...Text) Text {
	var out Text
	for _, p := range parts {
		if p.IsZero() {
			continue
		}
		if !out.IsZero() {
			out.EN += sep.EN
			out.JA += sep.JA
		}
		out.EN += p.EN
		out.JA += p.JA
	}
	return out
}
