package cloudformation

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

// okTemplate is a valid template every adversarial tree also holds: its
// cluster must come out evaluated whatever the other files do.
const okTemplate = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Ok:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      BacktrackWindow: 86400\n"

// adversarial is one input shape that asks for unbounded work (issue 11,
// point 3), generated at its real size (at most 1 MB in all).
type adversarial struct {
	name  string
	files func() map[string]string
	// where is the file:line the LIMIT_EXCEEDED finding must point at, and
	// limit a word of the limit it names.
	where string
	limit string
}

// nestedStacks is a chain of templates, each nesting the next one width
// times: width^depth stack instances.
func nestedStacks(width, depth int) map[string]string {
	files := map[string]string{}
	for lvl := 0; lvl < depth; lvl++ {
		var b strings.Builder
		b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Window: {Type: Number, Default: 3600}\nResources:\n")
		b.WriteString("  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      BacktrackWindow: !Ref Window\n")
		for i := 0; i < width; i++ {
			fmt.Fprintf(&b, "  S%d:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: l%d.yaml\n      Parameters: {Window: !Ref Window}\n", i, lvl+1)
		}
		files[fmt.Sprintf("bad/l%d.yaml", lvl)] = b.String()
	}
	files[fmt.Sprintf("bad/l%d.yaml", depth)] = clusterTemplate("Parameters:\n  Window: {Type: Number, Default: 3600}\n", "Engine: aurora-mysql\nBacktrackWindow: !Ref Window\n")
	return files
}

var adversarialInputs = []adversarial{
	{name: "nested_stacks_10x8", limit: "nested stack", where: "bad/l", files: func() map[string]string { return nestedStacks(10, 8) }},
	{name: "nested_stacks_deep", limit: "depth", where: "bad/l", files: func() map[string]string { return nestedStacks(1, 40) }},
	{name: "yaml_flow_sequences", limit: "nesting", where: "bad/t.yaml:", files: func() map[string]string {
		// 100,000 nested flow sequences in a 200 KB YAML file.
		return map[string]string{"bad/t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: "+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+"\n")}
	}},
	{name: "yaml_flow_mappings", limit: "nesting", where: "bad/t.yaml:", files: func() map[string]string {
		return map[string]string{"bad/t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: "+strings.Repeat("{a: ", 50_000)+"1"+strings.Repeat("}", 50_000)+"\n")}
	}},
	{name: "yaml_block_nesting", limit: "nesting", where: "bad/t.yaml:", files: func() map[string]string {
		var b strings.Builder
		for i := 0; i < 1400; i++ {
			b.WriteString(strings.Repeat(" ", i) + "- \n")
		}
		return map[string]string{"bad/t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow:\n"+indent(b.String(), 2))}
	}},
	{name: "json_nesting", limit: "nesting", where: "bad/t.json:", files: func() map[string]string {
		return map[string]string{"bad/t.json": `{"Resources": {"Db": {"Type": "AWS::RDS::DBCluster", "Properties": {"BacktrackWindow": ` +
			strings.Repeat("[", 400_000) + strings.Repeat("]", 400_000) + `}}}}`}
	}},
	{name: "yaml_aliases", limit: "nodes", where: "bad/t.yaml:", files: func() map[string]string {
		laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		prev := "a"
		for i := 0; i < 9; i++ {
			name := fmt.Sprintf("l%d", i)
			laughs += fmt.Sprintf("%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)
			prev = name
		}
		return map[string]string{"bad/t.yaml": "Metadata:\n" + indent(laughs, 2) + clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: 86400\nTags: *"+prev+"\n")}
	}},
	{name: "join_aliases", limit: "expressions evaluated", where: "bad/t.yaml:", files: func() map[string]string {
		// A 400 KB string joined 100,000 times through aliases: 40 GB.
		return map[string]string{"bad/t.yaml": "Metadata:\n  big: &big \"" + strings.Repeat("x", 400_000) + "\"\n" +
			clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: !Join [\"\", ["+strings.Repeat("*big, ", 100_000)+"x]]\n")}
	}},
	{name: "sub_parameter", limit: "string bytes", where: "bad/t.yaml:", files: func() map[string]string {
		// A 500 KB parameter default substituted 50,000 times.
		return map[string]string{"bad/t.yaml": clusterTemplate("Parameters:\n  P:\n    Type: String\n    Default: "+strings.Repeat("x", 500_000)+"\n",
			"Engine: aurora-mysql\nBacktrackWindow: !Sub \""+strings.Repeat("${P}", 50_000)+"\"\n")}
	}},
	{name: "sub_levels", limit: "expressions evaluated for one value", where: "bad/t.yaml:", files: func() map[string]string {
		// Fn::Sub variables that each repeat the previous one 1,000 times.
		v := "\"xxxxxxxxxx\""
		for i := 0; i < 3; i++ {
			v = fmt.Sprintf("!Sub [\"%s\", {v: %s}]", strings.Repeat("${v}", 1000), v)
		}
		return map[string]string{"bad/t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: "+v+"\n")}
	}},
	{name: "foreach_nested", limit: "Fn::ForEach", where: "bad/t.yaml:", files: func() map[string]string {
		items := make([]string, 300)
		for i := range items {
			items[i] = fmt.Sprintf("i%d", i)
		}
		list := "[" + strings.Join(items, ", ") + "]"
		return map[string]string{"bad/t.yaml": "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::LanguageExtensions\nResources:\n" +
			"  Fn::ForEach::A:\n    - X\n    - " + list + "\n    - Fn::ForEach::B:\n        - Y\n        - " + list + "\n        - Db${X}${Y}:\n            Type: AWS::RDS::DBCluster\n            Properties: {Engine: aurora-mysql, BacktrackWindow: 86400}\n"}
	}},
	{name: "foreach_in_nested_stacks", limit: "created by Fn::ForEach", where: "bad/l2.yaml:7", files: func() map[string]string {
		// Each of 100 nested stack instances expands a loop over a parameter.
		items := make([]string, 1000)
		for i := range items {
			items[i] = fmt.Sprintf("i%d", i)
		}
		files := nestedStacks(10, 2)
		files["bad/l2.yaml"] = "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::LanguageExtensions\nParameters:\n  Window: {Type: Number, Default: 3600}\n  Items: {Type: CommaDelimitedList, Default: \"" + strings.Join(items, ",") + "\"}\nResources:\n" +
			"  Fn::ForEach::A:\n    - X\n    - !Ref Items\n    - Db${X}:\n        Type: AWS::RDS::DBCluster\n        Properties: {Engine: aurora-mysql, BacktrackWindow: 86400, Tags: [{Key: a, Value: b}, {Key: c, Value: d}]}\n"
		return files
	}},
	{name: "large_file", limit: "file size", where: "bad/t.yaml:1", files: func() map[string]string {
		return map[string]string{"bad/t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: 86400\n") + "Metadata:\n  Pad: \"" + strings.Repeat("x", 5<<20) + "\"\n"}
	}},
}

func init() {
	adversarialInputs = append(adversarialInputs, adversarial{name: "yaml_flow_9999", limit: "nesting", where: "bad/t.yaml:", files: func() map[string]string {
		var b strings.Builder
		for b.Len() < 200_000 {
			b.WriteString(strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + ", ")
		}
		return map[string]string{"bad/t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: ["+b.String()+"x]\n")}
	}})
}

func init() {
	adversarialInputs = append(adversarialInputs, adversarial{name: "yaml_flow_150", limit: "", where: "bad/t.yaml:", files: func() map[string]string {
		var b strings.Builder
		for b.Len() < 200_000 {
			b.WriteString(strings.Repeat("[", 150) + strings.Repeat("]", 150) + ", ")
		}
		return map[string]string{"bad/t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: ["+b.String()+"x]\n")}
	}})
}

func init() {
	adversarialInputs = append(adversarialInputs, adversarial{name: "join_unknowns", limit: "", where: "", files: func() map[string]string {
		var b strings.Builder
		for i := 0; b.Len() < 900_000; i++ {
			fmt.Fprintf(&b, "!ImportValue v%d, ", i)
		}
		return map[string]string{"bad/t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: !Join [\"\", ["+b.String()+"x]]\n")}
	}})
}

// TestAdversarial: every shape ends in a LIMIT_EXCEEDED ERROR at the file
// (and line) where the limit was hit, naming it, and the valid template
// beside it is still evaluated.
func TestAdversarial(t *testing.T) {
	for _, tt := range adversarialInputs {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files()
			files["ok/ok.yaml"] = okTemplate
			inv := scanFiles(t, files, Options{})
			var hit *model.Diagnostic
			for i, d := range inv.Diagnostics {
				if d.Reason == model.ReasonLimitExceeded {
					hit = &inv.Diagnostics[i]
					break
				}
			}
			if tt.limit == "" {
				if hit != nil {
					t.Errorf("unexpected limit finding %s %q", hit.Location, hit.Message.EN)
				}
			} else if hit == nil {
				t.Fatalf("no LIMIT_EXCEEDED finding; diagnostics: %+v", inv.Diagnostics[:min(5, len(inv.Diagnostics))])
			} else if hit.Status != model.StatusError || !strings.HasPrefix(hit.Location.String(), tt.where) || hit.Location.Line == 0 ||
				!strings.Contains(hit.Message.EN, tt.limit) || hit.Message.JA == "" {
				t.Errorf("finding = %s %s %q, want ERROR at %s… naming %q", hit.Status, hit.Location, hit.Message.EN, tt.where, tt.limit)
			}
			ok := findCluster(t, inv, "Ok")
			if ok.BacktrackWindow.State != model.Known || ok.BacktrackWindow.V != 86400 {
				t.Errorf("the valid template was not evaluated: %+v", ok.BacktrackWindow)
			}
		})
	}
}

// TestSharesDoNotStarveLargeTemplates: a real template that needs more
// than its equal share (many small templates beside it) is evaluated again
// with what the others left.
func TestSharesDoNotStarveLargeTemplates(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 200; i++ {
		files[fmt.Sprintf("small/t%03d.yaml", i)] = okTemplate
	}
	// 1,200 nested stack instances would exceed an equal share (64) but not
	// what the small templates leave.
	for k, v := range nestedStacks(6, 3) {
		files[k] = v
	}
	inv := scanFiles(t, files, Options{})
	for _, d := range inv.Diagnostics {
		if d.Reason == model.ReasonLimitExceeded {
			t.Fatalf("unexpected limit finding: %s %s", d.Location, d.Message.EN)
		}
	}
	if n := len(inv.Clusters); n != 200+1+6+36+216 {
		t.Errorf("clusters = %d, want %d", n, 200+1+6+36+216)
	}
}

// BenchmarkAdversarial measures each adversarial shape beside a valid
// template (target: any input of at most 1 MB in under 5 s and 1 GB on the
// 2-core CI machine). peak-heap-MB is the largest heap in use during the
// runs (runtime.MemStats sampled every 10 ms); peak-rss-MB is the process's
// VmHWM, which also counts earlier benchmarks of the same process: run one
// shape alone (-bench Adversarial/NAME) to read it.
func BenchmarkAdversarial(b *testing.B) {
	for _, tt := range adversarialInputs {
		b.Run(tt.name, func(b *testing.B) {
			files := tt.files()
			files["ok/ok.yaml"] = okTemplate
			size := 0
			for _, f := range files {
				size += len(f)
			}
			dir := writeFiles(b, files)
			var paths []string
			for name := range files {
				paths = append(paths, filepath.Join(dir, name))
			}
			sort.Strings(paths)
			runtime.GC()
			stop, peak := testenv.SampleHeap()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				inv := Scan(paths, Options{Root: dir})
				if len(inv.Clusters) == 0 {
					b.Fatal("no cluster")
				}
			}
			b.StopTimer()
			stop()
			b.ReportMetric(float64(size), "input-bytes")
			b.ReportMetric(float64(*peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(testenv.PeakRSS()/(1<<20), "peak-rss-MB")
		})
	}
}
