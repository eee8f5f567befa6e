package cli

import (
	"os"
	"regexp"
	"strings"

	"github.com/kumoguard/kumoguard/internal/i18n"
)

// uiLang is the language of the command-line messages of this run (errors,
// usage errors, notices): --lang when given, else the environment. Run sets
// it before the flags are parsed, so that flag errors are translated too.
var uiLang = i18n.EN

// msg picks the English or the Japanese text in the run's language.
func msg(en, ja string) string {
	if uiLang == i18n.JA {
		return ja
	}
	return en
}

// langFromArgs finds --lang in the arguments before cobra parses them (an
// invalid value is left for the flag's own check), else the environment.
func langFromArgs(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		v, ok := strings.CutPrefix(a, "--lang=")
		if !ok && a == "--lang" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok {
			if l, err := i18n.Parse(v); err == nil {
				return l
			}
		}
	}
	return i18n.FromEnv(os.Getenv)
}

// cobraErrors translate the errors cobra and pflag write themselves.
var cobraErrors = []struct {
	re *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`^unknown flag: (.+)$`), "不明なフラグです：$1"},
	{regexp.MustCompile(`^unknown shorthand flag: '(.)' in (.+)$`), "不明な短縮フラグ '$1' です（$2）"},
	{regexp.MustCompile(`^flag needs an argument: (.+)$`), "フラグに値が必要です：$1"},
	{regexp.MustCompile(`^invalid argument "(.*)" for "(.+)" flag: (.+)$`), "フラグ $2 の値 \"$1\" が正しくありません：$3"},
	{regexp.MustCompile(`^unknown command "(.+)" for "(.+)"`), "\"$2\" に \"$1\" というコマンドはありません"},
	{regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)$`), "引数は $1 個までです（$2 個指定されました）"},
	{regexp.MustCompile(`^unknown command "(.+)" for "(.+)"\s*$`), "\"$2\" に \"$1\" というコマンドはありません"},
}

// translateCobraError renders an error cobra produced in the run's
// language; anything it does not know stays as it is.
func translateCobraError(s string) string {
	if uiLang != i18n.JA {
		return s
	}
	first, rest, _ := strings.Cut(s, "\n")
	for _, e := range cobraErrors {
		if e.re.MatchString(first) {
			out := e.re.ReplaceAllString(first, e.ja)
			if rest != "" {
				out += "\n" + rest
			}
			return out
		}
	}
	return s
}

// errIn is an error's text in the run's language when it carries both
// (config problems, malformed directives), else its text.
func errIn(err error) string {
	if l, ok := err.(interface{ In(string) string }); ok {
		return l.In(uiLang)
	}
	return err.Error()
}
