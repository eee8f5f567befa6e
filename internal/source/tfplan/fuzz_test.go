package tfplan

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

// FuzzLoad feeds arbitrary bytes to the loader (without Load's recover, so
// a panic is a crash) and checks that a file is either read or reported
// with a located diagnostic. Seeded from every fixture in testdata.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[null,{"type":"aws_rds_cluster","change":null}]}`))
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[null,{"resources":[null]}]}}}`))
	// The shapes of the limits (limits_test.go), small: each must end in a
	// LIMIT_EXCEEDED ERROR at a file and line, never a crash.
	f.Add([]byte(planJSON([]string{okChange}, `,"x":`+strings.Repeat("[", maxJSONDepth+1)+strings.Repeat("]", maxJSONDepth+1))))
	deep := `{"resources":[{"address":"aws_rds_cluster.x","mode":"managed","type":"aws_rds_cluster","name":"x","values":{}}]}`
	for i := 0; i <= maxModuleDepth; i++ {
		deep = `{"child_modules":[` + deep + `]}`
	}
	f.Add([]byte(planJSON([]string{okChange}, `,"planned_values":{"root_module":`+deep+`}`)))
	f.Add([]byte(planJSON([]string{okChange, rcJSON("aws_rds_cluster_instance.i", "aws_rds_cluster_instance", `["create"]`, `null`, `{"instance_class":"db.r5.large"}`, `{}`)},
		`,"configuration":{"root_module":{"resources":[{"address":"aws_rds_cluster_instance.i","mode":"managed","type":"aws_rds_cluster_instance","name":"i","expressions":{"cluster_identifier":{"references":["aws_rds_cluster.ok","aws_rds_cluster.ok[0]","x"]}}}]}}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = IsPlan(data)
		inv := load("plan.json", data)
		if inv.Coverage[CoverageKey] == 0 && len(inv.Diagnostics) == 0 {
			t.Fatalf("not read and no diagnostic")
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		check := func(what string, l model.Location) {
			if l.Line == 0 && l.File == "" {
				return
			}
			if l.File != "plan.json" || l.Line < 1 || l.Line > lines || l.Column < 1 {
				t.Fatalf("%s: bad location %+v (file has %d lines)", what, l, lines)
			}
		}
		for _, d := range inv.Diagnostics {
			if d.Message.EN == "" || d.Message.JA == "" {
				t.Fatalf("diagnostic without bilingual message: %+v", d)
			}
			if d.Location.Line < 1 {
				t.Fatalf("diagnostic without line: %+v", d)
			}
			if d.Reason == model.ReasonLimitExceeded && (d.Status != model.StatusError || d.Location.File == "") {
				t.Fatalf("a limit finding must be an ERROR at a file: %+v", d)
			}
			check("diagnostic", d.Location)
		}
		for _, c := range inv.Clusters {
			check("cluster", c.Location)
			check("engine", c.Engine.Where)
			check("window", c.BacktrackWindow.Where)
			check("prior", c.PriorBacktrackWindow.Where)
			check("global", c.GlobalClusterID.Where)
		}
	})
}
