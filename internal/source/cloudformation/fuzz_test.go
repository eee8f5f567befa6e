package cloudformation

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
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
	// The shapes of the limits (limits_test.go), at sizes a fuzzer mutates
	// quickly: each must end in a LIMIT_EXCEEDED ERROR at the file, never a
	// crash.
	f.Add([]byte(clusterTemplate("", "BacktrackWindow: "+strings.Repeat("[", maxDepth+2)+strings.Repeat("]", maxDepth+2)+"\n")))
	f.Add([]byte(`{"Resources": {"Db": {"Type": "AWS::RDS::DBCluster", "Properties": {"BacktrackWindow": ` + strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2) + `}}}}`))
	f.Add([]byte(clusterTemplate("Parameters:\n  P: {Type: String, Default: "+strings.Repeat("x", 4096)+"}\n", "BacktrackWindow: !Sub \""+strings.Repeat("${P}", 300)+"\"\n")))
	f.Add([]byte(clusterTemplate("Metadata:\n  a: &a \""+strings.Repeat("x", 8192)+"\"\n", "BacktrackWindow: !Join [\"\", ["+strings.Repeat("*a, ", 300)+"x]]\n")))
	f.Add([]byte("Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::A:\n    - X\n    - [a, b, c, d, e, f, g, h]\n    - Fn::ForEach::B:\n        - Y\n        - [a, b, c, d, e, f, g, h]\n        - Db${X}${Y}:\n            Type: AWS::RDS::DBCluster\n"))
	f.Add([]byte("Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: fuzz.yaml}\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: other.yaml}\n"))
	dir := f.TempDir()
	// A nested template that nests itself twice (through fuzz.yaml).
	if err := os.WriteFile(filepath.Join(dir, "other.yaml"), []byte("Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: fuzz2.yaml}\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: fuzz2.yaml}\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The fuzzed bytes are also fuzz2.yaml, which other.yaml nests.
		if err := os.WriteFile(filepath.Join(dir, "fuzz2.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		IsTemplate(data)
		sc := &scanner{o: Options{Root: dir, Parameters: []string{"Env=prod", "Window=1"}}, rootAbs: dir, cache: map[string]*template{}}
		sc.given, _ = sc.readGivenParameters()
		abs := filepath.Join(dir, "fuzz.yaml")
		// Small budgets, so that the fuzzer reaches every limit quickly.
		share := [numLimits]int64{limStacks: 8, limSteps: 20_000, limBytes: 64 << 10, limLoopNodes: 2_000}
		sc.share, sc.allow = share, share
		tm := loadTemplateBudget(data, "fuzz.yaml", abs, share[limLoopNodes])
		tm.check()
		sc.cache[abs] = tm
		checkLimits(t, tm.diags)
		if tm.broken {
			if len(tm.diags) == 0 {
				t.Fatal("a broken template must carry a diagnostic")
			}
			return
		}
		s := &stack{t: tm, sc: sc, rootFile: tm.file, region: "us-east-1", children: map[string]*stack{}, b: &budget{share: share, allow: share}}
		s.newTopSlots(sc.given)
		s.expandStackLoops()
		var diags []model.Diagnostic
		for _, c := range s.walk(nil, &diags) {
			if c.Address == "" || c.Location.Line == 0 {
				t.Fatalf("cluster without address or location: %+v", c)
			}
		}
		checkLimits(t, diags)
		if s.b.spent[limStacks] > share[limStacks]+1 {
			t.Fatalf("%d nested stacks evaluated, over the budget of %d", s.b.spent[limStacks], share[limStacks])
		}
		for k := range sc.cache {
			if tt := sc.cache[k]; tt != nil {
				checkLimits(t, tt.diags)
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
			// How fast is BenchmarkAdversarial's to say; here, that it ends
			// (a runaway hits go test's -timeout) and still gives verdicts.
			inv := scanFiles(t, map[string]string{"t.yaml": body}, Options{})
			if len(verdicts(inv)) == 0 {
				t.Error("no findings")
			}
		})
	}
}

// checkLimits requires every limit finding to be an ERROR at a file and
// line, with a bilingual message.
func checkLimits(t *testing.T, diags []model.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Message.EN == "" || d.Message.JA == "" {
			t.Fatalf("diagnostic without a bilingual message: %+v", d)
		}
		if d.Reason == model.ReasonLimitExceeded && (d.Status != model.StatusError || d.Location.File == "" || d.Location.Line == 0) {
			t.Fatalf("a limit finding must be an ERROR at a file and line: %+v", d)
		}
	}
}
