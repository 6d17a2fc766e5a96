package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	dredis "github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/store/memory"
)

// brokenStore lists section chats through a memory store, but fails (or,
// with hang, blocks until ctx ends) on batch failAt of the first listings.
type brokenStore struct {
	*memory.Store
	failAt   int
	failures atomic.Int32 // listings still to break
	hang     bool
}

func (s *brokenStore) SectionChats(ctx context.Context, section string, batch int, fn func([]core.ChatRef) error) error {
	broken := s.failures.Add(-1) >= 0
	n := 0
	return s.Store.SectionChats(ctx, section, batch, func(chats []core.ChatRef) error {
		if n++; broken && n == s.failAt {
			if s.hang {
				<-ctx.Done()
				return ctx.Err()
			}
			return errors.New("store unavailable")
		}
		return fn(chats)
	})
}

func subscribed(t *testing.T, n int) (*memory.Store, []core.ChatRef) {
	t.Helper()
	st := memory.New()
	var chats []core.ChatRef
	for i := range n {
		c := core.ChatRef{Platform: "tg", ID: fmt.Sprint(100 + i)}
		if _, err := st.Subscribe(context.Background(), c, content.Breaking); err != nil {
			t.Fatal(err)
		}
		chats = append(chats, c)
	}
	return st, chats
}

func TestListingRetried(t *testing.T) {
	ctx := context.Background()
	mem, chats := subscribed(t, 20)
	st := &brokenStore{Store: mem, failAt: 2}
	st.failures.Store(2)
	sink := deliverytest.NewSink(delivery.Limits{}, 1)
	e, err := delivery.New(delivery.Config{Consumer: "a", ListBatch: 5, Block: 20 * time.Millisecond, Backoff: 10 * time.Millisecond},
		delivery.Deps{Queue: delivery.NewMemoryQueue(), Ledger: delivery.NewMemoryLedger(), Store: st, Chats: chatsOn(t, st), Senders: map[string]core.Sender{"tg": sink}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(runCtx) }()
	defer func() { stop(); <-done; e.Close() }()
	if err := e.Start(ctx, breaking("blist", "x")); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, e, "blist")
	if s.Total != 20 || s.Sent != 20 {
		t.Errorf("status total %d sent %d, want 20 and 20 after a store error while listing", s.Total, s.Sent)
	}
	for _, c := range chats {
		if n, _ := sink.Got(c); n != 1 {
			t.Errorf("%s got %d messages", c, n)
		}
	}
}

func TestListingResumedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	c, prefix := redisClient(t)
	mem, chats := subscribed(t, 20)
	broken := &brokenStore{Store: mem, failAt: 3, hang: true}
	broken.failures.Store(1)
	q, led := dredis.NewQueue(c, prefix), dredis.NewLedger(c, prefix, time.Hour)
	cfg := delivery.Config{ListBatch: 5, ReclaimAfter: 600 * time.Millisecond, Block: 20 * time.Millisecond}
	cfg.Consumer = "A"
	sinkA, sinkB := deliverytest.NewSink(delivery.Limits{}, 1), deliverytest.NewSink(delivery.Limits{}, 1)
	a, err := delivery.New(cfg, delivery.Deps{Queue: q, Ledger: led, Store: broken, Chats: chatsOn(t, broken), Senders: map[string]core.Sender{"tg": sinkA}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Consumer = "B"
	b, err := delivery.New(cfg, delivery.Deps{Queue: q, Ledger: led, Store: mem, Chats: chatsOn(t, mem), Senders: map[string]core.Sender{"tg": sinkB}})
	if err != nil {
		t.Fatal(err)
	}
	// A starts the broadcast, its listing stalls on the third batch, and A
	// stops.
	actx, stopA := context.WithCancel(ctx)
	aDone := make(chan struct{})
	go func() { defer close(aDone); _ = a.Run(actx) }()
	if err := a.Start(ctx, breaking("bresume", "x")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	stopA()
	<-aDone
	a.Close()
	if s, _ := led.Status(ctx, "bresume"); s.Listed {
		t.Fatalf("interrupted listing recorded as complete: %+v", s)
	}
	bctx, stopB := context.WithCancel(ctx)
	bDone := make(chan struct{})
	go func() { defer close(bDone); _ = b.Run(bctx) }()
	defer func() { stopB(); <-bDone; b.Close() }()
	s := waitDone(t, b, "bresume")
	if s.Total != 20 || s.Sent != 20 {
		t.Errorf("status total %d sent %d, want 20 and 20", s.Total, s.Sent)
	}
	for _, c := range chats {
		na, _ := sinkA.Got(c)
		nb, _ := sinkB.Got(c)
		if na+nb != 1 {
			t.Errorf("%s got %d messages", c, na+nb)
		}
	}
	if ids, err := led.Unlisted(ctx); err != nil || len(ids) != 0 {
		t.Errorf("still unlisted: %v %v", ids, err)
	}
}

func TestMemoryLedgerPrunes(t *testing.T) {
	ctx := context.Background()
	l := delivery.NewMemoryLedger()
	clock := &testClock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	l.SetNow(clock.now)
	digest := core.Broadcast{ID: "d1", Kind: core.BroadcastDigest}
	for _, b := range []core.Broadcast{breaking("old", "x"), digest} {
		if _, err := l.Create(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Finish(ctx, "old", core.ChatRef{Platform: "tg", ID: "1"}, delivery.Outcome{Ref: &core.SentRef{MessageID: "1"}}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		after time.Duration
		id    string
		kept  []string
	}{
		{"a digest past DigestKeep", delivery.DigestKeep + time.Hour, "new1", []string{"old", "new1"}},
		{"news past DefaultKeep", delivery.DefaultKeep - delivery.DigestKeep, "new2", []string{"new1", "new2"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clock.set(clock.now().Add(s.after))
			if _, err := l.Create(ctx, breaking(s.id, "x")); err != nil {
				t.Fatal(err)
			}
			var have []string
			for _, id := range []string{"old", "d1", "new1", "new2"} {
				if _, err := l.Status(ctx, id); err == nil {
					have = append(have, id)
				}
			}
			if strings.Join(have, ",") != strings.Join(s.kept, ",") {
				t.Errorf("kept %v, want %v", have, s.kept)
			}
			if outcomes, recent := l.Kept(); outcomes != len(s.kept) || recent != len(s.kept) {
				t.Errorf("%d outcome maps and %d recent entries for %d broadcasts", outcomes, recent, len(s.kept))
			}
		})
	}
}

func TestListedBroadcastNotListedAgain(t *testing.T) {
	r := newRig(t, inMemory, 3)
	b := breaking("bonce", "x")
	r.run(b)
	// A resume that read Unlisted before the listing finished comes late.
	if err := r.e.List(context.Background(), b, true, true); err != nil {
		t.Fatal(err)
	}
	if n, err := r.e.JobQueue().Depth(context.Background(), "tg"); err != nil || n != 0 {
		t.Errorf("%d jobs queued again for a listed broadcast (%v)", n, err)
	}
}
