package delivery_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	"github.com/newsbot/newsbot/store/memory"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

// redisClient returns a client on the test Redis and a fresh key prefix.
func redisClient(t *testing.T) (*goredis.Client, string) {
	t.Helper()
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c, prefix
}

// overQueue hands out one job more than asked, as a queue that reads
// several streams may.
type overQueue struct{ *delivery.MemoryQueue }

func (q overQueue) Fetch(ctx context.Context, platform, consumer string, max int, block time.Duration) ([]delivery.Delivery, error) {
	return q.MemoryQueue.Fetch(ctx, platform, consumer, max+1, block)
}

func TestConsumerOverFetchStops(t *testing.T) {
	ctx := context.Background()
	q := overQueue{delivery.NewMemoryQueue()}
	chat := core.ChatRef{Platform: "tg", ID: "1"}
	for i := range 4 {
		if err := q.Enqueue(ctx, delivery.Job{Broadcast: fmt.Sprint("b", i), Chat: chat}); err != nil {
			t.Fatal(err)
		}
	}
	sink := deliverytest.NewSink(delivery.Limits{}, 1)
	st0 := memory.New()
	e, err := delivery.New(delivery.Config{Consumer: "a", Workers: 1, Block: 20 * time.Millisecond, Drain: time.Second},
		delivery.Deps{Queue: q, Ledger: delivery.NewMemoryLedger(), Store: st0, Chats: chatsOn(t, st0), Senders: map[string]core.Sender{"tg": sink}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(runCtx) }()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Run has not returned 3s after cancel with Drain 1s: more workers started than slots taken")
	}
	if n := e.Metrics().Snapshot().InFlight; n != 0 {
		t.Errorf("%d jobs still counted in flight", n)
	}
}

// scriptedSender answers 429 with retry_after wait to its first call, then
// delivers, counting the deliveries in total.
type scriptedSender struct {
	wait  time.Duration
	calls atomic.Int32
	total *atomic.Int32
}

func (s *scriptedSender) Send(ctx context.Context, c core.ChatRef, r core.Reply) (core.SentRef, error) {
	if s.calls.Add(1) == 1 && s.wait > 0 {
		return core.SentRef{}, &core.DeliveryError{Class: core.DeliveryRetryAfter, RetryAfter: s.wait, Reason: "flood"}
	}
	s.total.Add(1)
	return core.SentRef{Chat: c, MessageID: "1"}, nil
}

func TestDrainKeepsJobsAlive(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	chat := core.ChatRef{Platform: "tg", ID: "10"}
	if _, err := st.Subscribe(ctx, chat, content.Breaking); err != nil {
		t.Fatal(err)
	}
	q, led := delivery.NewMemoryQueue(), delivery.NewMemoryLedger()
	var total atomic.Int32
	cfg := delivery.Config{Consumer: "A", ReclaimAfter: 600 * time.Millisecond, Block: 20 * time.Millisecond}
	a, err := delivery.New(cfg, delivery.Deps{Queue: q, Ledger: led, Store: st, Chats: chatsOn(t, st),
		Senders: map[string]core.Sender{"tg": &scriptedSender{wait: 1500 * time.Millisecond, total: &total}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Consumer = "B"
	b, err := delivery.New(cfg, delivery.Deps{Queue: q, Ledger: led, Store: st, Chats: chatsOn(t, st), Senders: map[string]core.Sender{"tg": &scriptedSender{total: &total}}})
	if err != nil {
		t.Fatal(err)
	}
	// A is stopped while its one job waits out a 429 longer than
	// ReclaimAfter; its jobs may run on (jobCtx) until they finish.
	actx, stopA := context.WithCancel(ctx)
	aDone := make(chan struct{})
	go func() { defer close(aDone); _ = a.RunJobs(actx, ctx) }()
	if err := a.Start(ctx, breaking("bdrain", "x")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	stopA()
	bctx, stopB := context.WithCancel(ctx)
	bDone := make(chan struct{})
	go func() { defer close(bDone); _ = b.Run(bctx) }()
	select {
	case <-aDone:
	case <-time.After(5 * time.Second):
		t.Fatal("A did not finish its job")
	}
	time.Sleep(300 * time.Millisecond)
	stopB()
	<-bDone
	a.Close()
	b.Close()
	if n := total.Load(); n != 1 {
		t.Errorf("one chat got %d messages: the draining consumer's job was reclaimed while it waited", n)
	}
}

func TestConfigDrainShorterThanReclaim(t *testing.T) {
	st0 := memory.New()
	deps := delivery.Deps{Queue: delivery.NewMemoryQueue(), Ledger: delivery.NewMemoryLedger(), Store: st0, Chats: chatsOn(t, st0), Senders: map[string]core.Sender{"tg": deliverytest.NewSink(delivery.Limits{}, 1)}}
	tests := []struct {
		name   string
		cfg    delivery.Config
		wantOK bool
		drain  time.Duration
	}{
		{"defaults", delivery.Config{}, true, 20 * time.Second},
		{"reclaim only", delivery.Config{ReclaimAfter: 3 * time.Second}, true, 2 * time.Second},
		{"drain shorter", delivery.Config{ReclaimAfter: 10 * time.Second, Drain: 9 * time.Second}, true, 9 * time.Second},
		{"drain equal", delivery.Config{ReclaimAfter: 10 * time.Second, Drain: 10 * time.Second}, false, 0},
		{"drain longer", delivery.Config{Drain: time.Minute}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := delivery.New(tt.cfg, deps)
			if (err == nil) != tt.wantOK {
				t.Fatalf("New: err %v, want ok %v", err, tt.wantOK)
			}
			if err == nil && e.DrainTime() != tt.drain {
				t.Errorf("Drain %s, want %s", e.DrainTime(), tt.drain)
			}
		})
	}
}

// flakyLedger fails the first fails calls of Finish, like a Redis blip.
type flakyLedger struct {
	delivery.Ledger
	fails atomic.Int32
}

func (l *flakyLedger) Finish(ctx context.Context, id string, chat core.ChatRef, o delivery.Outcome) (bool, error) {
	if l.fails.Add(-1) >= 0 {
		return false, fmt.Errorf("connection reset")
	}
	return l.Ledger.Finish(ctx, id, chat, o)
}

func TestFinishRetried(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	chat := core.ChatRef{Platform: "tg", ID: "10"}
	if _, err := st.Subscribe(ctx, chat, content.Breaking); err != nil {
		t.Fatal(err)
	}
	led := &flakyLedger{Ledger: delivery.NewMemoryLedger()}
	led.fails.Store(3)
	sink := deliverytest.NewSink(delivery.Limits{}, 1)
	e, err := delivery.New(delivery.Config{Consumer: "a", ReclaimAfter: 300 * time.Millisecond, Block: 20 * time.Millisecond, Backoff: 10 * time.Millisecond},
		delivery.Deps{Queue: delivery.NewMemoryQueue(), Ledger: led, Store: st, Chats: chatsOn(t, st), Senders: map[string]core.Sender{"tg": sink}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(runCtx) }()
	defer func() { stop(); <-done; e.Close() }()
	if err := e.Start(ctx, breaking("bfin", "x")); err != nil {
		t.Fatal(err)
	}
	if st := waitDone(t, e, "bfin"); st.Sent != 1 {
		t.Errorf("status %+v", st)
	}
	if got := sink.Counts(); got.Messages != 1 || got.Dup != 0 {
		t.Errorf("sink got %+v: a send whose record failed was sent again", got)
	}
}

func TestRateLimitedNeverGivesUpEarly(t *testing.T) {
	tests := []struct {
		name       string
		floods     int           // 429 answers before the platform takes the message
		retryAfter time.Duration // each 429's retry_after
		wantSent   bool
	}{
		{"a flood of 429s", 200, 3 * time.Second, true},
		{"one long 429", 1, 20 * time.Hour, true},
		{"429s past a day", 100, 20 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := memory.New()
			chat := core.ChatRef{Platform: "tg", ID: "10"}
			if _, err := st.Subscribe(ctx, chat, content.Breaking); err != nil {
				t.Fatal(err)
			}
			sink := deliverytest.NewSink(delivery.Limits{}, 1)
			sink.Fail = func(op string, c core.ChatRef, n int) error {
				if n <= tt.floods {
					return &core.DeliveryError{Class: core.DeliveryRetryAfter, RetryAfter: tt.retryAfter, Reason: "flood"}
				}
				return nil
			}
			e, err := delivery.New(delivery.Config{Consumer: "a", ReclaimAfter: time.Hour, Block: 20 * time.Millisecond},
				delivery.Deps{Queue: delivery.NewMemoryQueue(), Ledger: delivery.NewMemoryLedger(), Store: st, Chats: chatsOn(t, st), Senders: map[string]core.Sender{"tg": sink}})
			if err != nil {
				t.Fatal(err)
			}
			// The waits pass on a fake clock.
			clock := &testClock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
			e.SetClock(clock.now, func(ctx context.Context, d time.Duration) error {
				clock.set(clock.now().Add(d))
				return ctx.Err()
			})
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); _ = e.Run(runCtx) }()
			defer func() { stop(); <-done; e.Close() }()
			if err := e.Start(ctx, breaking("bflood", "x")); err != nil {
				t.Fatal(err)
			}
			s := waitDone(t, e, "bflood")
			if tt.wantSent && (s.Sent != 1 || s.FailedCount() != 0) {
				t.Errorf("status %+v: a rate-limited job failed", s)
			}
			if !tt.wantSent && s.Failed["retry_after:expired"] != 1 {
				t.Errorf("status %+v: want failed retry_after:expired after a day of 429s", s)
			}
		})
	}
}
