package terraform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// okRoot is a valid root module every adversarial tree also holds: its
// cluster must come out evaluated whatever the other roots do.
const okRoot = `resource "aws_rds_cluster" "ok" {
  engine           = "aurora-mysql"
  backtrack_window = 86400
}
`

// adversarial is one input shape that asks for unbounded work (issue 11,
// point 3), generated at its real size.
type adversarial struct {
	name  string
	files func() map[string]string
	// where is the file:line the LIMIT_EXCEEDED finding must point at
	// ("" when the limit is on the whole file, line 1), and limit a word of
	// the limit it names.
	where string
	limit string
}

func localsRepeat(json bool) map[string]string {
	if json {
		var b strings.Builder
		b.WriteString("{\n\"locals\": {\n\"a0\": \"xxxxxxxxxx\"")
		for i := 1; i <= 12; i++ {
			fmt.Fprintf(&b, ",\n\"a%d\": \"%s\"", i, strings.Repeat(fmt.Sprintf("${local.a%d}", i-1), 10))
		}
		b.WriteString("\n},\n\"resource\": {\"aws_rds_cluster\": {\"c\": {\"engine\": \"aurora-mysql\", \"backtrack_window\": \"${length(local.a12)}\"}}}\n}\n")
		return map[string]string{"bad/main.tf.json": b.String()}
	}
	var b strings.Builder
	b.WriteString("locals {\n  a0 = \"xxxxxxxxxx\"\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "  a%d = \"%s\"\n", i, strings.Repeat(fmt.Sprintf("${local.a%d}", i-1), 10))
	}
	b.WriteString("}\n\nresource \"aws_rds_cluster\" \"c\" {\n  engine           = \"aurora-mysql\"\n  backtrack_window = length(local.a12)\n}\n")
	return map[string]string{"bad/main.tf": b.String()}
}

var adversarialInputs = []adversarial{
	{name: "nested_brackets", limit: "nesting", where: "bad/main.tf:3", files: func() map[string]string {
		// 100,000 nested brackets in a 200 KB .tf: a Go stack overflow before.
		return map[string]string{"bad/main.tf": "resource \"aws_rds_cluster\" \"c\" {\n  engine           = \"aurora-mysql\"\n  backtrack_window = " +
			strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n}\n"}
	}},
	{name: "unary_chain", limit: "nesting", where: "bad/main.tf:2", files: func() map[string]string {
		return map[string]string{"bad/main.tf": "locals {\n  x = " + strings.Repeat("!", 200_000) + "true\n}\n"}
	}},
	{name: "operator_chain", limit: "nesting", where: "bad/main.tf:2", files: func() map[string]string {
		return map[string]string{"bad/main.tf": "locals {\n  x = 1" + strings.Repeat("+1", 200_000) + "\n}\n"}
	}},
	{name: "nested_tfvars_json", limit: "nesting", where: "bad/terraform.tfvars.json:1", files: func() map[string]string {
		return map[string]string{
			"bad/main.tf":               "variable \"w\" {}\n" + strings.Replace(okRoot, "86400", "var.w", 1),
			"bad/terraform.tfvars.json": "{\"w\": " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "}",
		}
	}},
	{name: "nested_json_template", limit: "nesting", where: "bad/main.tf.json:1", files: func() map[string]string {
		return map[string]string{"bad/main.tf.json": `{"locals": {"x": "${` + strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000) + `}"}}`}
	}},
	{name: "module_count_levels", limit: "instances", where: "bad/", files: func() map[string]string {
		// Three module levels of count = 100: a million instances.
		return map[string]string{
			"bad/main.tf":   "module \"a\" {\n  source = \"./a\"\n  count  = 100\n}\n",
			"bad/a/main.tf": "module \"b\" {\n  source = \"../b\"\n  count  = 100\n}\n",
			"bad/b/main.tf": "module \"c\" {\n  source = \"../c\"\n  count  = 100\n}\n",
			"bad/c/main.tf": "resource \"aws_rds_cluster\" \"c\" {\n  count  = 100\n  engine = \"aurora-mysql\"\n}\n",
		}
	}},
	{name: "locals_repeat", limit: "string bytes", where: "bad/main.tf:", files: func() map[string]string { return localsRepeat(false) }},
	{name: "locals_repeat_json", limit: "string bytes", where: "bad/main.tf.json:", files: func() map[string]string { return localsRepeat(true) }},
	{name: "for_expression_product", limit: "iterations", where: "bad/main.tf:2", files: func() map[string]string {
		return map[string]string{"bad/main.tf": "locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n" +
			strings.Replace(okRoot, "86400", "length(local.x)", 1)}
	}},
	{name: "for_expression_constant_default", limit: "iterations", where: "bad/main.tf:3", files: func() map[string]string {
		l := "[" + strings.Repeat("0,", 999) + "0]"
		return map[string]string{"bad/main.tf": "variable \"x\" {\n  default = [\n    for a in " + l + " : [for b in " + l + " : [for c in " + l + " : c]]]\n}\n"}
	}},
	{name: "setproduct", limit: "elements", where: "bad/main.tf:2", files: func() map[string]string {
		return map[string]string{"bad/main.tf": "locals {\n  x = setproduct(range(1000), range(1000), range(1000))\n}\n" +
			strings.Replace(okRoot, "86400", "length(local.x)", 1)}
	}},
	{name: "format_width", limit: "string bytes", where: "bad/main.tf:2", files: func() map[string]string {
		return map[string]string{"bad/main.tf": "locals {\n  x = format(\"%01000000000d\", 1)\n}\n" +
			strings.Replace(okRoot, "86400", "length(local.x)", 1)}
	}},
	{name: "indent_replace", limit: "string bytes", where: "bad/main.tf:2", files: func() map[string]string {
		return map[string]string{"bad/main.tf": "locals {\n  x = replace(indent(100000000, \"a\\nb\\nc\"), \"\", \"xxxxxxxx\")\n}\n" +
			strings.Replace(okRoot, "86400", "length(local.x)", 1)}
	}},
	{name: "evaluations", limit: "expressions", where: "bad/", files: func() map[string]string {
		// 2,000 chained locals in a module instantiated 1,000 times.
		var b strings.Builder
		b.WriteString("locals {\n  l0 = 1\n")
		for i := 1; i < 2000; i++ {
			fmt.Fprintf(&b, "  l%d = local.l%d\n", i, i-1)
		}
		b.WriteString("}\n\nresource \"aws_rds_cluster\" \"c\" {\n  engine           = \"aurora-mysql\"\n  backtrack_window = local.l1999\n}\n")
		return map[string]string{
			"bad/main.tf":   "module \"m\" {\n  source = \"./m\"\n  count  = 1000\n}\n",
			"bad/m/main.tf": b.String(),
		}
	}},
	{name: "many_roots", limit: "instances", where: "bad", files: func() map[string]string {
		// 100 small roots, each asking for 9,000 clusters: within each
		// root's budget, not within the scan's.
		out := map[string]string{}
		for i := 0; i < 100; i++ {
			out[fmt.Sprintf("bad%03d/main.tf", i)] = "resource \"aws_rds_cluster\" \"c\" {\n  count  = 9000\n  engine = \"aurora-mysql\"\n}\n"
		}
		return out
	}},
	{name: "file_size", limit: "file size", where: "bad/big.tf:1", files: func() map[string]string {
		var b strings.Builder
		for i := 0; b.Len() <= maxFileBytes; i++ {
			fmt.Fprintf(&b, "locals {\n  l%d = \"%s\"\n}\n", i, strings.Repeat("x", 200))
		}
		return map[string]string{"bad/big.tf": b.String()}
	}},
}

// TestLimits scans each adversarial shape beside a valid root: the scan
// finishes, reports the limit as an ERROR at the file and line where it
// was hit, and still evaluates the valid root.
func TestLimits(t *testing.T) {
	for _, tt := range adversarialInputs {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files()
			files["ok/main.tf"] = okRoot
			dir := writeTree(t, files)
			inv := Scan([]string{dir}, Options{Root: dir})
			var hit *model.Diagnostic
			for i, d := range inv.Diagnostics {
				if d.Reason == model.ReasonLimitExceeded {
					hit = &inv.Diagnostics[i]
					break
				}
			}
			if hit == nil {
				t.Fatalf("no LIMIT_EXCEEDED finding; diagnostics: %+v", inv.Diagnostics)
			}
			if hit.Status != model.StatusError || !strings.HasPrefix(hit.Location.String(), tt.where) || hit.Location.Line == 0 ||
				!strings.Contains(hit.Message.EN, tt.limit) || hit.Message.JA == "" {
				t.Errorf("finding = %s %s %q, want ERROR at %s… naming %q", hit.Status, hit.Location, hit.Message.EN, tt.where, tt.limit)
			}
			ok := cluster(t, inv, "ok", "aws_rds_cluster.ok")
			if ok.BacktrackWindow.State != model.Known || ok.BacktrackWindow.V != 86400 {
				t.Errorf("the valid root was not evaluated: %+v", ok.BacktrackWindow)
			}
		})
	}
}

// BenchmarkAdversarial measures each adversarial shape (target: any input
// of at most 1 MB in under 5 s and 1 GB on the 2-core CI machine; peak RSS
// via /usr/bin/time -v go test -bench Adversarial/NAME -run '^$').
func BenchmarkAdversarial(b *testing.B) {
	for _, tt := range adversarialInputs {
		b.Run(tt.name, func(b *testing.B) {
			files := tt.files()
			size := 0
			for _, f := range files {
				size += len(f)
			}
			dir := writeTree(b, files)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				inv := Scan([]string{dir}, Options{Root: dir})
				if len(inv.Diagnostics) == 0 {
					b.Fatal("no finding")
				}
			}
			b.ReportMetric(float64(size), "input-bytes")
		})
	}
}
