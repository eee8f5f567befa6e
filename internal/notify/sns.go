package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/kumoguard/kumoguard/internal/awsapi"
)

// SNSPublisher is the part of the SNS client the channel uses.
type SNSPublisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SNS publishes to an Amazon SNS topic. The message is the event's text in
// the channel's language for email and SMS subscribers and the event's JSON
// (WebhookBody) for SQS, Lambda and HTTP(S) subscribers (MessageStructure
// json); message attributes kind, rule, severity and event_id allow
// subscription filter policies.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
type SNS struct {
	name     string
	topicARN string
	lang     string
	client   SNSPublisher
}

// NewSNS returns an SNS channel publishing with client (made from the
// service's awsapi configuration in the topic's Region).
func NewSNS(name, topicARN, lang string, client SNSPublisher) (*SNS, error) {
	if _, err := TopicRegion(topicARN); err != nil {
		return nil, err
	}
	if client == nil {
		return nil, errors.New("no SNS client")
	}
	return &SNS{name: name, topicARN: topicARN, lang: lang, client: client}, nil
}

// TopicRegion returns the Region of an SNS topic ARN.
func TopicRegion(topicARN string) (string, error) {
	a, err := arn.Parse(topicARN)
	if err != nil || a.Service != "sns" || a.Region == "" || a.Resource == "" {
		return "", fmt.Errorf("topic_arn %q is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)", topicARN)
	}
	return a.Region, nil
}

// Name implements Channel.
func (s *SNS) Name() string { return s.name }

// snsSubjectMax: subjects are UTF-8 "less than 100 characters long",
// without line breaks or control characters (API_Publish); counted in
// bytes here, so a Japanese subject is safe too.
const snsSubjectMax = 99

// Send implements Channel.
func (s *SNS) Send(ctx context.Context, ev Event) error {
	in, err := SNSInput(ev, s.topicARN, s.lang)
	if err != nil {
		return &SendError{Permanent: true, Msg: err.Error()}
	}
	_, err = s.client.Publish(ctx, in)
	if err == nil {
		return nil
	}
	se := &SendError{Msg: "SNS Publish to " + s.topicARN + ": " + err.Error()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NotFound", "AuthorizationError", "InvalidParameter", "InvalidParameterValue", "KMSDisabled", "KMSNotFound", "KMSAccessDenied", "EndpointDisabled":
			se.Permanent = true
		}
	}
	return se
}

// SNSInput is the Publish request for ev.
func SNSInput(ev Event, topicARN, lang string) (*sns.PublishInput, error) {
	text := plainText(ev, lang)
	doc, err := json.Marshal(WebhookBody{Event: ev, Lang: langOrEN(lang), Title: title(ev).In(lang), Text: ev.Message.In(lang)})
	if err != nil {
		return nil, err
	}
	msg, err := json.Marshal(map[string]string{
		"default": text, "email": text, "sms": clip(title(ev).In(lang), 140),
		"sqs": string(doc), "lambda": string(doc), "http": string(doc), "https": string(doc), "firehose": string(doc),
	})
	if err != nil {
		return nil, err
	}
	subject := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, title(ev).In(lang))
	attrs := map[string]types.MessageAttributeValue{}
	for k, v := range map[string]string{"kind": string(ev.Kind), "rule": ev.Rule, "severity": string(ev.Severity), "event_id": ev.ID} {
		if v != "" {
			attrs[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
		}
	}
	return &sns.PublishInput{
		TopicArn:          aws.String(topicARN),
		Subject:           aws.String(clipBytes(subject, snsSubjectMax)),
		Message:           aws.String(string(msg)),
		MessageStructure:  aws.String("json"),
		MessageAttributes: attrs,
	}, nil
}

// clipBytes cuts s to at most n bytes on a character boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	cut := n - len(ell)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

// SNSFromAWS returns an Env.SNS that builds clients through the project's
// AWS layer (credentials chain, endpoint override, retries, call timeout),
// one per Region, with o's profile and endpoint.
func SNSFromAWS(o awsapi.Options) func(ctx context.Context, region string) (SNSPublisher, error) {
	return func(ctx context.Context, region string) (SNSPublisher, error) {
		o := o
		o.Region = region
		cfg, err := awsapi.Load(ctx, o)
		if err != nil {
			return nil, err
		}
		return sns.NewFromConfig(cfg), nil
	}
}
