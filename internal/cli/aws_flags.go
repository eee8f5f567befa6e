package cli

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/awsapi"
)

// awsFlags are the flags of every command that talks to AWS (scan aws,
// runbook, migrate, fix --check-aws): --profile, --region, --endpoint-url and
// --call-timeout, turned into a configuration by internal/awsapi.
type awsFlags struct {
	profile     string
	region      string
	endpointURL string
	callTimeout time.Duration
}

// awsFlagsUsage adapts the help texts to the command.
type awsFlagsUsage struct {
	// prefix starts every help text, e.g. "with --check-aws: ".
	prefix string
	// region is the --region help text. A command that already has --region
	// (the IaC input flags' Region for AWS::Region) keeps that one flag for
	// both uses, and the caller passes its value to config.
	region string
}

func addAWSFlags(cmd *cobra.Command, f *awsFlags, u awsFlagsUsage) {
	fl := cmd.Flags()
	fl.StringVar(&f.profile, "profile", "", u.prefix+"shared config profile (default: the standard credential chain)")
	if existing := fl.Lookup("region"); existing != nil {
		existing.Usage += "; " + u.prefix + "also the AWS Region of the calls (default from the profile or AWS_REGION)"
	} else {
		fl.StringVar(&f.region, "region", "", u.prefix+u.region)
	}
	fl.StringVar(&f.endpointURL, "endpoint-url", "", u.prefix+"send every AWS call to this endpoint (emulators such as moto)")
	durationVar(fl, &f.callTimeout, "call-timeout", awsapi.DefaultCallTimeout,
		u.prefix+"give up on each AWS API call (each page, each poll of a wait) after this long, retries included")
}

// options returns the awsapi options; region, when not empty, wins over
// --region (an ARN's Region, or the IaC input flags' --region).
func (f *awsFlags) options(region string) (awsapi.Options, error) {
	if f.callTimeout <= 0 {
		return awsapi.Options{}, usageErr("--call-timeout must be more than 0")
	}
	o := awsapi.Options{Profile: f.profile, Region: f.region, EndpointURL: f.endpointURL, CallTimeout: f.callTimeout}
	if region != "" {
		o.Region = region
	}
	return o, nil
}

// config loads the AWS configuration; a configuration problem (no Region,
// an unknown profile) is a usage error.
func (f *awsFlags) config(ctx context.Context, region string) (aws.Config, error) {
	o, err := f.options(region)
	if err != nil {
		return aws.Config{}, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := awsapi.Load(ctx, o)
	if err != nil {
		return aws.Config{}, usageErr("%v", err)
	}
	return cfg, nil
}
