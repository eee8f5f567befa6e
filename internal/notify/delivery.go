package notify

import (
	"context"
	"sort"
	"sync"
	"time"
)

// DeliveryStatus is where one event's delivery to one channel stands.
type DeliveryStatus string

const (
	// DeliverySending: claimed by a dispatcher, attempts under way.
	DeliverySending DeliveryStatus = "sending"
	// DeliveryDelivered: the channel accepted the event.
	DeliveryDelivered DeliveryStatus = "delivered"
	// DeliveryFailed: every attempt failed, or the channel refused the
	// event for good (a 4xx other than 408/429). A later Dispatch of the
	// same event tries again.
	DeliveryFailed DeliveryStatus = "failed"
)

// Delivery records one event's delivery to one channel.
type Delivery struct {
	EventID string         `json:"event_id"`
	Kind    Kind           `json:"kind"`
	Channel string         `json:"channel"`
	Status  DeliveryStatus `json:"status"`
	// Attempts counts the sends, over every Dispatch of the event.
	Attempts int `json:"attempts"`
	// LastError is the last failure, secrets removed ("" once delivered).
	LastError string    `json:"last_error,omitempty"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

// DeliveryLog remembers deliveries so that an event is delivered at most
// once per channel, across retries, restarts and several workers. The store
// implements it on SQLite and PostgreSQL; MemoryLog is the in-process one.
type DeliveryLog interface {
	// Claim atomically takes the delivery of eventID to channel. It
	// returns the delivery (Status sending, Attempts as before) and true
	// when there is no record yet, when the record is failed, or when it is
	// sending but was last updated before staleBefore (a dispatcher that
	// died); otherwise the existing record and false. In SQL: INSERT … ON
	// CONFLICT (event_id, channel) DO UPDATE … WHERE status = 'failed' OR
	// (status = 'sending' AND updated < staleBefore) RETURNING ….
	Claim(ctx context.Context, d Delivery, staleBefore time.Time) (Delivery, bool, error)
	// Update stores the delivery's new status, attempts and last error.
	Update(ctx context.Context, d Delivery) error
}

// MemoryLog is a DeliveryLog in memory, for the CLI and tests. It is safe
// for concurrent use.
type MemoryLog struct {
	mu sync.Mutex
	m  map[[2]string]Delivery
}

// NewMemoryLog returns an empty log.
func NewMemoryLog() *MemoryLog { return &MemoryLog{m: map[[2]string]Delivery{}} }

// Claim implements DeliveryLog.
func (l *MemoryLog) Claim(_ context.Context, d Delivery, staleBefore time.Time) (Delivery, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := [2]string{d.EventID, d.Channel}
	prev, ok := l.m[key]
	if ok && !(prev.Status == DeliveryFailed || (prev.Status == DeliverySending && prev.Updated.Before(staleBefore))) {
		return prev, false, nil
	}
	if ok {
		d.Attempts = prev.Attempts
		d.Created = prev.Created
		d.LastError = prev.LastError
	}
	d.Status = DeliverySending
	l.m[key] = d
	return d, true, nil
}

// Update implements DeliveryLog.
func (l *MemoryLog) Update(_ context.Context, d Delivery) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[[2]string{d.EventID, d.Channel}] = d
	return nil
}

// Deliveries returns every record, ordered by event ID and channel.
func (l *MemoryLog) Deliveries() []Delivery {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Delivery, 0, len(l.m))
	for _, d := range l.m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].EventID != out[j].EventID {
			return out[i].EventID < out[j].EventID
		}
		return out[i].Channel < out[j].Channel
	})
	return out
}
