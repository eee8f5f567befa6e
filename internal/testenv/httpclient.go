package testenv

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/kumoguard/kumoguard/internal/awsapi"
)

// HTTPClient returns the SDK HTTP client the tests use, the one production
// uses (awsapi.Load): the SDK's buildable client (AWS_CA_BUNDLE is set on
// this machine, and the SDK's config loader refuses a plain *http.Client
// with it) wrapped by awsapi.ClosedBodySafe, without which calls to a
// loopback fake or moto intermittently fail with "use of closed network
// connection" (see ClosedBodySafe for the mechanism).
func HTTPClient() aws.HTTPClient {
	return awsapi.ClosedBodySafe(awshttp.NewBuildableClient())
}
