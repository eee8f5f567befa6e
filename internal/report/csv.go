package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// CSV writes one row per finding (suppressed ones included, marked) for
// spreadsheets, with a header row of stable column names. Message and
// remediation are in Options.Lang. The file is UTF-8 without a byte order
// mark; in Excel use Data → From Text/CSV and choose UTF-8.
//
// Text cells that a spreadsheet would run as a formula (starting with
// = + - @ tab or carriage return) are prefixed with ' (OWASP CSV injection):
// resource names and messages come from scanned files.
var CSV = registerFormat("csv", writeCSV)

var csvHeader = []string{"rule_id", "status", "reason", "severity", "kind", "type", "address", "account", "region", "arn",
	"file", "line", "column", "message", "remediation", "suppressed", "fingerprint"}

func writeCSV(w io.Writer, r model.Report, o Options) error {
	lang := o.lang()
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, f := range r.Findings {
		row := []string{
			f.RuleID, string(f.Status), string(f.Reason), string(f.Severity),
			string(f.Resource.Kind), f.Resource.Type, f.Resource.Address,
			accountOf(f), regionOf(f), arnOf(f),
			f.Location.File, positive(f.Location.Line), positive(f.Location.Column),
			f.Message.In(lang), f.Remediation.In(lang), strconv.FormatBool(f.Suppressed != nil), f.Fingerprint,
		}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func positive(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// csvSafe defuses spreadsheet formulas and replaces control characters
// (other than line breaks) with U+FFFD.
func csvSafe(s string) string {
	s = withoutControls(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
