package model

import "fmt"

// Text is one human-facing message in every language kumoguard ships.
// Every message a user can read is a Text: English and Japanese, always both.
type Text struct {
	EN string `json:"en"`
	JA string `json:"ja"`
}

// T formats the same arguments into the English and the Japanese template.
func T(en, ja string, args ...any) Text {
	if len(args) == 0 {
		return Text{EN: en, JA: ja}
	}
	return Text{EN: fmt.Sprintf(en, args...), JA: fmt.Sprintf(ja, args...)}
}

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
