package redis_test

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisstore "github.com/newsbot/newsbot/store/redis"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

func TestLease(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	ctx := context.Background()
	l := redisstore.NewLease(c, prefix, "telegram-polling")
	hold := func(holder string, ttl time.Duration) bool {
		t.Helper()
		ok, err := l.Hold(ctx, holder, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !hold("a", time.Minute) {
		t.Fatal("a free lease was not taken")
	}
	if hold("b", time.Minute) {
		t.Error("b took a lease a holds")
	}
	if !hold("a", 200*time.Millisecond) {
		t.Error("a could not renew its lease")
	}
	// Renewed to 200ms: once that passes without a renewal, b takes it.
	deadline := time.Now().Add(5 * time.Second)
	for !hold("b", time.Minute) {
		if time.Now().After(deadline) {
			t.Fatal("b never took the lease a stopped renewing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if hold("a", time.Minute) {
		t.Error("a took back the lease b holds")
	}
	// A release by someone else changes nothing; b's own frees it at once.
	if err := l.Release(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if hold("c", time.Minute) {
		t.Error("c took the lease after a's release of b's lease")
	}
	if err := l.Release(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if !hold("c", time.Minute) {
		t.Error("c did not take the lease b released")
	}
}
