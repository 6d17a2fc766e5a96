package redis_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	"github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/store/memory"
)

// lossyQueue loses the answer of its first fetch that hands out jobs, as a
// connection does when Redis stops right after serving XREADGROUP: the
// jobs are pending on the consumer, which never heard of them.
type lossyQueue struct {
	*redis.Queue
	lost atomic.Int32
}

func (q *lossyQueue) Fetch(ctx context.Context, platform, consumer string, max int, block time.Duration) ([]delivery.Delivery, error) {
	ds, err := q.Queue.Fetch(ctx, platform, consumer, max, block)
	if err == nil && len(ds) > 0 && q.lost.Add(1) == 1 {
		return nil, errors.New("read tcp 127.0.0.1:6379: connection reset by peer")
	}
	return ds, err
}

// TestHeldListsAConsumersPendingJobs: Held gives back the jobs handed to a
// consumer and not acknowledged, breaking news first, and nothing of
// another consumer's.
func TestHeldListsAConsumersPendingJobs(t *testing.T) {
	c, prefix := redisClient(t)
	q := redis.NewQueue(c, prefix)
	ctx := context.Background()
	chat := core.ChatRef{Platform: "tg", ID: "1"}
	if err := q.Enqueue(ctx, delivery.Job{Broadcast: "lo", Chat: chat}, delivery.Job{Broadcast: "hi", Chat: chat, Priority: core.PriorityBreaking}); err != nil {
		t.Fatal(err)
	}
	ds, err := q.Fetch(ctx, "tg", "a", 10, 10*time.Millisecond)
	if err != nil || len(ds) != 1 {
		t.Fatalf("fetch: %+v %v", ds, err)
	}
	if more, err := q.Fetch(ctx, "tg", "a", 10, 10*time.Millisecond); err != nil || len(more) != 1 {
		t.Fatalf("fetch: %+v %v", more, err)
	}
	held, err := q.Held(ctx, "tg", "a", 10)
	if err != nil || len(held) != 2 || held[0].Broadcast != "hi" || held[0].Priority != core.PriorityBreaking || held[1].Broadcast != "lo" {
		t.Fatalf("Held(a) = %+v, %v; want hi then lo", held, err)
	}
	if other, err := q.Held(ctx, "tg", "b", 10); err != nil || len(other) != 0 {
		t.Errorf("Held(b) = %+v, %v; want none", other, err)
	}
	if err := q.Ack(ctx, "tg", held...); err != nil {
		t.Fatal(err)
	}
	if left, err := q.Held(ctx, "tg", "a", 10); err != nil || len(left) != 0 {
		t.Errorf("Held after the acks = %+v, %v; want none", left, err)
	}
}

// TestTakesBackJobsOfALostFetch: jobs handed out by a fetch whose answer
// was lost are delivered once the queue answers again, long before the
// reclaim of silent jobs (an hour here) would take them.
func TestTakesBackJobsOfALostFetch(t *testing.T) {
	c, prefix := redisClient(t)
	q := &lossyQueue{Queue: redis.NewQueue(c, prefix)}
	ctx := context.Background()
	cat, err := locales.Load(locales.FS(), "en")
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	const n = 5
	for i := range n {
		if _, err := st.Subscribe(ctx, core.ChatRef{Platform: "tg", ID: strconv.Itoa(i)}, content.Breaking); err != nil {
			t.Fatal(err)
		}
	}
	pol, err := core.NewChats(core.ChatsConfig{DefaultLang: "en"}, st, cat)
	if err != nil {
		t.Fatal(err)
	}
	sink := deliverytest.NewSink(delivery.Limits{}, 1)
	e, err := delivery.New(delivery.Config{Consumer: "c", ReclaimAfter: time.Hour, Block: 20 * time.Millisecond},
		delivery.Deps{Queue: q, Ledger: delivery.NewMemoryLedger(), Senders: map[string]core.Sender{"tg": sink}, Store: st, Chats: pol})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done; e.Close() })
	if err := e.Start(ctx, core.Broadcast{ID: "b1", Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking, Section: content.Breaking,
		Fallback: "en", Messages: map[string]core.Reply{"en": {Text: []string{"news"}}}}); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(10 * time.Second); sink.Counts().Chats < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d of %d chats reached 10s after a lost fetch (lost %d)", sink.Counts().Chats, n, q.lost.Load())
		}
	}
	if q.lost.Load() == 0 {
		t.Fatal("no fetch was lost: the test proves nothing")
	}
	if got := sink.Counts(); got.Dup != 0 {
		t.Errorf("%d duplicates", got.Dup)
	}
}
