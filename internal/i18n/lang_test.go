package i18n

import "testing"

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, EN},
		{map[string]string{"LANG": "ja_JP.UTF-8"}, JA},
		{map[string]string{"LANG": "C"}, EN},
		{map[string]string{"LANG": "ja_JP.UTF-8", "LC_ALL": "en_US.UTF-8"}, EN}, // LC_ALL wins
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja"}, JA},     // LC_MESSAGES before LANG
		{map[string]string{"LC_ALL": "ja_JP.eucJP"}, JA},
	} {
		if got := FromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("FromEnv(%v) = %s, want %s", tc.env, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"en": EN, "EN": EN, "ja": JA, "jp": JA, " japanese ": JA, "日本語": JA} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Parse("fr"); err == nil {
		t.Error(`Parse("fr") must fail`)
	}
}
