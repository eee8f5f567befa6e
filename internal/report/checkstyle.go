package report

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Checkstyle writes Checkstyle XML (https://checkstyle.org/), which CI
// annotators read (reviewdog -f=checkstyle, Jenkins Warnings NG, GitLab
// code quality converters): one <file> per file, one <error> per finding
// that needs action (FAIL and ERROR as severity "error", UNKNOWN as
// "warning"), source "kumoguard.KG-BT-001". Suppressed, PASS and
// NOT_APPLICABLE findings are left out, as linters leave out what passed.
// A live finding has no file; its <file> is named by its ARN (else its
// account/region), which annotators that match paths simply skip.
var Checkstyle = registerFormat("checkstyle", writeCheckstyle)

func writeCheckstyle(w io.Writer, r model.Report, o Options) error {
	lang := o.lang()
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	bw.WriteString(`<checkstyle version="4.3">` + "\n")
	var files []string
	byFile := map[string][]model.Finding{}
	for _, f := range r.Findings {
		if !needsAction(f) {
			continue
		}
		name := f.Location.File
		if name == "" {
			name = firstNonEmpty(arnOf(f), groupName(f, "en"))
		}
		if _, ok := byFile[name]; !ok {
			files = append(files, name)
		}
		byFile[name] = append(byFile[name], f)
	}
	attr := func(s string) string {
		var b []byte
		b, _ = appendXMLAttr(b, htmlText(s))
		return string(b)
	}
	for _, name := range files {
		bw.WriteString(`  <file name="` + attr(name) + `">` + "\n")
		for _, f := range byFile[name] {
			sev := "error"
			if f.Status == model.StatusUnknown {
				sev = "warning"
			}
			bw.WriteString(`    <error line="` + strconv.Itoa(max(f.Location.Line, 0)) + `"`)
			if f.Location.Column > 0 {
				bw.WriteString(` column="` + strconv.Itoa(f.Location.Column) + `"`)
			}
			msg := oneLine(f.Message.In(lang))
			if res := resourceLabel(f); res != "" && res != f.Location.String() {
				msg = res + ": " + msg
			}
			bw.WriteString(` severity="` + sev + `" message="` + attr(msg) + `" source="kumoguard.` + attr(f.RuleID) + `"></error>` + "\n")
		}
		bw.WriteString("  </file>\n")
	}
	bw.WriteString("</checkstyle>\n")
	return bw.Flush()
}

// appendXMLAttr escapes s for a double-quoted XML attribute.
func appendXMLAttr(b []byte, s string) ([]byte, error) {
	var buf xmlBuf
	if err := xml.EscapeText(&buf, []byte(s)); err != nil {
		return b, err
	}
	return append(b, buf...), nil
}

type xmlBuf []byte

func (x *xmlBuf) Write(p []byte) (int, error) { *x = append(*x, p...); return len(p), nil }
