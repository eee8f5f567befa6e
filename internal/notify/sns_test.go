package notify

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kumoguard/kumoguard/internal/awsapi"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestMain(m *testing.M) { testenv.MotoMain(m) }

// SNS publish → SQS subscription → the message received from the queue is
// the event, as a subscriber sees it.
func TestSNSToSQS(t *testing.T) {
	moto := testenv.SharedMoto(t)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	const region = "ap-northeast-1"
	cfg, err := awsapi.Configure(testenv.Config(moto.URL, region), awsapi.Options{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("kg-notify-%d", time.Now().UnixNano())
	snsc, sqsc := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	qa, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(qa.Attributes["QueueArn"])}); err != nil {
		t.Fatal(err)
	}

	// The production path: clients from the AWS layer, Region from the ARN.
	testenv.SetFakeCredentials(t)
	routes, err := Build(ctx, []ChannelConfig{{Name: "pager", Type: "sns", TopicARN: *topic.TopicArn, Lang: "ja"}},
		Env{SNS: SNSFromAWS(awsapi.Options{EndpointURL: moto.URL, MaxAttempts: 1})})
	if err != nil {
		t.Fatal(err)
	}
	log := NewMemoryLog()
	ev := sampleEvent()
	d := NewDispatcher(log, routes, Options{Sleep: (&sleeps{}).sleep})
	for i := 0; i < 2; i++ { // the second is deduplicated
		if _, err := d.Dispatch(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}

	var bodies []string
	for i := 0; i < 3 && len(bodies) < 2; i++ {
		out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			bodies = append(bodies, *m.Body)
		}
	}
	if len(bodies) != 1 {
		t.Fatalf("%d messages in the queue, want 1", len(bodies))
	}
	var envelope struct {
		Type, TopicArn, Subject, Message string
		MessageAttributes                map[string]struct{ Type, Value string }
	}
	if err := json.Unmarshal([]byte(bodies[0]), &envelope); err != nil {
		t.Fatalf("SNS envelope: %v\n%s", err, bodies[0])
	}
	if envelope.Type != "Notification" || envelope.TopicArn != *topic.TopicArn {
		t.Errorf("envelope %+v", envelope)
	}
	if envelope.Subject != "新たな FAIL：arn:aws:rds:ap-northeast-1:123456789012:cluster:orders の KG-BT-001" {
		t.Errorf("subject %q", envelope.Subject)
	}
	if a := envelope.MessageAttributes["kind"]; a.Value != "new_fail" {
		t.Errorf("attribute kind = %+v", a)
	}
	// The SQS subscriber gets the event's JSON (the "sqs" key of the
	// message structure).
	var got WebhookBody
	if err := json.Unmarshal([]byte(envelope.Message), &got); err != nil {
		t.Fatalf("message is not the event JSON: %v\n%s", err, envelope.Message)
	}
	if got.ID != ev.ID || got.Rule != "KG-BT-001" || got.Lang != "ja" || got.Text != "orders でバックトラックが無効です。" {
		t.Errorf("event %+v", got)
	}
	if dl := log.Deliveries(); len(dl) != 1 || dl[0].Status != DeliveryDelivered || dl[0].Attempts != 1 {
		t.Errorf("deliveries %+v", dl)
	}
}

func TestSNSMissingTopicIsPermanent(t *testing.T) {
	moto := testenv.SharedMoto(t)
	ctx := testenv.WithTimeout(t, 30*time.Second)
	cfg, _ := awsapi.Configure(testenv.Config(moto.URL, "us-east-1"), awsapi.Options{MaxAttempts: 1})
	ch, err := NewSNS("pager", "arn:aws:sns:us-east-1:123456789012:does-not-exist", "en", sns.NewFromConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	log := NewMemoryLog()
	_, err = NewDispatcher(log, []Route{{Channel: ch}}, Options{Sleep: (&sleeps{}).sleep}).Dispatch(ctx, sampleEvent())
	if err == nil {
		t.Fatal("publishing to a missing topic succeeded")
	}
	if d := log.Deliveries()[0]; d.Status != DeliveryFailed || d.Attempts != 1 {
		t.Errorf("stored %+v, want failed after 1 attempt (NotFound is permanent)", d)
	}
}
