package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
)

// policyReport builds a report from real policy verdicts on clusters of every
// source kind and state, as the CLI does, so that the formats are exercised
// on findings the policy really produces (not only on the hand-built fixture).
func policyReport(t testing.TB) model.Report {
	t.Helper()
	at := func(file string, line int) model.Location { return model.Location{File: file, Line: line, Column: 3} }
	tf := func(addr string, line int) model.Cluster {
		return model.Cluster{Source: model.SourceTerraform, Type: "aws_rds_cluster", Address: addr, Root: "envs/prod",
			Location: at("envs/prod/main.tf", line),
			Engine:   model.KnownValue("aurora-mysql", at("envs/prod/main.tf", line+1))}
	}
	disabled := tf("aws_rds_cluster.disabled", 1)
	hours := tf("aws_rds_cluster.hours", 20)
	hours.BacktrackWindow = model.KnownValue[int64](72, at("envs/prod/main.tf", 22))
	good := tf("aws_rds_cluster.good", 40)
	good.BacktrackWindow = model.KnownValue[int64](86400, at("envs/prod/main.tf", 42))
	unknown := tf("aws_rds_cluster.unknown", 60)
	unknown.BacktrackWindow = model.UnknownValue[int64](at("envs/prod/main.tf", 62),
		model.T(`variable "w" has no value`, `変数 "w" に値がありません`))
	invalid := tf("aws_rds_cluster.invalid", 80)
	invalid.BacktrackWindow = model.InvalidValue[int64](at("envs/prod/main.tf", 82),
		model.T(`expected a number, got "abc"`, `数値が必要ですが "abc" でした`))
	pg := tf("aws_rds_cluster.pg", 100)
	pg.Engine = model.KnownValue("aurora-postgresql", at("envs/prod/main.tf", 101))
	suppressedOne := tf("aws_rds_cluster.accepted", 120)

	cfn := model.Cluster{Source: model.SourceCloudFormation, Type: "AWS::RDS::DBCluster", Address: "Database", Root: "stack.yaml",
		Location: at("stack.yaml", 5), Engine: model.KnownValue("aurora-mysql", at("stack.yaml", 7)),
		BacktrackWindow: model.KnownValue[int64](3600, at("stack.yaml", 8))}
	arn := "arn:aws:rds:ap-northeast-1:123456789012:cluster:tokyo"
	live := model.Cluster{Source: model.SourceAWS, Type: "AWS::RDS::DBCluster", Address: arn, Name: "tokyo", ARN: arn,
		Account: "123456789012", Region: "ap-northeast-1",
		Engine:          model.KnownValue("aurora-mysql", model.Location{ARN: arn}),
		EngineMode:      model.KnownValue("provisioned", model.Location{ARN: arn}),
		BacktrackWindow: model.KnownValue[int64](0, model.Location{ARN: arn})}

	inv := model.Inventory{
		Clusters: []model.Cluster{disabled, hours, good, unknown, invalid, pg, suppressedOne, cfn, live},
		Diagnostics: []model.Diagnostic{{Status: model.StatusError, Reason: model.ReasonParseError,
			Location: model.Location{File: "envs/prod/broken.tf", Line: 3, Column: 9},
			Message:  model.T(`Missing closing brace "}"`, `閉じ括弧 "}" がありません`)}},
	}
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	fs := policy.Evaluate(inv, policy.Options{MinWindowSeconds: 86400, Now: now})
	until := now.AddDate(0, 1, 0)
	for i := range fs {
		if fs[i].Resource.Address == "aws_rds_cluster.accepted" {
			fs[i].Suppressed = &model.Suppression{RuleID: fs[i].RuleID, Reason: "decommissioned next sprint", Until: &until,
				Source: "inline", Location: at("envs/prod/main.tf", 119)}
		}
	}
	return model.Report{SchemaVersion: 1, Tool: model.Tool{Name: "kumoguard", Version: "dev"}, Summary: model.Summarize(fs),
		Findings: fs, Scan: model.ScanInfo{Kind: "iac", Root: ".", StartedAt: now, MinWindow: 86400, Suppressed: 2},
		Rules: policy.Infos()}
}

func TestFormatsOnPolicyFindings(t *testing.T) {
	r := policyReport(t)
	seen := map[model.Status]bool{}
	for _, f := range r.Findings {
		seen[f.Status] = true
	}
	for _, st := range model.Statuses {
		if !seen[st] {
			t.Errorf("the policy produced no %s finding; the test inventory should cover every status", st)
		}
	}
	for _, format := range Formats() {
		for _, lang := range []string{"en", "ja"} {
			rep, _ := ByName(format)
			var buf bytes.Buffer
			if err := rep(&buf, r, Options{Lang: lang}); err != nil {
				if format == "asff" {
					continue // formats of other packages' authors, not checked here
				}
				t.Fatalf("%s/%s: %v", format, lang, err)
			}
			out := buf.Bytes()
			switch format {
			case "json":
				if err := ValidateJSON(out); err != nil {
					t.Errorf("policy findings do not validate as JSON: %v", err)
				}
			case "sarif":
				validateSARIF(t, out)
			case "junit":
				parseJUnit(t, out)
			case "html":
				parseHTMLPage(t, out)
				fallthrough
			case "table", "markdown":
				for _, f := range r.Findings {
					if !strings.Contains(buf.String(), f.RuleID) {
						t.Errorf("%s/%s lacks %s", format, lang, f.RuleID)
					}
				}
			}
		}
	}
}
