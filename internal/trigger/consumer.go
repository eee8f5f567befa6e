package trigger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SQSAPI is the part of the SQS client the consumer uses.
type SQSAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// Handler handles one relevant event, e.g. by enqueuing a single-cluster
// scan. A nil error deletes the message; an error leaves it in the queue to
// be received again (and, after the queue's maxReceiveCount, moved to its
// dead-letter queue).
type Handler func(ctx context.Context, req ScanRequest) error

// Consumer receives messages from one queue and hands relevant events to
// Handler.
type Consumer struct {
	Client   SQSAPI
	QueueURL string
	Handler  Handler

	// Concurrency bounds the messages handled at once (default 4).
	Concurrency int
	// WaitTime is the long-polling wait of each receive (default 20 s, the
	// maximum).
	// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
	WaitTime time.Duration
	// VisibilityTimeout is asked for on receive and renewed every half of it
	// while a message is being handled, so a slow scan is not handed to
	// another consumer (default 60 s).
	// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
	VisibilityTimeout time.Duration
	// PoisonVisibility is the visibility given to a message that cannot be
	// read, so that it reaches the queue's maxReceiveCount (and its
	// dead-letter queue) sooner: 0 leaves VisibilityTimeout, a negative
	// value makes it visible again at once.
	PoisonVisibility time.Duration
	// Logger gets a line per malformed message, failed handling and
	// receive error. nil: no logging.
	Logger *slog.Logger

	stats Stats
}

// Stats counts what the consumer did.
type Stats struct {
	Received  atomic.Int64 // messages received
	Handled   atomic.Int64 // relevant events handled and deleted
	Ignored   atomic.Int64 // well-formed but needing no scan; deleted
	Malformed atomic.Int64 // unreadable; left for the dead-letter queue
	Failed    atomic.Int64 // Handler errors; left to be received again
	Extended  atomic.Int64 // visibility extensions
	Errors    atomic.Int64 // receive, delete or visibility calls that failed
}

// Stats returns the consumer's counters.
func (c *Consumer) Stats() *Stats { return &c.stats }

func (c *Consumer) defaults() error {
	if c.Client == nil || c.QueueURL == "" || c.Handler == nil {
		return errors.New("trigger: Consumer needs Client, QueueURL and Handler")
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.WaitTime <= 0 {
		c.WaitTime = 20 * time.Second
	}
	if c.WaitTime > 20*time.Second {
		c.WaitTime = 20 * time.Second
	}
	if c.VisibilityTimeout <= 0 {
		c.VisibilityTimeout = 60 * time.Second
	}
	if c.VisibilityTimeout < 2*time.Second {
		c.VisibilityTimeout = 2 * time.Second
	}
	return nil
}

// Run receives and handles messages until ctx is done, then waits for the
// messages in hand. Receive errors are retried with a backoff (up to 30 s);
// Run returns nil when ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	if err := c.defaults(); err != nil {
		return err
	}
	sem := make(chan struct{}, c.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	backoff := time.Second
	for ctx.Err() == nil {
		// Wait for at least one free slot, then take every free slot.
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		free := 1
	fill:
		for free < min(c.Concurrency, 10) {
			select {
			case sem <- struct{}{}:
				free++
			default:
				break fill
			}
		}
		msgs, err := c.receive(ctx, free)
		// Give back the slots no message took.
		for i := len(msgs); i < free; i++ {
			<-sem
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			c.stats.Errors.Add(1)
			c.logf(slog.LevelWarn, "SQS receive failed", "error", err.Error(), "retry_in", backoff.String())
			t := time.NewTimer(backoff)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil
			}
			backoff = min(2*backoff, 30*time.Second)
			continue
		}
		backoff = time.Second
		for _, m := range msgs {
			wg.Add(1)
			go func(m types.Message) {
				defer wg.Done()
				defer func() { <-sem }()
				c.handle(ctx, m)
			}(m)
		}
	}
	return nil
}

// PollOnce makes one receive of up to Concurrency messages (at most 10) and
// handles them before returning how many were received.
func (c *Consumer) PollOnce(ctx context.Context) (int, error) {
	if err := c.defaults(); err != nil {
		return 0, err
	}
	msgs, err := c.receive(ctx, min(c.Concurrency, 10))
	if err != nil {
		c.stats.Errors.Add(1)
		return 0, err
	}
	var wg sync.WaitGroup
	for _, m := range msgs {
		wg.Add(1)
		go func(m types.Message) { defer wg.Done(); c.handle(ctx, m) }(m)
	}
	wg.Wait()
	return len(msgs), nil
}

func (c *Consumer) receive(ctx context.Context, n int) ([]types.Message, error) {
	out, err := c.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(c.QueueURL),
		MaxNumberOfMessages:         int32(n),
		WaitTimeSeconds:             int32(c.WaitTime / time.Second),
		VisibilityTimeout:           int32(c.VisibilityTimeout / time.Second),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount},
	})
	if err != nil {
		return nil, err
	}
	c.stats.Received.Add(int64(len(out.Messages)))
	return out.Messages, nil
}

// handle processes one message: parse, hand over, delete on success.
func (c *Consumer) handle(ctx context.Context, m types.Message) {
	id := aws.ToString(m.MessageId)
	req, relevant, err := Parse([]byte(aws.ToString(m.Body)))
	if err != nil {
		c.stats.Malformed.Add(1)
		c.logf(slog.LevelWarn, "unreadable message left for the dead-letter queue", "message_id", id,
			"receive_count", m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)], "error", err.Error())
		if c.PoisonVisibility != 0 {
			c.setVisibility(ctx, m, max(c.PoisonVisibility, 0))
		}
		return
	}
	if !relevant {
		c.stats.Ignored.Add(1)
		c.delete(ctx, m)
		return
	}
	// Keep the message invisible while the handler runs.
	hctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(c.VisibilityTimeout / 2)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
				if c.setVisibility(hctx, m, c.VisibilityTimeout) {
					c.stats.Extended.Add(1)
				}
			}
		}
	}()
	err = c.Handler(hctx, req)
	stop()
	<-done
	if err != nil {
		c.stats.Failed.Add(1)
		c.logf(slog.LevelWarn, "handling an RDS event failed; the message will be received again", "message_id", id,
			"cluster", req.ClusterID, "event", req.EventID, "error", err.Error())
		return
	}
	c.stats.Handled.Add(1)
	c.delete(ctx, m)
}

func (c *Consumer) delete(ctx context.Context, m types.Message) {
	// Delete even when shutting down: the work is done.
	_, err := c.Client.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{QueueUrl: aws.String(c.QueueURL), ReceiptHandle: m.ReceiptHandle})
	if err != nil {
		c.stats.Errors.Add(1)
		c.logf(slog.LevelWarn, "SQS delete failed; the message will be received again", "message_id", aws.ToString(m.MessageId), "error", err.Error())
	}
}

func (c *Consumer) setVisibility(ctx context.Context, m types.Message, d time.Duration) bool {
	_, err := c.Client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(c.QueueURL),
		ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: int32(d / time.Second)})
	if err != nil && ctx.Err() == nil {
		c.stats.Errors.Add(1)
		c.logf(slog.LevelWarn, "SQS visibility change failed", "message_id", aws.ToString(m.MessageId), "error", err.Error())
		return false
	}
	return err == nil
}

func (c *Consumer) logf(level slog.Level, msg string, args ...any) {
	if c.Logger != nil {
		c.Logger.Log(context.Background(), level, msg, args...)
	}
}

// String summarises the counters.
func (s *Stats) String() string {
	return fmt.Sprintf("received %d, handled %d, ignored %d, malformed %d, failed %d, extended %d, errors %d",
		s.Received.Load(), s.Handled.Load(), s.Ignored.Load(), s.Malformed.Load(), s.Failed.Load(), s.Extended.Load(), s.Errors.Load())
}
