package delivery_test

import (
	"context"
	"testing"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery/deliverytest"
)

// partialSender delivers the first part of every message to its sink, then
// fails the rest for chat "2" with fail: a long message that got only partly
// through.
type partialSender struct {
	*deliverytest.Sink
	fail error
}

func (p partialSender) Send(ctx context.Context, c core.ChatRef, r core.Reply) (core.SentRef, error) {
	ref, err := p.Sink.Send(ctx, c, r)
	if err == nil && c.ID == "2" {
		return ref, p.fail
	}
	return ref, err
}

// TestPartlySentIsRecorded: a send that fails after part of the message
// went out is never resent, is recorded with its reference, and so is
// reached by a retraction.
func TestPartlySentIsRecorded(t *testing.T) {
	for name, fail := range map[string]error{
		"rejected":    &core.DeliveryError{Class: core.DeliveryRejected, Reason: "partial_bad_markup"},
		"gone":        &core.DeliveryError{Class: core.DeliveryGone, Reason: "blocked"},
		"retry after": &core.DeliveryError{Class: core.DeliveryRetryAfter, RetryAfter: 1},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRigSender(t, inMemory, 3, func(s *deliverytest.Sink) core.Sender { return partialSender{Sink: s, fail: fail} })
			r.run(breaking("bpart", "Fire"))
			chat := core.ChatRef{Platform: "tg", ID: "2"}
			if n, _ := r.sink.Got(chat); n != 1 {
				t.Fatalf("the partly sent chat got the first part %d times, want 1", n)
			}
			r.run(core.Broadcast{ID: "bpart-x", Kind: core.BroadcastRetract, Target: "bpart"})
			if r.sink.Deleted(chat) != 1 {
				t.Errorf("the retraction did not reach the partly sent message")
			}
		})
	}
}
