package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// write creates files under dir (paths with forward slashes).
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const tfDisabled = `resource "aws_rds_cluster" "db" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql"
}
`

const tfEnabled = `resource "aws_rds_cluster" "db" {
  cluster_identifier = "billing"
  engine             = "aurora-mysql"
  backtrack_window   = 86400
}
`

const template = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      BacktrackWindow: 259200
`

const plan = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{"resources":[
{"address":"aws_rds_cluster.p","mode":"managed","type":"aws_rds_cluster","name":"p","values":{"engine":"aurora-mysql","backtrack_window":0,"cluster_identifier":"p"}}]}},
"resource_changes":[{"address":"aws_rds_cluster.p","mode":"managed","type":"aws_rds_cluster","name":"p","change":{"actions":["create"],"before":null,"after":{"engine":"aurora-mysql","backtrack_window":0,"cluster_identifier":"p"}}}]}`

func tree(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"envs/prod/main.tf":               tfDisabled,
		"envs/prod/extra.tf":              "# a second file of the same module\n",
		"envs/stage/main.tf":              tfEnabled,
		"cfn/db.yaml":                     template,
		"plans/plan.json":                 plan,
		"docs/notes.json":                 `{"not": "an input"}`,
		".hidden/main.tf":                 tfDisabled,
		"node_modules/x/main.tf":          tfDisabled,
		"envs/prod/.terraform/x/a.tf":     tfDisabled,
		"envs/prod/terraform.tfvars":      "",
		"envs/prod/README.md":             "not read",
		"cfn/cdk.out/Stack.template.json": `{"Resources":{"C":{"Type":"AWS::RDS::DBCluster","Properties":{"Engine":"aurora-mysql","BacktrackWindow":86400}}}}`,
	})
	if err := os.Symlink(filepath.Join(dir, "envs"), filepath.Join(dir, "link-to-envs")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// countingSource records what the walk asks a source.
type countingSource struct {
	Source
	byName, byContent map[string]int
}

func (c *countingSource) Detect(name string, data []byte) bool {
	if data == nil {
		c.byName[name]++
	} else {
		c.byContent[name]++
	}
	return c.Source.Detect(name, data)
}

func TestDiscoverWalksOnceAndGivesEachFileToOneSource(t *testing.T) {
	dir := tree(t)
	var counting []Source
	var counters []*countingSource
	for _, s := range Sources() {
		c := &countingSource{Source: s, byName: map[string]int{}, byContent: map[string]int{}}
		counting = append(counting, c)
		counters = append(counters, c)
	}
	d := discover([]string{dir}, dir, counting)

	rel := func(fs []File) []string {
		var out []string
		for _, f := range fs {
			r, _ := filepath.Rel(dir, f.Path)
			out = append(out, filepath.ToSlash(r))
		}
		return out
	}
	want := map[model.SourceKind]string{
		// One file stands for each Terraform directory.
		model.SourceTerraform:      "envs/prod/extra.tf envs/stage/main.tf",
		model.SourceTerraformPlan:  "plans/plan.json",
		model.SourceCloudFormation: "cfn/cdk.out/Stack.template.json cfn/db.yaml",
	}
	for k, w := range want {
		if got := strings.Join(rel(d.files[k]), " "); got != w {
			t.Errorf("%s: got %q, want %q", k, got, w)
		}
	}
	// Every file is asked about by name once (the walk happens once, and
	// skipped directories and symlinks are never entered).
	for _, c := range counters {
		for name, n := range c.byName {
			if n != 1 && name != "main.tf" {
				t.Errorf("%s asked about %s by name %d times", c.Kind(), name, n)
			}
		}
		want := 0
		if c.Kind() == model.SourceTerraform {
			want = 2 // envs/prod and envs/stage: nothing hidden, vendored or linked
		}
		if c.byName["main.tf"] != want {
			t.Errorf("%s asked about main.tf %d times, want %d", c.Kind(), c.byName["main.tf"], want)
		}
		if c.byContent["README.md"] != 0 || c.byContent["terraform.tfvars"] != 0 {
			t.Errorf("%s read files that are no input: %v", c.Kind(), c.byContent)
		}
	}
	// Content is read once per JSON/YAML file, and only for those no
	// source claimed by name.
	if n := counters[1].byContent["notes.json"]; n != 1 {
		t.Errorf("notes.json read %d times by the plan source", n)
	}
	if len(d.inv.Diagnostics) != 0 {
		t.Errorf("diagnostics for files found by walking: %+v", d.inv.Diagnostics)
	}
}

func TestDiscoverExplicitFiles(t *testing.T) {
	dir := tree(t)
	d := discover([]string{filepath.Join(dir, "docs/notes.json"), filepath.Join(dir, "envs/prod/terraform.tfvars"),
		filepath.Join(dir, "envs/stage/main.tf")}, dir, Sources())
	var msgs []string
	for _, dg := range d.inv.Diagnostics {
		msgs = append(msgs, dg.Location.File+": "+dg.Message.EN)
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "docs/notes.json: docs/notes.json is neither Terraform") ||
		!strings.Contains(all, "envs/prod/terraform.tfvars: envs/prod/terraform.tfvars is a Terraform variable file") {
		t.Errorf("explicit files that are no input must be ERRORs naming the file:\n%s", all)
	}
	if len(d.files[model.SourceTerraform]) != 1 {
		t.Errorf("an explicit .tf file stands for its directory: %+v", d.files)
	}
}

func TestRunIaC(t *testing.T) {
	dir := tree(t)
	s := Settings{Policy: policy.Options{MinWindowSeconds: 86400, Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		Tool: model.Tool{Name: "kumoguard", Version: "test"}}
	rep, err := Run(context.Background(), IaC{Paths: []string{dir}, Options: Options{Root: dir}}, s, Scope{Kind: "iac", Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]model.Status{}
	for _, f := range rep.Findings {
		if f.RuleID == "KG-BT-001" {
			got[string(f.Resource.Kind)+" "+f.Resource.Address] = f.Status
		}
		if f.Status != model.StatusPass && (f.Fix == nil || f.Remediation.IsZero()) {
			t.Errorf("%s %s: %s without remediation", f.RuleID, f.Resource.Address, f.Status)
		}
		if f.Fix != nil && len(f.Fix.IaC) > 0 && len(f.Fix.IaC[0].Edits) > 0 {
			t.Errorf("edits attached although no reporter asked for them")
		}
	}
	want := map[string]model.Status{
		"terraform aws_rds_cluster.db":     model.StatusFail, // prod and stage share the address; prod fails
		"terraform-plan aws_rds_cluster.p": model.StatusFail,
		"cloudformation Db":                model.StatusPass,
		"cloudformation C":                 model.StatusPass,
	}
	for k, w := range want {
		if _, ok := got[k]; !ok || (k != "terraform aws_rds_cluster.db" && got[k] != w) {
			t.Errorf("%s: %v (all: %v)", k, got[k], got)
		}
	}
	if len(rep.Rules) != len(policy.Rules()) || rep.Scan.Kind != "iac" || rep.Scan.Root != filepath.ToSlash(dir) || rep.Tool.Version != "test" {
		t.Errorf("report metadata: rules %d, scan %+v, tool %+v", len(rep.Rules), rep.Scan, rep.Tool)
	}

	// Edits are computed when the reporter needs them.
	s.Edits = true
	rep, err = Run(context.Background(), IaC{Paths: []string{dir}, Options: Options{Root: dir}}, s, Scope{Kind: "iac", Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	edits := 0
	for _, f := range rep.Findings {
		if f.Fix != nil {
			for _, ch := range f.Fix.IaC {
				edits += len(ch.Edits)
			}
		}
	}
	if edits == 0 {
		t.Error("Settings.Edits did not attach the edits kumoguard fix would make")
	}
}

func TestRunInterruptedIsNeverGreen(t *testing.T) {
	dir := tree(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Run(ctx, IaC{Paths: []string{dir}, Options: Options{Root: dir}}, Settings{}, Scope{Kind: "iac", Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	interrupted := 0
	for _, f := range rep.Findings {
		if f.Status == model.StatusPass {
			t.Errorf("PASS from an interrupted scan: %s %s", f.RuleID, f.Resource.Address)
		}
		if f.Reason == model.ReasonScanInterrupted && f.Status == model.StatusUnknown {
			interrupted++
		}
	}
	if interrupted != 3 { // Terraform, plan and CloudFormation each say what they left unread
		t.Errorf("%d SCAN_INTERRUPTED findings, want 3: %+v", interrupted, rep.Findings)
	}
	if !rep.Scan.Interrupted || !rep.Scan.Incomplete || rep.Scan.Coverage[CoverageNotEvaluated] != 3 {
		t.Errorf("an interrupted scan must say so: %+v", rep.Scan)
	}
}

func TestRunLoaderError(t *testing.T) {
	_, err := Run(context.Background(), IaC{Paths: []string{filepath.Join(t.TempDir(), "nope")}}, Settings{}, Scope{Kind: "iac"})
	if err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("a missing path is the loader's error: %v", err)
	}
	live := LoaderFunc(func(context.Context) (model.Inventory, error) {
		return model.Inventory{Clusters: []model.Cluster{{Source: model.SourceAWS, Type: "AWS::RDS::DBCluster",
			Address: "arn:aws:rds:us-east-1:111122223333:cluster:a", Name: "a", ARN: "arn:aws:rds:us-east-1:111122223333:cluster:a",
			Account: "111122223333", Region: "us-east-1",
			Engine: model.KnownValue("aurora-mysql", model.Location{}), BacktrackWindow: model.KnownValue[int64](0, model.Location{})}}}, nil
	})
	rep, err := Run(context.Background(), live, Settings{}, Scope{Kind: "aws"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.RuleID == "KG-BT-001" && (f.Status != model.StatusFail || f.Fix == nil || f.Fix.Path != model.PathMigrate) {
			t.Errorf("live cluster without backtrack: %s, fix %+v", f.Status, f.Fix)
		}
	}
}

func TestDiscoverNeverReadsAFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "plan.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan discovered, 1)
	go func() { done <- discover([]string{dir, fifo}, dir, Sources()) }()
	select {
	case d := <-done:
		if len(d.inv.Diagnostics) != 1 || !strings.Contains(d.inv.Diagnostics[0].Message.EN, "not a regular file") {
			t.Errorf("a FIFO named on the command line is an ERROR, one found by walking is skipped: %+v", d.inv.Diagnostics)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("discover blocked on a FIFO")
	}
}

// TestSharedModuleNamesItsRoot: a module shared by three environments gives
// three findings per rule, each naming its root (JSON resource.root, the
// resource label of human formats, a distinct fingerprint).
func TestSharedModuleNamesItsRoot(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"modules/db/main.tf": `variable "window" {
  type    = number
  default = 0
}
resource "aws_rds_cluster" "this" {
  engine           = "aurora-mysql"
  backtrack_window = var.window
}
`,
	}
	for env, w := range map[string]string{"prod": "259200", "stage": "3600", "dev": "0"} {
		files["envs/"+env+"/main.tf"] = "module \"db\" {\n  source = \"../../modules/db\"\n  window = " + w + "\n}\n"
	}
	write(t, dir, files)
	rep, err := Run(context.Background(), IaC{Paths: []string{dir}, Options: Options{Root: dir}}, Settings{}, Scope{Kind: "iac", Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	byRoot := map[string]model.Finding{}
	fps := map[string]bool{}
	for _, f := range rep.Findings {
		if f.RuleID != "KG-BT-002" {
			continue
		}
		byRoot[f.Resource.Root] = f
		fps[f.Fingerprint] = true
	}
	want := map[string]model.Status{"envs/prod": model.StatusPass, "envs/stage": model.StatusFail, "envs/dev": model.StatusFail}
	for root, st := range want {
		f, ok := byRoot[root]
		if !ok || f.Status != st {
			t.Errorf("root %s: %+v", root, f)
		}
	}
	if len(fps) != 3 {
		t.Errorf("%d distinct fingerprints for three roots", len(fps))
	}
}
