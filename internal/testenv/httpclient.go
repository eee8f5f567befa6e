package testenv

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// HTTPClient returns the SDK HTTP client the tests use: the SDK's buildable
// client (AWS_CA_BUNDLE is set on this machine, and the SDK's config loader
// refuses a plain *http.Client with it), with request bodies that keep a
// closed body from tearing down the connection the response is read from.
//
// Why (the "use of closed network connection" flake): smithy-go closes the
// request body as soon as Client.Do returns, that is when the response
// headers have arrived. net/http's writeLoop, after sending ContentLength
// bytes, reads the body once more to detect a body longer than announced
// (net/http transfer.go, writeBody). The SDK's body wrapper exposes WriteTo,
// so io.Copy uses it, and once closed its WriteTo returns io.EOF as an error
// (smithy-go transport/http/internal/io/safe.go). The transport takes that
// for a failed request body and closes the connection while the
// deserializer is still reading the response body from it. Only a server
// that answers before the client's writeLoop is done can hit it: a loopback
// fake or moto, most often under -race. Hiding WriteTo makes io.Copy call
// Read, which reports a closed body as a clean io.EOF.
func HTTPClient() aws.HTTPClient {
	return ClosedBodySafe(awshttp.NewBuildableClient())
}

// ClosedBodySafe wraps an SDK HTTP client so that the request body handed
// to net/http does not expose io.WriterTo (see HTTPClient for why). Use it
// on an aws.Config after config.LoadDefaultConfig:
//
//	cfg.HTTPClient = testenv.ClosedBodySafe(cfg.HTTPClient)
func ClosedBodySafe(c aws.HTTPClient) aws.HTTPClient { return closedBodySafe{c} }

type closedBodySafe struct{ next aws.HTTPClient }

func (c closedBodySafe) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		if _, ok := r.Body.(io.WriterTo); ok {
			r = r.WithContext(r.Context()) // shallow copy: a client must not modify the caller's request
			r.Body = readOnlyBody{r.Body}
		}
	}
	return c.next.Do(r)
}

// readOnlyBody is an io.ReadCloser and nothing else.
type readOnlyBody struct{ io.ReadCloser }
