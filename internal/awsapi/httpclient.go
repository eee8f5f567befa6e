package awsapi

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ClosedBodySafe wraps an SDK HTTP client so that the request body handed
// to net/http does not expose io.WriterTo. Without it a fast endpoint
// (moto_server, a loopback fake, a local proxy) can make a call fail with
// "read tcp ...: use of closed network connection" while its response body
// is being read:
//
//   - smithy-go closes the request body as soon as http.Client.Do returns,
//     that is once the response headers have arrived
//     (smithy-go transport/http/client.go);
//   - net/http's writeLoop, after sending ContentLength bytes, reads the body
//     once more to detect a body longer than announced (net/http transfer.go,
//     transferWriter.writeBody);
//   - the SDK's body wrapper implements WriteTo, which io.Copy prefers, and
//     once closed its WriteTo returns io.EOF as an error
//     (smithy-go transport/http/internal/io/safe.go);
//   - the transport takes that for a failed request body and closes the
//     connection the response is still being read from.
//
// Hiding WriteTo makes io.Copy call Read, which reports a closed body as a
// clean io.EOF. The wrapper is applied after config.LoadDefaultConfig, which
// needs the *awshttp.BuildableClient itself for AWS_CA_BUNDLE.
func ClosedBodySafe(c aws.HTTPClient) aws.HTTPClient {
	if _, done := c.(closedBodySafe); done || c == nil {
		return c
	}
	return closedBodySafe{c}
}

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
