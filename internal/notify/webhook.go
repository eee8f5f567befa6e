package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers of the signed webhook.
const (
	HeaderTimestamp = "X-Kumoguard-Timestamp" // Unix seconds of the attempt
	HeaderSignature = "X-Kumoguard-Signature" // v1=<hex HMAC-SHA256>
	HeaderEvent     = "X-Kumoguard-Event"     // the event kind
	HeaderDelivery  = "X-Kumoguard-Delivery"  // the event ID (deduplicate on it)
)

// DefaultTolerance is how far a signed timestamp may be from the
// receiver's clock.
const DefaultTolerance = 5 * time.Minute

// Webhook posts the event as JSON to any URL, signed with HMAC-SHA256:
//
//	X-Kumoguard-Timestamp: 1767225600
//	X-Kumoguard-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))
//
// Each attempt is signed with its own timestamp. Receivers check it with
// VerifyWebhook, which rejects a wrong signature and a timestamp outside
// the tolerance (a replay of an old request); to reject a replay within the
// tolerance too, remember X-Kumoguard-Delivery for that long.
type Webhook struct {
	name   string
	url    string
	secret []byte
	lang   string
	HTTP   *http.Client
	now    func() time.Time
}

// NewWebhook returns a signed webhook channel.
func NewWebhook(name, url, secret, lang string) (*Webhook, error) {
	if err := checkURL(url); err != nil {
		return nil, err
	}
	if len(secret) < 16 {
		return nil, errors.New("the signing secret is shorter than 16 characters")
	}
	return &Webhook{name: name, url: url, secret: []byte(secret), lang: lang, now: time.Now}, nil
}

// Name implements Channel.
func (w *Webhook) Name() string { return w.name }

// WebhookBody is the JSON the generic webhook sends: the event, plus its
// headline and text in the channel's language.
type WebhookBody struct {
	Event
	Lang  string `json:"lang"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Send implements Channel.
func (w *Webhook) Send(ctx context.Context, ev Event) error {
	body, err := json.Marshal(WebhookBody{Event: ev, Lang: langOrEN(w.lang), Title: title(ev).In(w.lang), Text: ev.Message.In(w.lang)})
	if err != nil {
		return &SendError{Permanent: true, Msg: err.Error()}
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, "v1="+Sign(w.secret, ts, body))
	h.Set(HeaderEvent, string(ev.Kind))
	h.Set(HeaderDelivery, ev.ID)
	return post(ctx, w.HTTP, w.url, body, h)
}

func langOrEN(l string) string {
	if l == "ja" {
		return "ja"
	}
	return "en"
}

// Sign returns hex(HMAC-SHA256(secret, timestamp + "." + body)).
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of VerifyWebhook.
var (
	ErrNoSignature  = errors.New("webhook: missing or malformed " + HeaderTimestamp + " or " + HeaderSignature)
	ErrStale        = errors.New("webhook: timestamp outside the tolerance (stale or replayed request)")
	ErrBadSignature = errors.New("webhook: signature does not match")
)

// VerifyWebhook checks a request from the signed webhook: header holds its
// headers, body its exact bytes. It returns nil when a v1 signature matches
// HMAC-SHA256(secret, timestamp + "." + body) and the timestamp is within
// tolerance of now (either way; tolerance <= 0 takes DefaultTolerance).
// Several "v1=" values separated by commas are accepted (secret rotation).
// The comparison is constant-time.
func VerifyWebhook(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts := strings.TrimSpace(header.Get(HeaderTimestamp))
	sig := header.Get(HeaderSignature)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return ErrNoSignature
	}
	d := now.Sub(time.Unix(sec, 0))
	if d < 0 {
		d = -d
	}
	if d > tolerance {
		return ErrStale
	}
	want, _ := hex.DecodeString(Sign([]byte(secret), ts, body))
	found := false
	for _, part := range strings.Split(sig, ",") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), "v1=")
		if !ok {
			continue
		}
		found = true
		got, err := hex.DecodeString(v)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	if !found {
		return ErrNoSignature
	}
	return ErrBadSignature
}
