package testenv

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/awsapi"
)

type recordingClient struct{ got *http.Request }

func (c *recordingClient) Do(r *http.Request) (*http.Response, error) {
	c.got = r
	return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
}

// The body net/http sees must not offer WriteTo (see awsapi.ClosedBodySafe;
// http.NoBody passes as it is), and the caller's request must be left as it
// was.
func TestClosedBodySafeHidesWriteTo(t *testing.T) {
	tests := []struct {
		name string
		body io.ReadCloser
	}{
		{"WriterTo body", io.NopCloser(bytes.NewReader([]byte("Action=DescribeDBClusters")))},
		{"plain body", io.NopCloser(strings.NewReader("x"))},
		{"no body", http.NoBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingClient{}
			req, err := http.NewRequest("POST", "http://127.0.0.1:1/", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			req.Body = tt.body
			if _, err := awsapi.ClosedBodySafe(rec).Do(req); err != nil {
				t.Fatal(err)
			}
			if _, ok := rec.got.Body.(io.WriterTo); ok && tt.body != http.NoBody {
				t.Errorf("the body passed on implements io.WriterTo (%T)", rec.got.Body)
			}
			if req.Body != tt.body {
				t.Errorf("the caller's request was modified")
			}
			if tt.body != http.NoBody {
				b, _ := io.ReadAll(rec.got.Body)
				if len(b) == 0 {
					t.Errorf("the body passed on lost its content")
				}
			}
		})
	}
}
