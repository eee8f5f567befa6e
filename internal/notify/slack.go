package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// Slack posts to a Slack incoming webhook: Block Kit blocks (a header, the
// message, the facts as fields, a link) with a plain-text fallback "text".
// https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks/
// https://docs.slack.dev/reference/block-kit/blocks/
type Slack struct {
	name string
	url  string
	lang string
	HTTP *http.Client
}

// NewSlack returns a Slack channel; url is the webhook URL (a secret).
func NewSlack(name, url, lang string) (*Slack, error) {
	if err := checkURL(url); err != nil {
		return nil, err
	}
	return &Slack{name: name, url: url, lang: lang}, nil
}

// Name implements Channel.
func (s *Slack) Name() string { return s.name }

// Send implements Channel.
func (s *Slack) Send(ctx context.Context, ev Event) error {
	body, err := json.Marshal(SlackPayload(ev, s.lang))
	if err != nil {
		return &SendError{Permanent: true, Msg: err.Error()}
	}
	return post(ctx, s.HTTP, s.url, body, nil)
}

// Slack limits: header text 150 characters, section text 3000, a field
// 2000, at most 10 fields.
const (
	slackHeaderMax  = 150
	slackSectionMax = 3000
	slackFieldMax   = 2000
	slackFieldsMax  = 10
)

// SlackPayload is the webhook body for ev in lang.
func SlackPayload(ev Event, lang string) map[string]any {
	head := title(ev).In(lang)
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": clip(head, slackHeaderMax), "emoji": true}},
	}
	if m := ev.Message.In(lang); m != "" {
		blocks = append(blocks, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": clip(slackEscape(m), slackSectionMax)}})
	}
	var fields []any
	for _, f := range facts(ev) {
		if len(fields) == slackFieldsMax {
			break
		}
		fields = append(fields, map[string]any{"type": "mrkdwn", "text": clip("*"+slackEscape(f.label.In(lang))+"*\n"+slackEscape(f.value), slackFieldMax)})
	}
	if len(fields) > 0 {
		blocks = append(blocks, map[string]any{"type": "section", "fields": fields})
	}
	if ev.Link != "" {
		label := "Open in kumoguard"
		if lang == "ja" {
			label = "kumoguard で開く"
		}
		blocks = append(blocks, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn",
			"text": "<" + slackEscape(ev.Link) + "|" + slackEscape(label) + ">"}})
	}
	return map[string]any{"text": clip(head, slackSectionMax), "blocks": blocks}
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
// https://docs.slack.dev/messaging/formatting-message-text/#escaping
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// clip cuts s to at most n characters (runes).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
