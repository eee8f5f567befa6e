package notify

import (
	"context"
	"encoding/json"
	"net/http"
)

// Teams posts to a Microsoft Teams Workflows webhook ("When a Teams webhook
// request is received" → post card in a chat or channel). Workflows accept
// Adaptive Cards only, wrapped in a message with one attachment of content
// type application/vnd.microsoft.card.adaptive; the old MessageCard format
// of Office 365 connectors is not supported.
// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
// https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference#adaptive-card
type Teams struct {
	name string
	url  string
	lang string
	HTTP *http.Client
}

// NewTeams returns a Teams channel; url is the workflow's webhook URL (a
// secret: its sig parameter authorizes the post).
func NewTeams(name, url, lang string) (*Teams, error) {
	if err := checkURL(url); err != nil {
		return nil, err
	}
	return &Teams{name: name, url: url, lang: lang}, nil
}

// Name implements Channel.
func (t *Teams) Name() string { return t.name }

// Send implements Channel.
func (t *Teams) Send(ctx context.Context, ev Event) error {
	body, err := json.Marshal(TeamsPayload(ev, t.lang))
	if err != nil {
		return &SendError{Permanent: true, Msg: err.Error()}
	}
	return post(ctx, t.HTTP, t.url, body, nil)
}

// adaptiveCardVersion is the schema version used; Teams renders up to 1.5
// on desktop and 1.4 everywhere, so 1.4.
const adaptiveCardVersion = "1.4"

// TeamsPayload is the workflow webhook body for ev in lang.
func TeamsPayload(ev Event, lang string) map[string]any {
	color := "Attention"
	if ev.Kind == KindResolved {
		color = "Good"
	} else if ev.Kind == KindSuppressionExpired || ev.Kind == KindDrillOverdue {
		color = "Warning"
	}
	body := []any{
		map[string]any{"type": "TextBlock", "text": title(ev).In(lang), "weight": "Bolder", "size": "Medium", "color": color, "wrap": true},
	}
	if m := ev.Message.In(lang); m != "" {
		body = append(body, map[string]any{"type": "TextBlock", "text": m, "wrap": true})
	}
	var fs []any
	for _, f := range facts(ev) {
		fs = append(fs, map[string]any{"title": f.label.In(lang), "value": f.value})
	}
	if len(fs) > 0 {
		body = append(body, map[string]any{"type": "FactSet", "facts": fs})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": adaptiveCardVersion,
		"body":    body,
		"msteams": map[string]any{"width": "Full"},
	}
	if ev.Link != "" {
		label := "Open in kumoguard"
		if lang == "ja" {
			label = "kumoguard で開く"
		}
		card["actions"] = []any{map[string]any{"type": "Action.OpenUrl", "title": label, "url": ev.Link}}
	}
	return map[string]any{
		"type": "message",
		"attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     card,
		}},
	}
}
