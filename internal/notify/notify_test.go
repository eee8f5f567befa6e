package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// receiver is a real HTTP endpoint that records requests and answers with
// the scripted statuses in order (the last one repeats).
type receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	answers []answer
}

type recorded struct {
	header http.Header
	body   []byte
	path   string
}

type answer struct {
	status int
	header map[string]string
	body   string
}

func newReceiver(t *testing.T, answers ...answer) *receiver {
	t.Helper()
	if len(answers) == 0 {
		answers = []answer{{status: 200, body: "ok"}}
	}
	r := &receiver{answers: answers}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		n := len(r.reqs)
		r.reqs = append(r.reqs, recorded{req.Header.Clone(), b, req.URL.Path})
		a := r.answers[min(n, len(r.answers)-1)]
		r.mu.Unlock()
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// A secret-looking path, as Slack and Teams URLs have.
const secretPath = "/services/T000/B000/XXXXsecretXXXXtoken"

func sampleEvent() Event {
	return Event{
		ID:       EventID(KindNewFail, "sha256:abc", "scan-1"),
		Kind:     KindNewFail,
		Time:     time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC),
		Rule:     "KG-BT-001",
		Status:   model.StatusFail,
		Severity: model.SeverityHigh,
		Cluster:  "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders",
		Account:  "123456789012",
		Region:   "ap-northeast-1",
		Source:   "aws",
		Message:  model.T("Backtracking is disabled on <orders> & friends.", "orders でバックトラックが無効です。"),
		Link:     "https://kumoguard.example.com/findings/42",
	}
}

// recordSleeps replaces waiting: the test asserts the waits, it never
// sleeps.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return nil
}

func dispatcher(log DeliveryLog, s *sleeps, routes ...Route) *Dispatcher {
	return NewDispatcher(log, routes, Options{Sleep: s.sleep, MaxAttempts: 4})
}

func TestSlackPayload(t *testing.T) {
	rcv := newReceiver(t)
	ch, err := NewSlack("slack", rcv.srv.URL+secretPath, "en")
	if err != nil {
		t.Fatal(err)
	}
	d := dispatcher(NewMemoryLog(), &sleeps{}, Route{Channel: ch})
	if _, err := d.Dispatch(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.requests()
	if len(reqs) != 1 || reqs[0].path != secretPath {
		t.Fatalf("requests: %+v", reqs)
	}
	if ct := reqs[0].header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var p struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type, Text string
			} `json:"text"`
			Fields []struct{ Type, Text string } `json:"fields"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(reqs[0].body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Text != "New FAIL: KG-BT-001 on arn:aws:rds:ap-northeast-1:123456789012:cluster:orders" {
		t.Errorf("fallback text %q", p.Text)
	}
	if len(p.Blocks) != 4 || p.Blocks[0].Type != "header" || p.Blocks[0].Text.Type != "plain_text" {
		t.Fatalf("blocks: %s", reqs[0].body)
	}
	if got := p.Blocks[1].Text.Text; got != "Backtracking is disabled on &lt;orders&gt; &amp; friends." || p.Blocks[1].Text.Type != "mrkdwn" {
		t.Errorf("message block %q (mrkdwn must be escaped)", got)
	}
	if len(p.Blocks[2].Fields) == 0 || p.Blocks[2].Fields[0].Text != "*Rule*\nKG-BT-001" {
		t.Errorf("fields: %+v", p.Blocks[2].Fields)
	}
	if !strings.Contains(p.Blocks[3].Text.Text, "<https://kumoguard.example.com/findings/42|") {
		t.Errorf("link block %q", p.Blocks[3].Text.Text)
	}
}

func TestTeamsPayloadJapanese(t *testing.T) {
	rcv := newReceiver(t, answer{status: 202})
	ch, err := NewTeams("teams", rcv.srv.URL+"/workflows/abc?sig=SECRETSIGNATURE", "ja")
	if err != nil {
		t.Fatal(err)
	}
	dels, err := dispatcher(NewMemoryLog(), &sleeps{}, Route{Channel: ch}).Dispatch(context.Background(), sampleEvent())
	if err != nil || len(dels) != 1 || dels[0].Status != DeliveryDelivered {
		t.Fatalf("deliveries %+v, %v (202 Accepted is success)", dels, err)
	}
	var p struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			ContentURL  *string         `json:"contentUrl"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	body := rcv.requests()[0].body
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != "message" || len(p.Attachments) != 1 || p.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" || p.Attachments[0].ContentURL != nil {
		t.Fatalf("envelope: %s", body)
	}
	var card struct {
		Schema  string `json:"$schema"`
		Type    string `json:"type"`
		Version string `json:"version"`
		Body    []struct {
			Type  string                          `json:"type"`
			Text  string                          `json:"text"`
			Facts []struct{ Title, Value string } `json:"facts"`
		} `json:"body"`
		Actions []struct{ Type, Title, URL string } `json:"actions"`
	}
	if err := json.Unmarshal(p.Attachments[0].Content, &card); err != nil {
		t.Fatal(err)
	}
	if card.Type != "AdaptiveCard" || card.Version != "1.4" || card.Schema == "" {
		t.Errorf("card header: %+v", card)
	}
	if len(card.Body) != 3 || card.Body[0].Text != "新たな FAIL：arn:aws:rds:ap-northeast-1:123456789012:cluster:orders の KG-BT-001" ||
		card.Body[1].Text != "orders でバックトラックが無効です。" || card.Body[2].Type != "FactSet" || card.Body[2].Facts[0].Title != "ルール" {
		t.Errorf("card body: %s", p.Attachments[0].Content)
	}
	if len(card.Actions) != 1 || card.Actions[0].Type != "Action.OpenUrl" || card.Actions[0].URL != "https://kumoguard.example.com/findings/42" {
		t.Errorf("actions: %+v", card.Actions)
	}
}

const signingSecret = "whsec_0123456789abcdef"

func TestWebhookSignedAndVerified(t *testing.T) {
	rcv := newReceiver(t, answer{status: 204})
	ch, err := NewWebhook("siem", rcv.srv.URL+"/hook", signingSecret, "en")
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Unix(1796000000, 0)
	ch.now = func() time.Time { return sent }
	ev := sampleEvent()
	if _, err := dispatcher(NewMemoryLog(), &sleeps{}, Route{Channel: ch}).Dispatch(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	req := rcv.requests()[0]
	var got WebhookBody
	if err := json.Unmarshal(req.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != ev.ID || got.Kind != KindNewFail || got.Message != ev.Message || got.Lang != "en" || got.Title == "" || got.Severity != model.SeverityHigh {
		t.Errorf("body: %s", req.body)
	}
	if req.header.Get(HeaderDelivery) != ev.ID || req.header.Get(HeaderEvent) != "new_fail" || req.header.Get(HeaderTimestamp) != "1796000000" {
		t.Errorf("headers: %v", req.header)
	}
	if !strings.HasPrefix(req.header.Get(HeaderSignature), "v1=") {
		t.Errorf("signature header %q", req.header.Get(HeaderSignature))
	}

	tampered := append([]byte(nil), req.body...)
	tampered[len(tampered)-2] ^= 1
	badSig := req.header.Clone()
	badSig.Set(HeaderSignature, "v1="+strings.Repeat("0", 64))
	rotated := req.header.Clone()
	rotated.Set(HeaderSignature, "v1="+strings.Repeat("ab", 32)+", "+req.header.Get(HeaderSignature))
	noSig := req.header.Clone()
	noSig.Del(HeaderSignature)
	for _, tc := range []struct {
		name   string
		secret string
		header http.Header
		body   []byte
		now    time.Time
		want   error
	}{
		{"as sent", signingSecret, req.header, req.body, sent.Add(30 * time.Second), nil},
		{"rotated secrets, one matches", signingSecret, rotated, req.body, sent, nil},
		{"replayed after 6 minutes", signingSecret, req.header, req.body, sent.Add(6 * time.Minute), ErrStale},
		{"timestamp from the future", signingSecret, req.header, req.body, sent.Add(-6 * time.Minute), ErrStale},
		{"tampered body", signingSecret, req.header, tampered, sent, ErrBadSignature},
		{"forged signature", signingSecret, badSig, req.body, sent, ErrBadSignature},
		{"wrong secret", "another-secret-value", req.header, req.body, sent, ErrBadSignature},
		{"no signature", signingSecret, noSig, req.body, sent, ErrNoSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := VerifyWebhook(tc.secret, tc.header, tc.body, tc.now, 5*time.Minute); !errors.Is(err, tc.want) {
				t.Errorf("VerifyWebhook = %v, want %v", err, tc.want)
			}
		})
	}
}

// A receiver built the way the README tells users to: it rejects a
// request replayed later with a changed timestamp header.
func TestWebhookReplayWithNewTimestampRejected(t *testing.T) {
	rcv := newReceiver(t)
	ch, _ := NewWebhook("siem", rcv.srv.URL, signingSecret, "en")
	sent := time.Unix(1796000000, 0)
	ch.now = func() time.Time { return sent }
	if err := ch.Send(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	req := rcv.requests()[0]
	h := req.header.Clone()
	h.Set(HeaderTimestamp, "1796000600") // the attacker freshens the timestamp
	if err := VerifyWebhook(signingSecret, h, req.body, sent.Add(10*time.Minute), 0); !errors.Is(err, ErrBadSignature) {
		t.Errorf("freshened replay: %v, want ErrBadSignature", err)
	}
}

func TestRetryThenSuccess(t *testing.T) {
	rcv := newReceiver(t, answer{status: 500, body: "boom"}, answer{status: 503}, answer{status: 200})
	ch, _ := NewSlack("slack", rcv.srv.URL+secretPath, "en")
	s := &sleeps{}
	log := NewMemoryLog()
	dels, err := dispatcher(log, s, Route{Channel: ch}).Dispatch(context.Background(), sampleEvent())
	if err != nil {
		t.Fatal(err)
	}
	if len(rcv.requests()) != 3 || len(s.d) != 2 {
		t.Fatalf("%d requests, %d waits; want 3 and 2", len(rcv.requests()), len(s.d))
	}
	// Full jitter: the n-th wait is in (0, base·2^(n-1)].
	for i, d := range s.d {
		if ceil := time.Second << i; d <= 0 || d > ceil {
			t.Errorf("wait %d = %v, want in (0, %v]", i+1, d, ceil)
		}
	}
	stored := log.Deliveries()
	if len(stored) != 1 || stored[0].Status != DeliveryDelivered || stored[0].Attempts != 3 || stored[0].LastError != "" || dels[0].Attempts != 3 {
		t.Errorf("stored %+v", stored)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	rcv := newReceiver(t, answer{status: 429, header: map[string]string{"Retry-After": "7"}, body: "rate_limited"}, answer{status: 200})
	ch, _ := NewSlack("slack", rcv.srv.URL+secretPath, "en")
	s := &sleeps{}
	if _, err := dispatcher(NewMemoryLog(), s, Route{Channel: ch}).Dispatch(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	if len(s.d) != 1 || s.d[0] != 7*time.Second {
		t.Errorf("waits %v, want [7s] from Retry-After", s.d)
	}
}

func TestFailuresStoredWithoutSecrets(t *testing.T) {
	for _, tc := range []struct {
		name     string
		answers  []answer
		requests int
		attempts int
	}{
		// The receiver echoes the URL path, as some proxies do.
		{"permanent 404: no retry", []answer{{status: 404, body: "no_service " + secretPath}}, 1, 1},
		{"500 every time: bounded", []answer{{status: 500, body: "error at " + secretPath}}, 4, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rcv := newReceiver(t, tc.answers...)
			url := rcv.srv.URL + secretPath
			ch, _ := NewSlack("slack", url, "en")
			log := NewMemoryLog()
			_, err := dispatcher(log, &sleeps{}, Route{Channel: ch}).Dispatch(context.Background(), sampleEvent())
			if err == nil {
				t.Fatal("no error")
			}
			if n := len(rcv.requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
			d := log.Deliveries()[0]
			if d.Status != DeliveryFailed || d.Attempts != tc.attempts || !strings.Contains(d.LastError, "HTTP") {
				t.Errorf("stored %+v", d)
			}
			for _, s := range []string{err.Error(), d.LastError} {
				if strings.Contains(s, "XXXXsecretXXXX") {
					t.Errorf("secret URL in %q", s)
				}
			}
			if !strings.Contains(d.LastError, rcv.srv.URL) {
				t.Errorf("the error should name the host: %q", d.LastError)
			}
		})
	}
}

func TestConnectionErrorRedacted(t *testing.T) {
	rcv := newReceiver(t)
	url := rcv.srv.URL + secretPath
	rcv.srv.Close() // nothing listens any more
	ch, _ := NewTeams("teams", url, "en")
	err := ch.Send(context.Background(), sampleEvent())
	if err == nil || strings.Contains(err.Error(), "XXXXsecretXXXX") {
		t.Errorf("error %v: want a failure without the URL path", err)
	}
}

func TestDeduplicated(t *testing.T) {
	rcv := newReceiver(t)
	ch, _ := NewSlack("slack", rcv.srv.URL+secretPath, "en")
	log := NewMemoryLog()
	d := dispatcher(log, &sleeps{}, Route{Channel: ch})
	ev := sampleEvent()
	for i := 0; i < 2; i++ {
		if _, err := d.Dispatch(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	// Concurrently, from two dispatchers sharing the log (two workers).
	d2 := dispatcher(log, &sleeps{}, Route{Channel: ch})
	var wg sync.WaitGroup
	for _, x := range []*Dispatcher{d, d2} {
		wg.Add(1)
		go func() { defer wg.Done(); x.Dispatch(context.Background(), ev) }()
	}
	wg.Wait()
	if n := len(rcv.requests()); n != 1 {
		t.Errorf("%d deliveries of one event, want 1", n)
	}
	// Another scan's event is another delivery.
	ev2 := ev
	ev2.ID = EventID(KindNewFail, "sha256:abc", "scan-2")
	d.Dispatch(context.Background(), ev2)
	if n := len(rcv.requests()); n != 2 {
		t.Errorf("%d deliveries after a second event, want 2", n)
	}
}

func TestFailedDeliveryRetriedOnNextDispatch(t *testing.T) {
	rcv := newReceiver(t, answer{status: 500}, answer{status: 500}, answer{status: 200})
	ch, _ := NewSlack("slack", rcv.srv.URL, "en")
	log := NewMemoryLog()
	d := NewDispatcher(log, []Route{{Channel: ch}}, Options{Sleep: (&sleeps{}).sleep, MaxAttempts: 2})
	if _, err := d.Dispatch(context.Background(), sampleEvent()); err == nil {
		t.Fatal("first dispatch should fail after 2 attempts")
	}
	if _, err := d.Dispatch(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	if got := log.Deliveries()[0]; got.Status != DeliveryDelivered || got.Attempts != 3 {
		t.Errorf("stored %+v, want delivered after 3 attempts", got)
	}
}

func TestFilter(t *testing.T) {
	ev := sampleEvent() // new_fail, KG-BT-001, HIGH
	noSev := ev
	noSev.Severity = ""
	for _, tc := range []struct {
		name string
		f    Filter
		ev   Event
		want bool
	}{
		{"empty", Filter{}, ev, true},
		{"kind in", Filter{Kinds: []Kind{KindResolved, KindNewFail}}, ev, true},
		{"kind out", Filter{Kinds: []Kind{KindResolved}}, ev, false},
		{"rule out", Filter{Rules: []string{"KG-BT-004"}}, ev, false},
		{"severity at", Filter{MinSeverity: model.SeverityHigh}, ev, true},
		{"severity below", Filter{MinSeverity: model.SeverityCritical}, ev, false},
		{"no severity passes", Filter{MinSeverity: model.SeverityCritical}, noSev, true},
	} {
		if got := tc.f.Match(tc.ev); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
		}
	}
	// A filtered-out channel receives nothing.
	rcv := newReceiver(t)
	ch, _ := NewSlack("slack", rcv.srv.URL, "en")
	dels, _ := dispatcher(NewMemoryLog(), &sleeps{}, Route{Channel: ch, Filter: Filter{Kinds: []Kind{KindDrillOverdue}}}).Dispatch(context.Background(), ev)
	if len(dels) != 0 || len(rcv.requests()) != 0 {
		t.Errorf("filtered channel got %d deliveries, %d requests", len(dels), len(rcv.requests()))
	}
}

func TestConfig(t *testing.T) {
	env := map[string]string{"KG_SLACK": "https://hooks.slack.com/services/T/B/secretsecret", "KG_HOOK": "https://siem.example.com/in", "KG_SECRET": signingSecret}
	getenv := func(k string) string { return env[k] }
	good := []ChannelConfig{
		{Name: "slack", Type: "slack", URLEnv: "KG_SLACK", Lang: "ja", Kinds: []string{"new-fail"}, MinSeverity: "high"},
		{Name: "siem", Type: "webhook", URLEnv: "KG_HOOK", SecretEnv: "KG_SECRET"},
	}
	routes, err := Build(context.Background(), good, Env{Getenv: getenv})
	if err != nil || len(routes) != 2 {
		t.Fatalf("Build: %d routes, %v", len(routes), err)
	}
	if f := routes[0].Filter; len(f.Kinds) != 1 || f.Kinds[0] != KindNewFail || f.MinSeverity != model.SeverityHigh {
		t.Errorf("filter %+v", f)
	}
	for _, tc := range []struct {
		name string
		cfg  ChannelConfig
		want string
	}{
		{"url in the file", ChannelConfig{Name: "a", Type: "slack", URLEnv: "KG_SLACK", URL: "https://hooks.slack.com/services/T/B/inline"}, "does not belong in the file"},
		{"unknown type", ChannelConfig{Name: "a", Type: "email"}, `type "email"`},
		{"webhook without secret", ChannelConfig{Name: "a", Type: "webhook", URLEnv: "KG_HOOK"}, "secret_env"},
		{"bad topic", ChannelConfig{Name: "a", Type: "sns", TopicARN: "arn:aws:sqs:us-east-1:1:q"}, "not an SNS topic ARN"},
		{"unset variable", ChannelConfig{Name: "a", Type: "teams", URLEnv: "KG_MISSING"}, "KG_MISSING"},
		{"bad kind", ChannelConfig{Name: "a", Type: "slack", URLEnv: "KG_SLACK", Kinds: []string{"everything"}}, "unknown notification kind"},
		{"bad lang", ChannelConfig{Name: "a", Type: "slack", URLEnv: "KG_SLACK", Lang: "fr"}, "lang"},
	} {
		_, err := Build(context.Background(), []ChannelConfig{tc.cfg}, Env{Getenv: getenv})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), "secretsecret") || strings.Contains(err.Error(), "inline")) {
			t.Errorf("%s: error shows a secret: %v", tc.name, err)
		}
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Thu, 03 Dec 2026 00:01:00 GMT": time.Minute,
	} {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestClipBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 99, "short"},
		{"abcdefghij", 8, "abcde…"},
		{"新たな障害", 8, "新…"}, // 3-byte runes: never cut in the middle of one
	} {
		if got := clipBytes(tc.in, tc.n); got != tc.want || len(got) > tc.n {
			t.Errorf("clipBytes(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// The dispatcher's log lines name the channel and the host, never the
// secret part of a URL.
func TestLogsWithoutSecrets(t *testing.T) {
	rcv := newReceiver(t, answer{status: 500, body: "failed " + secretPath}, answer{status: 200})
	ch, _ := NewSlack("slack", rcv.srv.URL+secretPath, "en")
	var buf strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), nil))
	d := NewDispatcher(NewMemoryLog(), []Route{{Channel: ch}}, Options{Sleep: (&sleeps{}).sleep, Logger: logger})
	if _, err := d.Dispatch(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "notification attempt failed") || !strings.Contains(out, "notification delivered") {
		t.Errorf("log lacks the attempt and the outcome:\n%s", out)
	}
	if strings.Contains(out, "XXXXsecretXXXX") {
		t.Errorf("log shows the secret URL:\n%s", out)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
