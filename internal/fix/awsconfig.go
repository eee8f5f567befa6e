package fix

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// AWSOptions say how to reach AWS for runbooks and migrations.
type AWSOptions struct {
	Profile     string // shared config profile; "" = the standard chain
	Region      string // "" = from the profile or environment
	EndpointURL string // every call goes here (moto_server, LocalStack)
}

// LoadAWSConfig loads the SDK configuration from the standard credential
// chain. Credentials are never logged or printed.
func LoadAWSConfig(ctx context.Context, o AWSOptions) (aws.Config, error) {
	var lo []func(*config.LoadOptions) error
	if o.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		lo = append(lo, config.WithRegion(o.Region))
	}
	// AWS_CA_BUNDLE needs a buildable client (a plain *http.Client fails).
	lo = append(lo, config.WithHTTPClient(awshttp.NewBuildableClient()))
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if o.EndpointURL != "" {
		cfg.BaseEndpoint = aws.String(o.EndpointURL)
	}
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("no AWS Region: pass --region or set AWS_REGION")
	}
	return cfg, nil
}
