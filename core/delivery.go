package core

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SentRef names a message the bot sent, so that it can be edited or
// deleted later.
type SentRef struct {
	Chat      ChatRef `json:"chat"`
	MessageID string  `json:"mid"`
}

// Sender posts a reply to a chat on one platform; adapters implement it.
// Errors are *DeliveryError, classified by the adapter.
type Sender interface {
	Send(ctx context.Context, chat ChatRef, r Reply) (SentRef, error)
}

// Editor replaces the content of a sent message. Platforms that cannot edit
// do not implement it.
type Editor interface {
	Edit(ctx context.Context, ref SentRef, r Reply) error
}

// Deleter deletes a sent message. Platforms that cannot delete do not
// implement it.
type Deleter interface {
	Delete(ctx context.Context, ref SentRef) error
}

// DeliveryClass says what to do about a failed send.
type DeliveryClass string

// The delivery classes.
const (
	// DeliveryRetryAfter: the platform rate-limited us; retry after exactly
	// RetryAfter, and slow down.
	DeliveryRetryAfter DeliveryClass = "retry_after"
	// DeliveryTransient: a 5xx, timeout or network error; retry with
	// backoff, a bounded number of times.
	DeliveryTransient DeliveryClass = "transient"
	// DeliveryGone: the chat is gone for good (blocked, deleted, kicked, no
	// access); unsubscribe it and record Reason.
	DeliveryGone DeliveryClass = "gone"
	// DeliveryMoved: the chat has a new ID (MovedTo), e.g. a Telegram group
	// upgraded to a supergroup; move its subscriptions and resend.
	DeliveryMoved DeliveryClass = "moved"
	// DeliveryRejected: the platform refused this message (bad markup, too
	// long); retrying the same message will not help.
	DeliveryRejected DeliveryClass = "rejected"
)

// DeliveryError is a classified delivery failure.
type DeliveryError struct {
	Class      DeliveryClass
	RetryAfter time.Duration // for DeliveryRetryAfter
	MovedTo    string        // the new chat ID, for DeliveryMoved
	Reason     string        // short machine-readable reason, e.g. "blocked", "chat_not_found"
	Err        error         // the platform's error
}

func (e *DeliveryError) Error() string {
	s := fmt.Sprintf("delivery %s", e.Class)
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" retry after %s", e.RetryAfter)
	}
	if e.MovedTo != "" {
		s += " moved to " + e.MovedTo
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// ClassifyDelivery returns err's delivery class: the class of the first
// *DeliveryError in its chain, DeliveryTransient for any other error, and ""
// for nil.
func ClassifyDelivery(err error) (DeliveryClass, *DeliveryError) {
	if err == nil {
		return "", nil
	}
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.Class, de
	}
	return DeliveryTransient, nil
}

// Sleep waits d, or until ctx ends: then it returns ctx's error. A d of 0
// or less returns ctx's error at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
