package redis_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

// enqueueHook queues a job right after the first non-blocking XREADGROUP,
// as another process starting a broadcast between Fetch's quick look at the
// breaking stream and its blocking read of both.
type enqueueHook struct {
	q     *redis.Queue
	job   delivery.Job
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

func TestFetchHonoursMax(t *testing.T) {
	c, prefix := redisClient(t)
	q := redis.NewQueue(c, prefix)
	ctx := context.Background()
	chat := core.ChatRef{Platform: "tg", ID: "1"}
	if err := q.Enqueue(ctx, delivery.Job{Broadcast: "lo", Chat: chat}, delivery.Job{Broadcast: "lo", Chat: chat}); err != nil {
		t.Fatal(err)
	}
	c.AddHook(&enqueueHook{q: q, job: delivery.Job{Broadcast: "hi", Chat: chat, Priority: core.PriorityBreaking}})
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

func TestTouchKeepsOthersJobs(t *testing.T) {
	c, prefix := redisClient(t)
	q := redis.NewQueue(c, prefix)
	ctx := context.Background()
	if err := q.Enqueue(ctx, delivery.Job{Broadcast: "b", Chat: core.ChatRef{Platform: "tg", ID: "1"}}); err != nil {
		t.Fatal(err)
	}
	ds, err := q.Fetch(ctx, "tg", "a", 10, 10*time.Millisecond)
	if err != nil || len(ds) != 1 {
		t.Fatalf("fetch %+v %v", ds, err)
	}
	time.Sleep(30 * time.Millisecond)
	if got, err := q.Reclaim(ctx, "tg", "b", 20*time.Millisecond, 10); err != nil || len(got) != 1 {
		t.Fatalf("reclaim %+v %v", got, err)
	}
	// a, slow, still thinks it holds the job.
	if err := q.Touch(ctx, "tg", "a", ds...); err != nil {
		t.Fatal(err)
	}
	p, err := c.XPendingExt(ctx, &goredis.XPendingExtArgs{Stream: q.Stream("tg", core.PriorityRoutine), Group: redis.Group, Start: "-", End: "+", Count: 10}).Result()
	if err != nil || len(p) != 1 {
		t.Fatalf("pending %+v %v", p, err)
	}
	if p[0].Consumer != "b" {
		t.Errorf("the job is pending on %q after a's touch, want b (who reclaimed it)", p[0].Consumer)
	}
}

func TestQueue(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	opts, _ := goredis.ParseURL(url)
	c := goredis.NewClient(opts)
	defer c.Close()
	q := redis.NewQueue(c, prefix)
	ctx := context.Background()
	chat := core.ChatRef{Platform: "tg", ID: "1"}
	if err := q.Enqueue(ctx, delivery.Job{Broadcast: "routine", Chat: chat}, delivery.Job{Broadcast: "urgent", Chat: chat, Priority: core.PriorityBreaking}); err != nil {
		t.Fatal(err)
	}
	ds, err := q.Fetch(ctx, "tg", "a", 10, 10*time.Millisecond)
	if err != nil || len(ds) != 1 || ds[0].Broadcast != "urgent" {
		t.Fatalf("first fetch %+v %v, want the breaking job alone", ds, err)
	}
	more, _ := q.Fetch(ctx, "tg", "a", 10, 10*time.Millisecond)
	if len(more) != 1 || more[0].Broadcast != "routine" {
		t.Fatalf("second fetch %+v", more)
	}
	if n, _ := q.Depth(ctx, "tg"); n != 2 {
		t.Errorf("depth %d, want 2 pending", n)
	}
	// Consumer a dies; b reclaims only after the idle time.
	if got, _ := q.Reclaim(ctx, "tg", "b", time.Hour, 10); len(got) != 0 {
		t.Errorf("reclaimed fresh jobs: %+v", got)
	}
	time.Sleep(30 * time.Millisecond)
	if err := q.Touch(ctx, "tg", "a", ds...); err != nil {
		t.Fatal(err)
	}
	got, err := q.Reclaim(ctx, "tg", "b", 20*time.Millisecond, 10)
	if err != nil || len(got) != 1 || got[0].Broadcast != "routine" {
		t.Fatalf("reclaim %+v %v, want the untouched routine job", got, err)
	}
	if err := q.Ack(ctx, "tg", append(ds, got...)...); err != nil {
		t.Fatal(err)
	}
	if n, _ := q.Depth(ctx, "tg"); n != 0 {
		t.Errorf("depth %d after ack", n)
	}
	if none, err := q.Fetch(ctx, "tg", "a", 10, 10*time.Millisecond); err != nil || len(none) != 0 {
		t.Errorf("empty fetch: %+v %v", none, err)
	}
}

func TestForgetsIdleConsumers(t *testing.T) {
	c, prefix := redisClient(t)
	q := redis.NewQueue(c, prefix)
	ctx := context.Background()
	chat := core.ChatRef{Platform: "tg", ID: "1"}
	if err := q.Enqueue(ctx, delivery.Job{Broadcast: "b", Chat: chat}); err != nil {
		t.Fatal(err)
	}
	// "busy" holds a job, "gone" and "me" hold none.
	if ds, err := q.Fetch(ctx, "tg", "busy", 1, 10*time.Millisecond); err != nil || len(ds) != 1 {
		t.Fatalf("fetch %v %v", ds, err)
	}
	for _, name := range []string{"gone", "me"} {
		for _, p := range []core.Priority{core.PriorityBreaking, core.PriorityRoutine} {
			if err := c.XGroupCreateConsumer(ctx, q.Stream("tg", p), redis.Group, name).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	time.Sleep(60 * time.Millisecond)
	n, err := q.ForgetConsumers(ctx, "tg", "me", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, p := range []core.Priority{core.PriorityBreaking, core.PriorityRoutine} {
		cs, err := c.XInfoConsumers(ctx, q.Stream("tg", p), redis.Group).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			left = append(left, c.Name)
		}
	}
	// "gone" is in both streams' groups; "busy" holds a routine job.
	if n != 2 || !slices.Contains(left, "busy") || slices.Contains(left, "gone") || !slices.Contains(left, "me") {
		t.Errorf("forgot %d, left %v; want gone forgotten in both groups, busy and me kept", n, left)
	}
}
