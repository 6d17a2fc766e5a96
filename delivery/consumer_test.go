package delivery

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
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

// enqueueHook queues a job right after the first non-blocking XREADGROUP,
// as another process starting a broadcast between Fetch's quick look at the
// breaking stream and its blocking read of both.
type enqueueHook struct {
	q     *RedisQueue
	job   Job
	fired atomic.Bool
}

func (h *enqueueHook) DialHook(n goredis.DialHook) goredis.DialHook { return n }
func (h *enqueueHook) ProcessPipelineHook(n goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return n
}
func (h *enqueueHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		args := strings.ToLower(fmt.Sprint(cmd.Args()))
		if strings.EqualFold(cmd.Name(), "xreadgroup") && !strings.Contains(args, "block") && h.fired.CompareAndSwap(false, true) {
			_ = h.q.Enqueue(context.WithoutCancel(ctx), h.job)
		}
		return err
	}
}

func TestRedisFetchHonoursMax(t *testing.T) {
	c, prefix := redisClient(t)
	q := NewRedisQueue(c, prefix)
	ctx := context.Background()
	chat := core.ChatRef{Platform: "tg", ID: "1"}
	if err := q.Enqueue(ctx, Job{Broadcast: "lo", Chat: chat}, Job{Broadcast: "lo", Chat: chat}); err != nil {
		t.Fatal(err)
	}
	c.AddHook(&enqueueHook{q: q, job: Job{Broadcast: "hi", Chat: chat, Priority: core.PriorityBreaking}})
	ds, err := q.Fetch(ctx, "tg", "a", 1, 100*time.Millisecond)
	if err != nil || len(ds) != 1 || ds[0].Broadcast != "hi" {
		t.Fatalf("Fetch(max=1) = %+v, %v; want the breaking job alone", ds, err)
	}
	// The routine job read along with it is handed back: another consumer
	// reclaims it at once, whatever the idle time asked.
	got, err := q.Reclaim(ctx, "tg", "b", time.Hour, 10)
	if err != nil || len(got) != 1 || got[0].Broadcast != "lo" {
		t.Fatalf("reclaim after an over-read: %+v, %v; want the released routine job", got, err)
	}
}

// overQueue hands out one job more than asked, as a queue that reads
// several streams may.
type overQueue struct{ *MemoryQueue }

func (q overQueue) Fetch(ctx context.Context, platform, consumer string, max int, block time.Duration) ([]Delivery, error) {
	return q.MemoryQueue.Fetch(ctx, platform, consumer, max+1, block)
}

func TestConsumerOverFetchStops(t *testing.T) {
	ctx := context.Background()
	q := overQueue{NewMemoryQueue()}
	chat := core.ChatRef{Platform: "tg", ID: "1"}
	for i := range 4 {
		if err := q.Enqueue(ctx, Job{Broadcast: fmt.Sprint("b", i), Chat: chat}); err != nil {
			t.Fatal(err)
		}
	}
	sink := NewSink(Limits{}, 1)
	e, err := New(Config{Consumer: "a", Workers: 1, Block: 20 * time.Millisecond, Drain: time.Second},
		Deps{Queue: q, Ledger: NewMemoryLedger(), Store: memory.New(), Senders: map[string]core.Sender{"tg": sink}})
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
	if n := e.Metrics().inFlight.Load(); n != 0 {
		t.Errorf("%d jobs still counted in flight", n)
	}
}

