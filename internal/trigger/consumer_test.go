package trigger

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kumoguard/kumoguard/internal/awsapi"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

func TestMain(m *testing.M) { testenv.MotoMain(m) }

func sqsClient(t *testing.T) *sqs.Client {
	t.Helper()
	moto := testenv.SharedMoto(t)
	cfg, err := awsapi.Configure(testenv.Config(moto.URL, "ap-northeast-1"), awsapi.Options{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return sqs.NewFromConfig(cfg)
}

func newQueue(t *testing.T, ctx context.Context, c *sqs.Client, attrs map[string]string) (url, arn string) {
	t.Helper()
	name := fmt.Sprintf("kg-trigger-%d", time.Now().UnixNano())
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	return *q.QueueUrl, a.Attributes["QueueArn"]
}

func send(t *testing.T, ctx context.Context, c *sqs.Client, url string, bodies ...[]byte) {
	t.Helper()
	for _, b := range bodies {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(string(b))}); err != nil {
			t.Fatal(err)
		}
	}
}

// inQueue counts the queue's messages, visible or in flight.
func inQueue(t *testing.T, ctx context.Context, c *sqs.Client, url string) int {
	t.Helper()
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{
		types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	n1, _ := strconv.Atoi(a.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)])
	n2, _ := strconv.Atoi(a.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return n1 + n2
}

// pollUntil polls once at a time until done() or 20 polls.
func pollUntil(t *testing.T, ctx context.Context, c *Consumer, done func() bool) {
	t.Helper()
	for i := 0; i < 20 && !done(); i++ {
		if _, err := c.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if !done() {
		t.Fatalf("not done after 20 polls: %s", c.Stats())
	}
}

type collected struct {
	mu   sync.Mutex
	reqs []ScanRequest
}

func (c *collected) handle(_ context.Context, r ScanRequest) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, r)
	return nil
}

func (c *collected) clusters() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.reqs {
		out = append(out, r.Region+"/"+r.ClusterID+r.InstanceID)
	}
	sort.Strings(out)
	return out
}

// Real EventBridge-shaped events through a real SQS queue (moto): relevant
// ones reach the handler and are deleted, irrelevant ones are deleted,
// malformed ones stay for the dead-letter queue and do not stop the
// consumer.
func TestConsumerHandlesQueue(t *testing.T) {
	c := sqsClient(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	url, _ := newQueue(t, ctx, c, nil)
	send(t, ctx, c, url,
		[]byte("not json at all"),
		sample(t, "cluster-created.json"),
		sample(t, "cluster-patched.json"),
		[]byte(`{"detail-type":"RDS DB Cluster Event","source":"aws.rds"}`),
		sample(t, "cloudtrail-create-db-cluster.json"),
		sample(t, "cloudtrail-modify-denied.json"),
		sample(t, "cloudtrail-restore-pitr.json"),
		sample(t, "instance-created.json"),
		sample(t, "instance-failover.json"),
	)
	got := &collected{}
	con := &Consumer{Client: c, QueueURL: url, Handler: got.handle, Concurrency: 3, WaitTime: time.Second, VisibilityTimeout: 30 * time.Second}
	st := con.Stats()
	pollUntil(t, ctx, con, func() bool { return st.Received.Load() >= 9 })
	want := []string{"ap-northeast-1/orders", "ap-northeast-1/orders", "ap-northeast-1/orders-instance-1", "eu-west-1/billing-restored"}
	if g := got.clusters(); fmt.Sprint(g) != fmt.Sprint(want) {
		t.Errorf("scan requests %v, want %v", g, want)
	}
	if st.Handled.Load() != 4 || st.Ignored.Load() != 3 || st.Malformed.Load() != 2 || st.Failed.Load() != 0 || st.Errors.Load() != 0 {
		t.Errorf("stats: %s", st)
	}
	// Only the two malformed messages are left (in flight, for the DLQ).
	if n := inQueue(t, ctx, c, url); n != 2 {
		t.Errorf("%d messages left in the queue, want the 2 malformed", n)
	}
}

func TestConsumerLeavesFailedMessages(t *testing.T) {
	c := sqsClient(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	url, _ := newQueue(t, ctx, c, nil)
	send(t, ctx, c, url, sample(t, "cluster-created.json"))
	con := &Consumer{Client: c, QueueURL: url, WaitTime: time.Second, Handler: func(context.Context, ScanRequest) error {
		return errors.New("job queue unavailable")
	}}
	pollUntil(t, ctx, con, func() bool { return con.Stats().Failed.Load() == 1 })
	if n := inQueue(t, ctx, c, url); n != 1 {
		t.Errorf("%d messages in the queue after a failed handling, want 1", n)
	}
}

// A poison message goes to the dead-letter queue through the queue's
// redrive policy, and the consumer keeps going.
func TestPoisonMessageReachesDLQ(t *testing.T) {
	c := sqsClient(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	dlqURL, dlqARN := newQueue(t, ctx, c, nil)
	url, _ := newQueue(t, ctx, c, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":"2"}`})
	send(t, ctx, c, url, []byte(`{"detail-type": 42}`), sample(t, "cluster-created.json"))
	got := &collected{}
	con := &Consumer{Client: c, QueueURL: url, Handler: got.handle, WaitTime: time.Second, PoisonVisibility: -1}
	pollUntil(t, ctx, con, func() bool { return inQueue(t, ctx, c, dlqURL) == 1 })
	if n := inQueue(t, ctx, c, url); n != 0 {
		t.Errorf("%d messages left in the source queue, want 0", n)
	}
	if len(got.clusters()) != 1 || con.Stats().Malformed.Load() != 2 {
		t.Errorf("handled %v, stats %s; want the good event handled and the bad one received twice", got.clusters(), con.Stats())
	}
}

// A handler slower than half the visibility timeout gets its message's
// visibility extended, and the message is deleted once it succeeds.
func TestVisibilityExtendedForSlowHandling(t *testing.T) {
	c := sqsClient(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	url, _ := newQueue(t, ctx, c, nil)
	send(t, ctx, c, url, sample(t, "cluster-created.json"))
	var con *Consumer
	var calls atomic.Int32
	con = &Consumer{Client: c, QueueURL: url, WaitTime: time.Second, VisibilityTimeout: 2 * time.Second,
		Handler: func(hctx context.Context, _ ScanRequest) error {
			calls.Add(1)
			// Slow handling: finish only after the consumer extended the
			// visibility twice (each extension happens every second).
			for con.Stats().Extended.Load() < 2 {
				select {
				case <-hctx.Done():
					return hctx.Err()
				case <-time.After(50 * time.Millisecond):
				}
			}
			return nil
		}}
	pollUntil(t, ctx, con, func() bool { return con.Stats().Handled.Load() == 1 })
	if calls.Load() != 1 {
		t.Errorf("handler called %d times, want 1 (the message must stay invisible while handled)", calls.Load())
	}
	if n := inQueue(t, ctx, c, url); n != 0 {
		t.Errorf("%d messages left, want 0", n)
	}
}

// Run keeps consuming with bounded concurrency until its context ends.
func TestRunBoundedConcurrency(t *testing.T) {
	c := sqsClient(t)
	ctx := testenv.WithTimeout(t, 60*time.Second)
	url, _ := newQueue(t, ctx, c, nil)
	for i := 0; i < 12; i++ {
		send(t, ctx, c, url, sample(t, "cluster-created.json"))
	}
	send(t, ctx, c, url, []byte("garbage"))
	var inFlight, peak, handled atomic.Int32
	runCtx, cancel := context.WithCancel(ctx)
	con := &Consumer{Client: c, QueueURL: url, Concurrency: 3, WaitTime: time.Second, Handler: func(context.Context, ScanRequest) error {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond) // hold the slot so overlap can happen
		inFlight.Add(-1)
		handled.Add(1)
		return nil
	}}
	// Stop once everything was seen.
	go func() {
		defer cancel()
		for handled.Load() < 12 || con.Stats().Malformed.Load() < 1 {
			select {
			case <-runCtx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	if err := con.Run(runCtx); err != nil {
		t.Fatal(err)
	}
	if handled.Load() != 12 || peak.Load() > 3 {
		t.Errorf("handled %d (want 12), peak concurrency %d (want ≤ 3); %s", handled.Load(), peak.Load(), con.Stats())
	}
	if con.Stats().Malformed.Load() != 1 {
		t.Errorf("the malformed message was not counted: %s", con.Stats())
	}
}
