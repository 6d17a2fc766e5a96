package redis_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery/redis"
)

// failOnceHook fails the first script call, or pipeline of HSETs, like a
// connection lost in the middle of Create.
type failOnceHook struct{ fired atomic.Bool }

func (h *failOnceHook) DialHook(n goredis.DialHook) goredis.DialHook { return n }

func (h *failOnceHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		if len(cmds) > 0 && cmds[0].Name() == "hset" && h.fired.CompareAndSwap(false, true) {
			return errors.New("connection lost")
		}
		return next(ctx, cmds)
	}
}

func (h *failOnceHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if strings.HasPrefix(strings.ToLower(cmd.Name()), "eval") && h.fired.CompareAndSwap(false, true) {
			return errors.New("connection lost")
		}
		return next(ctx, cmd)
	}
}

func TestCreateAtomic(t *testing.T) {
	c, prefix := redisClient(t)
	ctx := context.Background()
	led := redis.NewLedger(c, prefix, time.Hour)
	c.AddHook(&failOnceHook{})
	b := core.Broadcast{ID: "batomic", Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking, Section: content.Breaking,
		Fallback: "ro", Messages: map[string]core.Reply{"ro": {Title: "⚡", Text: []string{"ro: x"}}}}
	if created, err := led.Create(ctx, b); err == nil {
		t.Fatalf("Create through a lost connection: created %v, no error", created)
	}
	// Retried, as core retries a failed Start: it is created now, whole.
	created, err := led.Create(ctx, b)
	if err != nil || !created {
		t.Fatalf("retried Create: created %v, %v; want a fresh creation (nothing half-recorded)", created, err)
	}
	recent, err := led.Recent(ctx, 10)
	if err != nil || len(recent) != 1 || recent[0].Broadcast.ID != "batomic" {
		t.Errorf("recent %+v %v", recent, err)
	}
	if ids, err := led.Unlisted(ctx); err != nil || len(ids) != 1 {
		t.Errorf("unlisted %v %v", ids, err)
	}
}
