package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Channel sends events somewhere. Send makes one attempt; the Dispatcher
// retries. An error may be a *SendError saying whether a retry can help and
// when the receiver asked to be retried.
type Channel interface {
	// Name is the channel's configured name (the delivery log's key).
	Name() string
	Send(ctx context.Context, ev Event) error
}

// SendError is a failed attempt.
type SendError struct {
	// Status is the HTTP status, 0 when there was no answer.
	Status int
	// Permanent: retrying cannot help (400, 401, 403, 404, 410, …).
	Permanent bool
	// RetryAfter is the wait the receiver asked for (429/503 Retry-After).
	RetryAfter time.Duration
	// Msg describes the failure without secrets.
	Msg string
}

func (e *SendError) Error() string { return e.Msg }

// Route is a channel with the filter of the events it receives.
type Route struct {
	Channel Channel
	Filter  Filter
}

// Options tune a Dispatcher. Zero values take the defaults.
type Options struct {
	// MaxAttempts per Dispatch and channel (default 5).
	MaxAttempts int
	// BaseDelay is the first backoff (default 1 s); each retry doubles it,
	// up to MaxDelay (default 1 min), with full jitter.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps a receiver's Retry-After (default 5 min).
	MaxRetryAfter time.Duration
	// Lease: a delivery left "sending" longer than this (a dispatcher that
	// died) may be claimed again (default 10 min).
	Lease time.Duration
	// Sleep waits between attempts (default: a timer that stops when ctx
	// ends). Tests replace it to record the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger gets one line per failed attempt and per outcome; it never
	// sees a URL or secret. nil: no logging.
	Logger *slog.Logger
}

// Dispatcher delivers events to routes.
type Dispatcher struct {
	routes []Route
	log    DeliveryLog
	o      Options
	rnd    func(n int64) int64
}

// NewDispatcher returns a dispatcher over routes that records deliveries in
// log.
func NewDispatcher(log DeliveryLog, routes []Route, o Options) *Dispatcher {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = time.Minute
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 5 * time.Minute
	}
	if o.Lease <= 0 {
		o.Lease = 10 * time.Minute
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Dispatcher{routes: routes, log: log, o: o, rnd: rand.Int64N}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Dispatch delivers ev to every route whose filter matches, concurrently,
// and returns the deliveries it made or found (one per matching route). An
// event already delivered (or being delivered) to a channel is not sent
// again. The error joins the channels that failed.
func (d *Dispatcher) Dispatch(ctx context.Context, ev Event) ([]Delivery, error) {
	if ev.ID == "" {
		return nil, errors.New("notify: event without ID")
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		out  []Delivery
		errs []error
	)
	for _, r := range d.routes {
		if !r.Filter.Match(ev) {
			continue
		}
		wg.Add(1)
		go func(r Route) {
			defer wg.Done()
			del, err := d.deliver(ctx, r.Channel, ev)
			mu.Lock()
			defer mu.Unlock()
			out = append(out, del)
			if err != nil {
				errs = append(errs, fmt.Errorf("channel %s: %w", r.Channel.Name(), err))
			}
		}(r)
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (d *Dispatcher) deliver(ctx context.Context, ch Channel, ev Event) (Delivery, error) {
	now := d.o.Now()
	del, claimed, err := d.log.Claim(ctx, Delivery{EventID: ev.ID, Kind: ev.Kind, Channel: ch.Name(), Created: now, Updated: now}, now.Add(-d.o.Lease))
	if err != nil {
		return Delivery{EventID: ev.ID, Kind: ev.Kind, Channel: ch.Name()}, fmt.Errorf("delivery log: %w", err)
	}
	if !claimed {
		return del, nil // delivered already, or another dispatcher is on it
	}
	var last error
	for attempt := 1; attempt <= d.o.MaxAttempts; attempt++ {
		del.Attempts++
		last = ch.Send(ctx, ev)
		del.Updated = d.o.Now()
		if last == nil {
			del.Status, del.LastError = DeliveryDelivered, ""
			d.logf(slog.LevelInfo, "notification delivered", ev, ch, del, nil)
			return del, d.log.Update(context.WithoutCancel(ctx), del)
		}
		del.LastError = last.Error()
		d.logf(slog.LevelWarn, "notification attempt failed", ev, ch, del, last)
		var se *SendError
		if errors.As(last, &se) && se.Permanent {
			break
		}
		if attempt == d.o.MaxAttempts {
			break
		}
		// Keep the record fresh so another dispatcher does not take it.
		_ = d.log.Update(ctx, del)
		if err := d.o.Sleep(ctx, d.backoff(attempt, last)); err != nil {
			last = err
			del.LastError = err.Error()
			break
		}
	}
	del.Status = DeliveryFailed
	if uerr := d.log.Update(context.WithoutCancel(ctx), del); uerr != nil {
		return del, errors.Join(last, uerr)
	}
	return del, last
}

// backoff is the wait after the attempt-th failure: the receiver's
// Retry-After when it gave one (capped), else exponential with full jitter
// (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
func (d *Dispatcher) backoff(attempt int, err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		return min(se.RetryAfter, d.o.MaxRetryAfter)
	}
	ceil := d.o.BaseDelay << (attempt - 1)
	if ceil <= 0 || ceil > d.o.MaxDelay {
		ceil = d.o.MaxDelay
	}
	return time.Duration(d.rnd(int64(ceil))) + 1
}

func (d *Dispatcher) logf(level slog.Level, msg string, ev Event, ch Channel, del Delivery, err error) {
	if d.o.Logger == nil {
		return
	}
	attrs := []any{"event", ev.ID, "kind", string(ev.Kind), "channel", ch.Name(), "attempts", del.Attempts}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	d.o.Logger.Log(context.Background(), level, msg, attrs...)
}
