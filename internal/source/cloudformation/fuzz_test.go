package cloudformation

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// FuzzLoad feeds arbitrary bytes to the loader and the evaluator: parsing,
// template checks, parameter resolution, conditions, intrinsic functions,
// nested-stack lookup and cluster mapping must never panic, whatever the
// input. Seeds are every template under testdata/ and examples/.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata", examplesRoot} {
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".json")) {
				if data, err := os.ReadFile(p); err == nil {
					f.Add(data)
				}
			}
			return nil
		})
	}
	f.Add([]byte(clusterTemplate(envParams, "Engine: !If [IsProd, aurora-mysql, !Ref \"AWS::NoValue\"]\nBacktrackWindow: !Select [0, !Split [\",\", !Sub \"${Windows},1\"]]\n")))
	f.Add([]byte("Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: a.yaml\n      Parameters: {X: !GetAtt A.Outputs.Y}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		IsTemplate(data)
		sc := &scanner{o: Options{Root: dir, Parameters: []string{"Env=prod", "Window=1"}}, rootAbs: dir, cache: map[string]*template{}}
		sc.given, _ = sc.readGivenParameters()
		abs := filepath.Join(dir, "fuzz.yaml")
		tm := loadTemplate(data, "fuzz.yaml", abs)
		tm.check()
		sc.cache[abs] = tm
		if tm.broken {
			if len(tm.diags) == 0 {
				t.Fatal("a broken template must carry a diagnostic")
			}
			return
		}
		s := &stack{t: tm, sc: sc, rootFile: tm.file, region: "us-east-1", children: map[string]*stack{}}
		s.newTopSlots(sc.given)
		s.expandStackLoops()
		var diags []model.Diagnostic
		for _, c := range s.walk(nil, &diags) {
			if c.Address == "" || c.Location.Line == 0 {
				t.Fatalf("cluster without address or location: %+v", c)
			}
		}
	})
}

// TestExplosiveTemplates: templates built to make evaluation exponential
// finish quickly and report what they could not evaluate.
func TestExplosiveTemplates(t *testing.T) {
	var conds strings.Builder
	conds.WriteString("Parameters:\n  P: {Type: String}\nConditions:\n  C0: !Equals [!Ref P, x]\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&conds, "  C%d: !And [!Condition C%d, !Or [!Condition C%d, !Condition C%d]]\n", i, i-1, i-1, i-1)
	}
	nestedIf := "1"
	for i := 0; i < 40; i++ {
		nestedIf = fmt.Sprintf("!If [C0, %s, %s]", strings.ReplaceAll(nestedIf, "\n", " "), "2")
	}
	// Both branches of every Fn::If share one anchored subtree: a small
	// document whose evaluation would double at every level.
	nestedIf = "&n0 {\"Fn::If\": [C0, 0, 1]}"
	for i := 1; i <= 40; i++ {
		nestedIf = fmt.Sprintf("&n%d {\"Fn::If\": [C0, %s, *n%d]}", i, nestedIf, i-1)
	}
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := 0; i < 9; i++ {
		name := fmt.Sprintf("l%d", i)
		laughs += fmt.Sprintf("%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = name
	}
	for name, body := range map[string]string{
		"condition chain": clusterTemplate(conds.String(), "Engine: aurora-mysql\nBacktrackWindow: !If [C60, 86400, 0]\n"),
		"nested Fn::If":   clusterTemplate(conds.String(), "Engine: aurora-mysql\nBacktrackWindow: "+nestedIf+"\n"),
		"billion laughs":  laughs + clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: 86400\nTags: *"+prev+"\n"),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			inv := scanFiles(t, map[string]string{"t.yaml": body}, Options{})
			if d := time.Since(start); d > 5*time.Second && !testenv.RaceEnabled {
				t.Errorf("took %s", d)
			}
			if len(verdicts(inv)) == 0 {
				t.Error("no findings")
			}
		})
	}
}
