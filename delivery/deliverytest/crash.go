package deliverytest

import (
	"context"
	"errors"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

// errKilled is what a killed consumer's parts answer.
var errKilled = errors.New("deliverytest: consumer killed")

// killer makes a consumer crash as its process would die: wrapped by
// wrap, its parts work until kill, then refuse every call a job makes, so
// that the consumer sends, records and acknowledges nothing more, and its
// sends in flight are cut short. Its jobs stay pending for another consumer
// to reclaim. Listing goes on: the broadcast's audience is queued either
// way.
type killer struct {
	ctx  context.Context // done once killed
	kill context.CancelFunc
}

func newKiller() *killer {
	ctx, kill := context.WithCancel(context.Background())
	return &killer{ctx: ctx, kill: kill}
}

func (k *killer) dead() bool { return k.ctx.Err() != nil }

// wrap puts the parts of deps behind k.
func (k *killer) wrap(deps *delivery.Deps) {
	deps.Queue = killableQueue{Queue: deps.Queue, k: k}
	deps.Ledger = killableLedger{Ledger: deps.Ledger, k: k}
	if deps.Limiter != nil {
		deps.Limiter = killableLimiter{Limiter: deps.Limiter, k: k}
	}
	senders := map[string]core.Sender{}
	for p, s := range deps.Senders {
		senders[p] = killableSender{s: s, k: k}
	}
	deps.Senders = senders
}

// killableQueue refuses to hand out, keep alive or acknowledge jobs once
// killed.
type killableQueue struct {
	delivery.Queue
	k *killer
}

func (q killableQueue) Fetch(ctx context.Context, platform, consumer string, max int, block time.Duration) ([]delivery.Delivery, error) {
	if q.k.dead() {
		return nil, errKilled
	}
	return q.Queue.Fetch(ctx, platform, consumer, max, block)
}

func (q killableQueue) Reclaim(ctx context.Context, platform, consumer string, minIdle time.Duration, max int) ([]delivery.Delivery, error) {
	if q.k.dead() {
		return nil, errKilled
	}
	return q.Queue.Reclaim(ctx, platform, consumer, minIdle, max)
}

func (q killableQueue) Touch(ctx context.Context, platform, consumer string, ds ...delivery.Delivery) error {
	if q.k.dead() {
		return errKilled
	}
	return q.Queue.Touch(ctx, platform, consumer, ds...)
}

func (q killableQueue) Ack(ctx context.Context, platform string, ds ...delivery.Delivery) error {
	if q.k.dead() {
		return errKilled
	}
	return q.Queue.Ack(ctx, platform, ds...)
}

// ForgetConsumers passes on to the queue when it keeps named consumers, as
// the Redis one does; the engine asks for it.
func (q killableQueue) ForgetConsumers(ctx context.Context, platform, keep string, idle time.Duration) (int, error) {
	f, ok := q.Queue.(interface {
		ForgetConsumers(ctx context.Context, platform, keep string, idle time.Duration) (int, error)
	})
	if !ok {
		return 0, nil
	}
	return f.ForgetConsumers(ctx, platform, keep, idle)
}

// killableLedger refuses to read or record outcomes once killed.
type killableLedger struct {
	delivery.Ledger
	k *killer
}

func (l killableLedger) Outcome(ctx context.Context, id string, chat core.ChatRef) (delivery.Outcome, bool, error) {
	if l.k.dead() {
		return delivery.Outcome{}, false, errKilled
	}
	return l.Ledger.Outcome(ctx, id, chat)
}

func (l killableLedger) Finish(ctx context.Context, id string, chat core.ChatRef, o delivery.Outcome) (bool, error) {
	if l.k.dead() {
		return false, errKilled
	}
	return l.Ledger.Finish(ctx, id, chat, o)
}

// killableLimiter takes no more send slots once killed.
type killableLimiter struct {
	delivery.Limiter
	k *killer
}

func (l killableLimiter) Reserve(ctx context.Context, chat core.ChatRef) (time.Duration, bool, error) {
	if l.k.dead() {
		return 0, false, errKilled
	}
	return l.Limiter.Reserve(ctx, chat)
}

func (l killableLimiter) Penalize(ctx context.Context, chat core.ChatRef, d time.Duration) error {
	if l.k.dead() {
		return errKilled
	}
	return l.Limiter.Penalize(ctx, chat, d)
}

// killableSender sends nothing once killed, and cuts short the calls in
// flight at the kill. It edits and deletes when its sender does.
type killableSender struct {
	s core.Sender
	k *killer
}

// call runs op with a context that ends at the kill, unless killed already.
func (s killableSender) call(ctx context.Context, op func(ctx context.Context) error) error {
	if s.k.dead() {
		return errKilled
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(s.k.ctx, cancel)()
	return op(ctx)
}

func (s killableSender) Send(ctx context.Context, chat core.ChatRef, r core.Reply) (ref core.SentRef, err error) {
	err = s.call(ctx, func(ctx context.Context) error {
		ref, err = s.s.Send(ctx, chat, r)
		return err
	})
	return ref, err
}

func (s killableSender) Edit(ctx context.Context, ref core.SentRef, r core.Reply) error {
	ed, ok := s.s.(core.Editor)
	if !ok {
		return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "no_edit"}
	}
	return s.call(ctx, func(ctx context.Context) error { return ed.Edit(ctx, ref, r) })
}

func (s killableSender) Delete(ctx context.Context, ref core.SentRef) error {
	del, ok := s.s.(core.Deleter)
	if !ok {
		return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "no_delete"}
	}
	return s.call(ctx, func(ctx context.Context) error { return del.Delete(ctx, ref) })
}
