// Package upload sends an IaC scan report to a kumoguard service
// (`kumoguard scan iac … --upload URL`): one POST of the JSON report to
// URL/api/v1/uploads with a bearer token, stored by the service under the
// repository's name and commit.
//
// The token is a secret: it is sent only in the Authorization header and
// never appears in an error, even when the server echoes it back.
package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// TokenEnv is the environment variable the CLI reads the token from.
const TokenEnv = "KUMOGUARD_TOKEN"

// Path is the upload endpoint under the service's base URL.
const Path = "/api/v1/uploads"

// DefaultTimeout bounds one upload (connect, send, answer).
const DefaultTimeout = 60 * time.Second

// maxErrorBody bounds how much of an error answer is read and quoted.
const maxErrorBody = 4 << 10

// Request is the body of POST /api/v1/uploads. Report is the scan report
// exactly as `--format json` writes it.
type Request struct {
	Repository string          `json:"repository"`
	Commit     string          `json:"commit"`
	Branch     string          `json:"branch,omitempty"`
	Report     json.RawMessage `json:"report"`
}

// body encodes the request with the report's bytes as they are:
// json.Marshal would compact a RawMessage and escape its < > &, and the
// service is to receive the report exactly as --format json writes it.
func (r Request) body() ([]byte, error) {
	head, err := json.Marshal(struct {
		Repository string `json:"repository"`
		Commit     string `json:"commit"`
		Branch     string `json:"branch,omitempty"`
	}{r.Repository, r.Commit, r.Branch})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(head[:len(head)-1]) // without the closing brace
	b.WriteString(`,"report":`)
	b.Write(bytes.TrimSpace(r.Report))
	b.WriteString("}")
	return b.Bytes(), nil
}

// Response is the service's 201 answer: the upload's id, the scan it
// became and how many findings it holds.
type Response struct {
	ID       string `json:"id"`
	ScanID   string `json:"scan_id"`
	Findings int    `json:"findings"`
}

// UnmarshalJSON accepts ids as strings or numbers, and findings as a count
// or as the list of findings.
func (r *Response) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID       json.RawMessage `json:"id"`
		ScanID   json.RawMessage `json:"scan_id"`
		Findings json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	r.ID, r.ScanID = idString(raw.ID), idString(raw.ScanID)
	r.Findings = 0
	if len(raw.Findings) > 0 {
		var n int
		var list []json.RawMessage
		switch {
		case json.Unmarshal(raw.Findings, &n) == nil:
			r.Findings = n
		case json.Unmarshal(raw.Findings, &list) == nil:
			r.Findings = len(list)
		}
	}
	return nil
}

func idString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// Client uploads reports to one service.
type Client struct {
	// BaseURL is the service's base URL (https://kumoguard.example.com);
	// Path is appended.
	BaseURL string
	// Token is the bearer token (KUMOGUARD_TOKEN).
	Token string
	// HTTP is the client used; nil is a client with DefaultTimeout.
	HTTP *http.Client
}

// Error is an upload the service did not accept: its HTTP status and the
// message it gave (the token removed).
type Error struct {
	Status  int
	Message string
	URL     string // redacted
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("upload to %s: HTTP %d: %s", e.URL, e.Status, msg)
}

// Endpoint checks a base URL and returns the upload endpoint. The base
// must be an absolute http(s) URL without credentials, query or fragment.
func Endpoint(base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", fmt.Errorf("invalid upload URL: %v", redactErr(err, base))
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("invalid upload URL %q: expected the service's base URL, e.g. https://kumoguard.example.com", u.Redacted())
	}
	if u.User != nil {
		return "", fmt.Errorf("invalid upload URL %s: credentials do not belong in the URL; put the token in %s", u.Redacted(), TokenEnv)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid upload URL %s: expected no query or fragment", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/") + Path
	u.RawPath = ""
	return u.String(), nil
}

// Upload posts req and returns the service's answer. Any answer other than
// 201 Created is an *Error with the status and the server's message.
func (c *Client) Upload(ctx context.Context, req Request) (Response, error) {
	endpoint, err := Endpoint(c.BaseURL)
	if err != nil {
		return Response{}, err
	}
	if c.Token == "" {
		return Response{}, fmt.Errorf("no token: set %s to a token made by `kumoguard serve token create`", TokenEnv)
	}
	if len(req.Report) == 0 || !json.Valid(req.Report) {
		return Response{}, errors.New("upload: the report is not a JSON document")
	}
	body, err := req.body()
	if err != nil {
		return Response{}, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return Response{}, c.clean(err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("Authorization", "Bearer "+c.Token)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	resp, err := hc.Do(hreq)
	if err != nil {
		return Response{}, fmt.Errorf("upload to %s: %v", endpoint, c.clean(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return Response{}, &Error{Status: resp.StatusCode, Message: c.redact(serverMessage(b)), URL: endpoint}
	}
	var out Response
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return Response{}, fmt.Errorf("upload to %s: HTTP 201 but the answer is not the expected JSON: %v", endpoint, err)
	}
	return out, nil
}

// serverMessage takes the message out of an error answer: {"error":"…"},
// {"error":{"message":"…"}}, {"message":"…"}, or the text itself.
func serverMessage(b []byte) string {
	var doc struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  string          `json:"detail"`
	}
	if json.Unmarshal(b, &doc) == nil {
		var s string
		if json.Unmarshal(doc.Error, &s) == nil && s != "" {
			return s
		}
		var o struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(doc.Error, &o) == nil && o.Message != "" {
			return o.Message
		}
		if doc.Message != "" {
			return doc.Message
		}
		if doc.Detail != "" {
			return doc.Detail
		}
	}
	s := strings.TrimSpace(string(b))
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func (c *Client) redact(s string) string {
	if c.Token != "" {
		s = strings.ReplaceAll(s, c.Token, "[REDACTED]")
	}
	return s
}

func (c *Client) clean(err error) error { return errors.New(c.redact(err.Error())) }

func redactErr(err error, raw string) string {
	s := err.Error()
	if raw != "" {
		s = strings.ReplaceAll(s, raw, "[URL]")
	}
	return s
}
