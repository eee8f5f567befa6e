package evidence

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

// reportFixture writes a fixed set of drills with a fixed key (signatures
// and hashes are deterministic) under the working directory and returns
// their relative paths and the key.
func reportFixture(t *testing.T) ([]string, ed25519.PrivateKey) {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	t.Chdir(t.TempDir())
	var files []string
	add := func(d *Document) {
		p, err := Append("evidence", d, key)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	d1 := Sample(testARN, "d1", t0, OutcomeSucceeded)
	back := true
	d1.DataCheck.MarkerBackAfterForward = &back
	d1.Phases = append(d1.Phases, Phase{Name: "forward", Started: t0.Add(1024 * time.Second), Finished: t0.Add(1084 * time.Second),
		DurationSeconds: 60, Outcome: OutcomeSucceeded, RequestIDs: []string{"req-forward"}})
	d1.Backtracks = append(d1.Backtracks, Backtrack{Direction: "forward", RequestedTo: t0.Add(1020 * time.Second), ActualTo: t0.Add(1020 * time.Second),
		Status: "completed", RequestID: "req-fwd", Started: t0.Add(1024 * time.Second), Finished: t0.Add(1084 * time.Second)})
	d1.Finished = t0.Add(1084 * time.Second)
	d1.Production.Event0131 = []Event{{Time: t0.Add(-3 * time.Hour), Message: "The actual backtrack window is smaller than the target backtrack window you specified. Consider reducing the number of hours in your target backtrack window."}}
	add(d1)
	d2 := Sample(testARN, "d2", t0.Add(30*24*time.Hour), OutcomeFailed)
	d2.Production.WindowAlertSum = nil
	d2.Production.WindowAlertError = "AccessDenied: cloudwatch:GetMetricData"
	add(d2)
	d3 := Sample("arn:aws:rds:ap-northeast-1:123456789012:cluster:billing", "b1", t0.Add(2*24*time.Hour), OutcomeSucceeded)
	d3.DataCheck = nil
	d3.Phases = append(d3.Phases[:3], d3.Phases[4:]...)
	add(d3)
	// The billing drill is edited afterwards: the report must say so.
	raw, _ := os.ReadFile(files[2])
	os.WriteFile(files[2], bytes.Replace(raw, []byte(`"recovery_seconds": 120`), []byte(`"recovery_seconds": 12`), 1), 0o644)
	return files, key
}

func TestReportGolden(t *testing.T) {
	files, key := reportFixture(t)
	results := Verify(files, key.Public().(ed25519.PublicKey))
	gen := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, lang := range []string{"en", "ja"} {
		for _, format := range []string{"markdown", "html"} {
			var buf bytes.Buffer
			if err := Report(&buf, results, ReportOptions{Format: format, Lang: lang, Generated: gen, KeyID: KeyID(key.Public().(ed25519.PublicKey))}); err != nil {
				t.Fatal(err)
			}
			ext := map[string]string{"markdown": "md", "html": "html"}[format]
			testenv.Golden(t, filepath.Join(wd0, "testdata", "report."+lang+"."+ext), buf.Bytes())
			out := buf.String()
			// What an auditor needs is there, in the language asked for.
			for _, want := range map[string][]string{
				"en": {"Production (orders) could have rewound 20 hours on 2026-11-02", "NOT VERIFIED", "SOC 2", "A.8.13", "A.5.30", "CP-4", "CP-9(1)", "Requested BacktrackTo", "-0.250 s", "Verified: signed by the expected key"},
				"ja": {"本番（orders）は 2026-11-02 時点で 20 時間巻き戻すことができました", "未検証", "SOC 2", "A.8.13", "A.5.30", "CP-4", "CP-9(1)", "要求した BacktrackTo", "検証済み"},
			}[lang] {
				if !strings.Contains(out, want) {
					t.Errorf("%s %s lacks %q", lang, format, want)
				}
			}
		}
	}
}

func TestReportWithoutKey(t *testing.T) {
	files, _ := reportFixture(t)
	var buf bytes.Buffer
	if err := Report(&buf, Verify(files[:2], nil), ReportOptions{Format: "markdown", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "no expected key was given") || strings.Contains(out, "NOT VERIFIED") {
		t.Errorf("without a key the report must say who signed is not established, and not call intact documents unverified:\n%s", out)
	}
}

func TestReportEscapes(t *testing.T) {
	d := Sample(testARN, "x1", t0, OutcomeFailed)
	d.FailureReason = "<script>alert(1)</script> | *bold*"
	r := Result{File: "f.json", Doc: d}
	var h, m bytes.Buffer
	Report(&h, []Result{r}, ReportOptions{Format: "html", KeyID: "k"})
	Report(&m, []Result{r}, ReportOptions{Format: "markdown", KeyID: "k"})
	if strings.Contains(h.String(), "<script>") {
		t.Error("HTML report does not escape")
	}
	if !strings.Contains(m.String(), `\| \*bold\*`) && !strings.Contains(m.String(), `\| *bold*`) {
		t.Errorf("markdown table cell pipe not escaped:\n%s", m.String())
	}
}

var wd0, _ = os.Getwd()
