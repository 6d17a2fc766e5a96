package deliverytest

import (
	"context"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

// Sink is a fake platform for benchmarks and tests: it accepts messages as
// a platform would, enforcing delivery.Limits with its own buckets and
// answering 429 with a whole-second retry_after (as Telegram does) beyond
// them, and counts what each chat got. It implements core.Sender,
// core.Editor and core.Deleter, and is safe for concurrent use.
type Sink struct {
	// Latency is how long each call takes, like a round trip to the
	// platform. The message counts as delivered when the call starts, so a
	// send cancelled in flight may still have arrived.
	Latency time.Duration
	// Fail, when set, decides a call's error before limits are checked:
	// tests use it to script failures.
	Fail func(op string, chat core.ChatRef, n int) error

	lim  *buckets
	seq  atomic.Int64
	over atomic.Int64

	mu      sync.Mutex
	got     map[core.ChatRef]int
	calls   map[core.ChatRef]int
	edits   map[core.ChatRef]int
	deleted map[core.ChatRef]int
	texts   map[core.ChatRef]string
	first   time.Time
	last    time.Time
}

var (
	_ core.Sender  = (*Sink)(nil)
	_ core.Editor  = (*Sink)(nil)
	_ core.Deleter = (*Sink)(nil)
)

// NewSink returns a sink enforcing limits, whose global bucket allows
// bursts of globalBurst sends.
func NewSink(limits delivery.Limits, globalBurst int) *Sink {
	l := limits
	l.Global.Burst = globalBurst
	return &Sink{
		lim: &buckets{limits: l, tat: map[string]time.Time{}},
		got: map[core.ChatRef]int{}, calls: map[core.ChatRef]int{}, edits: map[core.ChatRef]int{},
		deleted: map[core.ChatRef]int{}, texts: map[core.ChatRef]string{},
	}
}

// admit checks the platform's limits for a call to chat now.
func (s *Sink) admit(ctx context.Context, op string, chat core.ChatRef) error {
	s.mu.Lock()
	s.calls[chat]++
	n := s.calls[chat]
	s.mu.Unlock()
	if s.Fail != nil {
		if err := s.Fail(op, chat, n); err != nil {
			return err
		}
	}
	if w, ok := s.lim.allow(chat, time.Now()); !ok {
		s.over.Add(1)
		secs := math.Ceil(w.Seconds())
		return &core.DeliveryError{Class: core.DeliveryRetryAfter, RetryAfter: time.Duration(secs) * time.Second, Reason: "too_many_requests"}
	}
	return nil
}

// Send implements core.Sender.
func (s *Sink) Send(ctx context.Context, chat core.ChatRef, r core.Reply) (core.SentRef, error) {
	if err := s.admit(ctx, "send", chat); err != nil {
		return core.SentRef{}, err
	}
	id := strconv.FormatInt(s.seq.Add(1), 10)
	now := time.Now()
	s.mu.Lock()
	s.got[chat]++
	s.texts[chat] = text(r)
	if s.first.IsZero() {
		s.first = now
	}
	s.last = now
	s.mu.Unlock()
	if err := core.Sleep(ctx, s.Latency); err != nil {
		return core.SentRef{}, &core.DeliveryError{Class: core.DeliveryTransient, Reason: "timeout", Err: err}
	}
	return core.SentRef{Chat: chat, MessageID: id}, nil
}

// Edit implements core.Editor.
func (s *Sink) Edit(ctx context.Context, ref core.SentRef, r core.Reply) error {
	if err := s.admit(ctx, "edit", ref.Chat); err != nil {
		return err
	}
	s.mu.Lock()
	s.edits[ref.Chat]++
	s.texts[ref.Chat] = text(r)
	s.mu.Unlock()
	return core.Sleep(ctx, s.Latency)
}

// Delete implements core.Deleter.
func (s *Sink) Delete(ctx context.Context, ref core.SentRef) error {
	if err := s.admit(ctx, "delete", ref.Chat); err != nil {
		return err
	}
	s.mu.Lock()
	s.deleted[ref.Chat]++
	s.mu.Unlock()
	return core.Sleep(ctx, s.Latency)
}

func text(r core.Reply) string {
	s := r.Title
	for _, t := range r.Text {
		s += "\n" + t
	}
	if r.Card != nil {
		s += "\n" + r.Card.Title
	}
	return s
}

// SinkCounts are what a Sink received.
type SinkCounts struct {
	Chats       int // chats that got at least one message
	Messages    int // messages sent
	Dup         int // messages beyond the first per chat
	Edits       int
	Deletes     int
	RateLimited int // calls refused with 429
	First, Last time.Time
}

// Counts returns what the sink received so far.
func (s *Sink) Counts() SinkCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := SinkCounts{Chats: len(s.got), RateLimited: int(s.over.Load()), First: s.first, Last: s.last}
	for _, n := range s.got {
		c.Messages += n
		c.Dup += n - 1
	}
	for _, n := range s.edits {
		c.Edits += n
	}
	for _, n := range s.deleted {
		c.Deletes += n
	}
	return c
}

// Got returns how many messages chat got and the text of the last one (or
// of its last edit).
func (s *Sink) Got(chat core.ChatRef) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[chat], s.texts[chat]
}

// Deleted returns how many deletions chat saw.
func (s *Sink) Deleted(chat core.ChatRef) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleted[chat]
}

// buckets are a platform's side of its limits, GCRA buckets like those of
// delivery.MemoryLimiter but strict: where a Limiter schedules a send for
// later, the platform refuses one that comes too early and says how long
// until it would pass. They are the sink's own, so that a mistake in the
// limiters under test does not hide in the platform that checks them.
type buckets struct {
	limits delivery.Limits
	mu     sync.Mutex
	tat    map[string]time.Time // theoretical arrival time per bucket
	calls  int                  // since the last sweep of stale buckets
}

// allow takes a send slot for chat when one is free at now; otherwise it
// returns how long until one is.
func (b *buckets) allow(chat core.ChatRef, now time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweep(now)
	g, c := b.limits.Global, delivery.Rate{}
	if b.limits.Chat != nil {
		c = b.limits.Chat(chat)
	}
	const gk = "g"
	ck := "c:" + chat.String()
	var wait time.Duration
	if g.Interval() > 0 {
		wait = max(wait, b.tat[gk].Add(-g.Tolerance()).Sub(now))
	}
	if c.Interval() > 0 {
		wait = max(wait, b.tat[ck].Add(-c.Tolerance()).Sub(now))
	}
	if wait > 0 {
		return wait, false
	}
	if g.Interval() > 0 {
		b.tat[gk] = later(b.tat[gk], now).Add(g.Interval())
	}
	if c.Interval() > 0 {
		b.tat[ck] = later(b.tat[ck], now).Add(c.Interval())
	}
	return 0, true
}

// sweep forgets buckets whose time has passed, so that one-off chats do not
// pile up. It runs every 4096 calls, under b.mu.
func (b *buckets) sweep(now time.Time) {
	if b.calls++; b.calls < 4096 {
		return
	}
	b.calls = 0
	for k, t := range b.tat {
		if t.Before(now.Add(-time.Minute)) {
			delete(b.tat, k)
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
