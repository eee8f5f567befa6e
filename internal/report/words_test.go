package report

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// TestWordsInBothLanguages: every interface word has English and Japanese,
// with the same format verbs in both.
func TestWordsInBothLanguages(t *testing.T) {
	v := reflect.ValueOf(words)
	check := func(name string, w model.Text) {
		if w.EN == "" || w.JA == "" {
			t.Errorf("%s: missing a language: %+v", name, w)
		}
		for _, verb := range []string{"%s", "%d"} {
			if strings.Count(w.EN, verb) != strings.Count(w.JA, verb) {
				t.Errorf("%s: %s used differently in %q and %q", name, verb, w.EN, w.JA)
			}
		}
	}
	for i := 0; i < v.NumField(); i++ {
		check(v.Type().Field(i).Name, v.Field(i).Interface().(model.Text))
	}
	for _, st := range model.Statuses {
		check(string(st), statusLabels[st])
	}
}
