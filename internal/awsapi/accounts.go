package awsapi

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Partition returns the AWS partition of region: aws-cn for China, aws-us-gov
// for GovCloud (US), aws otherwise.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// RoleARN is the ARN of role roleName in account, in region's partition.
func RoleARN(region, account, roleName string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", Partition(region), account, roleName)
}

// AssumeRoleOptions configure AssumeRole.
type AssumeRoleOptions struct {
	// SessionName is the role session name (2 to 64 characters).
	SessionName string
	// ExternalID is passed when the role's trust policy requires one.
	ExternalID string
}

// AssumeRole returns cached credentials of roleARN, assumed with sts:AssumeRole
// using cfg's credentials, endpoint, retryer and call timeout. Nothing is
// called until the credentials are first retrieved; they are refreshed
// before they expire.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
func AssumeRole(cfg aws.Config, roleARN string, o AssumeRoleOptions) *aws.CredentialsCache {
	prov := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), roleARN, func(ao *stscreds.AssumeRoleOptions) {
		if o.SessionName != "" {
			ao.RoleSessionName = o.SessionName
		}
		if o.ExternalID != "" {
			ao.ExternalID = aws.String(o.ExternalID)
		}
	})
	return aws.NewCredentialsCache(prov)
}

// For returns a copy of cfg with creds (nil keeps cfg's) in region ("" keeps
// cfg's): the configuration of one account-region.
func For(cfg aws.Config, creds aws.CredentialsProvider, region string) aws.Config {
	out := cfg.Copy()
	if creds != nil {
		out.Credentials = creds
	}
	if region != "" {
		out.Region = region
	}
	return out
}
