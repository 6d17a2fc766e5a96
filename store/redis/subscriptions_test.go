package redis_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/redis"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

// TestSubscriptionLayout checks the memory side of the key schema: buckets
// are compact listpacks, a chat costs no key of its own, and nothing is left
// once every chat has unsubscribed.
func TestSubscriptionLayout(t *testing.T) {
	t.Parallel()
	s := open(t, redistest.URL(t))
	ctx := context.Background()
	c := s.Client()
	const n = 3000
	subs := make([]redis.Subscription, n)
	for i := range subs {
		subs[i] = redis.Subscription{
			Chat:     core.ChatRef{Platform: "telegram", ID: fmt.Sprint(-1001000000000 - i)},
			Sections: []string{"sport", "politics", "culture"}[:1+i%3],
		}
	}
	if added, err := s.SubscribeMany(ctx, subs); err != nil || added != 2*n {
		t.Fatalf("SubscribeMany = %d, %v; want %d", added, err, 2*n)
	}
	keys, err := c.Keys(ctx, s.Prefix()+"subs:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	// Every chat bucket and section bucket, at most one per subscription,
	// a bitmap per section and the counts.
	if len(keys) > 3*n+4 {
		t.Errorf("%d subscription keys for %d chats", len(keys), n)
	}
	for _, k := range keys {
		enc, err := c.ObjectEncoding(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		rest := strings.TrimPrefix(k, s.Prefix())
		wantEnc := map[bool]string{true: "listpack", false: "raw"}[!strings.HasPrefix(rest, "subs:buckets:")]
		// Redis 6 calls a small hash a ziplist.
		if enc != wantEnc && !(wantEnc == "listpack" && enc == "ziplist") {
			t.Errorf("%s is encoded as %s, want %s", rest, enc, wantEnc)
		}
	}
	for sec, want := range map[string]int{"sport": n, "politics": 2 * n / 3, "culture": n / 3} {
		if got, err := s.CountSectionChats(ctx, sec); err != nil || got != want {
			t.Errorf("CountSectionChats(%s) = %d, %v; want %d", sec, got, err, want)
		}
	}

	if removed, err := s.UnsubscribeMany(ctx, subs[:n/2]); err != nil || removed != n {
		t.Fatalf("UnsubscribeMany = %d, %v; want %d", removed, err, n)
	}
	for _, sub := range subs[n/2:] {
		if _, err := s.UnsubscribeAll(ctx, sub.Chat); err != nil {
			t.Fatal(err)
		}
	}
	left, err := c.Keys(ctx, s.Prefix()+"subs:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Fatalf("keys left after every chat unsubscribed: %q", left)
	}
}
