package tfplan

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"

	"github.com/kumoguard/kumoguard/internal/testenv"
)

// okChange is a valid cluster every adversarial plan also holds: it must
// come out evaluated whatever the rest of the plan does.
var okChange = rcJSON("aws_rds_cluster.ok", "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql","backtrack_window":86400}`, `{}`)

// adversarial is one plan shape that asks for unbounded work (issue 11,
// point 3), generated at its real size (at most about 1 MB).
type adversarial struct {
	name string
	plan func() string
	// where is the line:column prefix the LIMIT_EXCEEDED finding must point
	// at ("" when no finding is expected: the shape must only stay fast),
	// and limit a word of the limit it names.
	where, limit string
}

var adversarialPlans = []adversarial{
	{name: "deep_nesting", limit: "nesting", where: "plan.json:1:", plan: func() string {
		return planJSON([]string{okChange, rcJSON("aws_rds_cluster.c", "aws_rds_cluster", `["create"]`, `null`,
			`{"engine":"aurora-mysql","backtrack_window":`+strings.Repeat("[", 400_000)+strings.Repeat("]", 400_000)+`}`, `{}`)}, "")
	}},
	{name: "nesting_9000_many", limit: "nesting", where: "plan.json:1:", plan: func() string {
		v := strings.Repeat("[", 9000) + strings.Repeat("]", 9000)
		var cs []string
		for i := 0; i < 50; i++ {
			cs = append(cs, rcJSON(fmt.Sprintf("aws_rds_cluster.c%d", i), "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql","tags":`+v+`}`, v))
		}
		return planJSON(append(cs, okChange), "")
	}},
	{name: "many_clusters", plan: func() string {
		var cs []string
		for i := 0; i < 6000; i++ {
			cs = append(cs, rcJSON(fmt.Sprintf("aws_rds_cluster.c%d", i), "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql","backtrack_window":86400}`, `{}`))
		}
		return planJSON(append(cs, okChange), "")
	}},
	{name: "instances_times_references", limit: "links", where: "plan.json:1:", plan: func() string {
		// 2,000 instances of one configuration block that refers to 1,000
		// clusters, beside 2,000 clusters.
		var cs []string
		for i := 0; i < 2000; i++ {
			cs = append(cs, rcJSON(fmt.Sprintf("aws_rds_cluster.c[%d]", i), "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql"}`, `{}`))
			cs = append(cs, rcJSON(fmt.Sprintf("aws_rds_cluster_instance.i[%d]", i), "aws_rds_cluster_instance", `["create"]`, `null`, `{"instance_class":"db.r5.large"}`, `{"cluster_identifier":true}`))
		}
		refs := make([]string, 1000)
		for i := range refs {
			refs[i] = fmt.Sprintf(`"aws_rds_cluster.c%d"`, i)
		}
		refs = append(refs, `"aws_rds_cluster.c"`)
		cfg := `,"configuration":{"root_module":{"resources":[{"address":"aws_rds_cluster_instance.i","mode":"managed","type":"aws_rds_cluster_instance","name":"i","expressions":{"cluster_identifier":{"references":[` + strings.Join(refs, ",") + `]}}}]}}`
		return planJSON(append(cs, okChange), cfg)
	}},
	{name: "child_modules_deep", limit: "module", where: "plan.json:1:", plan: func() string {
		inner := `{"resources":[{"address":"aws_rds_cluster.x","mode":"managed","type":"aws_rds_cluster","name":"x","values":{"engine":"aurora-mysql"}}]}`
		for i := 0; i < 400; i++ {
			inner = `{"address":"module.m","child_modules":[` + inner + `]}`
		}
		return planJSON([]string{okChange}, `,"planned_values":{"root_module":{"child_modules":[`+inner+`]}}`)
	}},
}

// TestAdversarial: every shape ends in a LIMIT_EXCEEDED ERROR at the line
// and column where the limit was hit, naming it, and the valid cluster is
// still read unless the whole file was refused.
func TestAdversarial(t *testing.T) {
	for _, tt := range adversarialPlans {
		t.Run(tt.name, func(t *testing.T) {
			inv := Load("plan.json", []byte(tt.plan()), Options{})
			var hit *model.Diagnostic
			for i, d := range inv.Diagnostics {
				if d.Reason == model.ReasonLimitExceeded {
					hit = &inv.Diagnostics[i]
				}
			}
			switch {
			case tt.limit == "" && hit != nil:
				t.Errorf("unexpected limit finding %s %q", hit.Location, hit.Message.EN)
			case tt.limit != "" && hit == nil:
				t.Fatalf("no LIMIT_EXCEEDED finding; diagnostics: %+v", inv.Diagnostics)
			case tt.limit != "" && (hit.Status != model.StatusError || !strings.HasPrefix(hit.Location.String(), tt.where) || hit.Location.Column <= 1 ||
				!strings.Contains(hit.Message.EN, tt.limit) || hit.Message.JA == ""):
				t.Errorf("finding = %s %s %q, want ERROR at %s… naming %q", hit.Status, hit.Location, hit.Message.EN, tt.where, tt.limit)
			}
			refused := hit != nil && strings.Contains(hit.Message.EN, "the file was not read")
			found := false
			for _, c := range inv.Clusters {
				if c.Address == "aws_rds_cluster.ok" {
					found = c.BacktrackWindow.State == model.Known && c.BacktrackWindow.V == 86400
				}
			}
			if found == refused {
				t.Errorf("valid cluster read = %v, file refused = %v", found, refused)
			}
		})
	}
}

// TestLimitEntries: a plan with more cluster resources than maxEntries
// reads the first ones and says where it stopped.
func TestLimitEntries(t *testing.T) {
	defer func(n int) { maxEntries = n }(maxEntries)
	maxEntries = 500
	cs := []string{okChange}
	for i := 0; i <= maxEntries; i++ {
		cs = append(cs, rcJSON(fmt.Sprintf("aws_rds_cluster.c%d", i), "aws_rds_cluster", `["create"]`, `null`, `{"engine":"aurora-mysql"}`, `{}`))
	}
	inv := Load("plan.json", []byte(planJSON(cs, "")), Options{})
	if len(inv.Clusters) != maxEntries {
		t.Errorf("clusters = %d, want %d", len(inv.Clusters), maxEntries)
	}
	if len(inv.Diagnostics) != 1 || inv.Diagnostics[0].Reason != model.ReasonLimitExceeded || !strings.Contains(inv.Diagnostics[0].Message.EN, "instances (500)") {
		t.Errorf("diagnostics = %+v", inv.Diagnostics)
	}
}

// TestLimitFileSize: a plan larger than maxPlanBytes is not decoded.
func TestLimitFileSize(t *testing.T) {
	defer func(n int) { maxPlanBytes = n }(maxPlanBytes)
	maxPlanBytes = 1000
	inv := Load("plan.json", []byte(planJSON([]string{okChange}, `,"pad":"`+strings.Repeat("x", 1000)+`"`)), Options{})
	if len(inv.Clusters) != 0 || len(inv.Diagnostics) != 1 || inv.Diagnostics[0].Reason != model.ReasonLimitExceeded ||
		inv.Diagnostics[0].Location.String() != "plan.json:1:1" || !strings.Contains(inv.Diagnostics[0].Message.EN, "file size (1000 bytes") {
		t.Errorf("inventory = %+v", inv)
	}
}

// BenchmarkAdversarial measures each adversarial plan (target: any input
// of at most 1 MB in under 5 s and 1 GB on the 2-core CI machine).
// peak-heap-MB is the largest heap in use during the runs (sampled every
// 10 ms); peak-rss-MB is the process's VmHWM, which also counts earlier
// benchmarks of the same process: run one shape alone to read it.
func BenchmarkAdversarial(b *testing.B) {
	for _, tt := range adversarialPlans {
		b.Run(tt.name, func(b *testing.B) {
			data := []byte(tt.plan())
			runtime.GC()
			stop, peak := testenv.SampleHeap()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if inv := Load("plan.json", data, Options{}); len(inv.Clusters)+len(inv.Diagnostics) == 0 {
					b.Fatal("nothing read")
				}
			}
			b.StopTimer()
			stop()
			b.ReportMetric(float64(len(data)), "input-bytes")
			b.ReportMetric(float64(*peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(testenv.PeakRSS()/(1<<20), "peak-rss-MB")
		})
	}
}
