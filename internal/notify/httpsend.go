package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultHTTPTimeout bounds one webhook attempt.
const DefaultHTTPTimeout = 15 * time.Second

// hostOf is what an error may say about a secret URL: its scheme and host.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "[invalid URL]"
	}
	return u.Scheme + "://" + u.Host
}

// checkURL validates a webhook URL without ever quoting it.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("not an http(s) URL")
	}
	return nil
}

// post sends one JSON body and turns the answer into nil or a *SendError.
// Nothing it returns contains the URL beyond its host.
func post(ctx context.Context, hc *http.Client, rawURL string, body []byte, header http.Header) error {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	where := hostOf(rawURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return &SendError{Permanent: true, Msg: "building the request to " + where + " failed (invalid URL)"}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "kumoguard-notify")
	// Do not follow redirects: the body and signature are for this URL.
	client := *hc
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error quotes the whole URL; keep only what went wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &SendError{Msg: fmt.Sprintf("POST %s: %s", where, redactIn(err.Error(), rawURL))}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	se := &SendError{Status: resp.StatusCode}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusRequestTimeout:
	case resp.StatusCode >= 500:
	default:
		se.Permanent = true
	}
	se.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	msg := strings.Join(strings.Fields(string(snippet)), " ")
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	se.Msg = fmt.Sprintf("POST %s: HTTP %d", where, resp.StatusCode)
	if msg != "" {
		se.Msg += ": " + redactIn(msg, rawURL)
	}
	return se
}

// redactIn removes the URL and its path from s (a receiver may echo it).
func redactIn(s, rawURL string) string {
	if rawURL == "" {
		return s
	}
	s = strings.ReplaceAll(s, rawURL, "[redacted URL]")
	if u, err := url.Parse(rawURL); err == nil {
		if p := strings.Trim(u.EscapedPath(), "/"); len(p) >= 8 {
			s = strings.ReplaceAll(s, p, "[redacted]")
		}
		if q := u.RawQuery; len(q) >= 8 {
			s = strings.ReplaceAll(s, q, "[redacted]")
		}
	}
	return s
}

// retryAfter parses a Retry-After header: seconds or an HTTP date
// (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
