// Package securityhub imports kumoguard findings into AWS Security Hub with
// BatchImportFindings, in batches of 100, with the stable finding IDs of the
// ASFF reporter so that a re-import updates findings instead of duplicating
// them. Organisations that outgrow one machine aggregate there.
package securityhub

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/report"
)

// MaxBatch is BatchImportFindings' limit of findings per call.
const MaxBatch = 100

// Options configure an import.
type Options struct {
	// ConfigFor returns the SDK configuration (credentials) of account in
	// region. With the default product ARN, BatchImportFindings must be
	// called by the account a finding belongs to, so each account's findings
	// are imported with its own (assumed) credentials. ok=false means none
	// are available: those findings are imported into Defaults.Account
	// instead, still naming the other account as their resource.
	ConfigFor func(account, region string) (cfg aws.Config, ok bool)
	// Defaults are the importing caller's account and region (findings
	// without either, such as IaC findings or unreachable accounts, go there).
	Defaults report.ASFFDefaults
	// Lang is the language of titles and descriptions ("en" or "ja").
	Lang string
	// BatchSize overrides MaxBatch (tests); at most 100.
	BatchSize int
	// Region, when set, imports every finding into this one region (for an
	// organisation that runs Security Hub, or its cross-region aggregation,
	// in a home region); the resources keep their own regions. Empty imports
	// each finding into its resource's region, where Security Hub must be
	// enabled.
	Region string
}

// Result counts what was imported.
type Result struct {
	Imported int
	Failed   int
	Calls    int
	// Errors lists failed findings and failed calls ("Id: Code: message").
	Errors []string
}

// Import sends every finding of r to Security Hub. A failing call or
// finding is recorded in Result.Errors and the import goes on; the error is
// for a finding that cannot be converted at all.
func Import(ctx context.Context, r model.Report, o Options) (Result, error) {
	if o.BatchSize <= 0 || o.BatchSize > MaxBatch {
		o.BatchSize = MaxBatch
	}
	type scope struct{ account, region string }
	groups := map[scope][]report.ASFFFinding{}
	part := o.Defaults.Partition
	if part == "" {
		part = "aws"
	}
	productARN := func(region, acct string) string {
		return fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", part, region, acct, acct)
	}
	for _, f := range report.ASFFFindings(r, o.Defaults, o.Lang) {
		if o.Region != "" && f.Region != o.Region {
			f.Region = o.Region
			f.ProductArn = productARN(f.Region, f.AwsAccountId)
		}
		sc := scope{f.AwsAccountId, f.Region}
		if _, ok := o.ConfigFor(sc.account, sc.region); !ok {
			// Re-attribute to the caller: the default product only accepts
			// findings for the calling account.
			f.AwsAccountId = o.Defaults.Account
			if o.Region == "" {
				f.Region = o.Defaults.Region
			}
			f.ProductArn = productARN(f.Region, f.AwsAccountId)
			sc = scope{f.AwsAccountId, f.Region}
		}
		groups[sc] = append(groups[sc], f)
	}
	scopes := make([]scope, 0, len(groups))
	for sc := range groups {
		scopes = append(scopes, sc)
	}
	sort.Slice(scopes, func(i, j int) bool {
		if scopes[i].account != scopes[j].account {
			return scopes[i].account < scopes[j].account
		}
		return scopes[i].region < scopes[j].region
	})

	var res Result
	for _, sc := range scopes {
		cfg, _ := o.ConfigFor(sc.account, sc.region)
		client := securityhub.NewFromConfig(cfg)
		fs := groups[sc]
		for off := 0; off < len(fs); off += o.BatchSize {
			batch, err := toSDK(fs[off:min(off+o.BatchSize, len(fs))])
			if err != nil {
				return res, err
			}
			res.Calls++
			out, err := client.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: batch})
			if err != nil {
				res.Failed += len(batch)
				res.Errors = append(res.Errors, fmt.Sprintf("%s/%s: BatchImportFindings: %v", sc.account, sc.region, err))
				if ctx.Err() != nil {
					return res, nil
				}
				continue
			}
			res.Imported += int(aws.ToInt32(out.SuccessCount))
			res.Failed += int(aws.ToInt32(out.FailedCount))
			for _, ff := range out.FailedFindings {
				res.Errors = append(res.Errors, fmt.Sprintf("%s: %s: %s", aws.ToString(ff.Id), aws.ToString(ff.ErrorCode), aws.ToString(ff.ErrorMessage)))
			}
		}
	}
	return res, nil
}

// toSDK converts through JSON: ASFFFinding uses ASFF's field names, which
// are the SDK type's field names.
func toSDK(fs []report.ASFFFinding) ([]shtypes.AwsSecurityFinding, error) {
	b, err := json.Marshal(fs)
	if err != nil {
		return nil, err
	}
	var out []shtypes.AwsSecurityFinding
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("convert findings to Security Hub types: %w", err)
	}
	return out, nil
}
