package delivery_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	dredis "github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
	"github.com/newsbot/newsbot/store/redis"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

// testClock is a settable clock for core engines.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// economyAlert is a routine section alert with a card per language.
func economyAlert(id string) core.Broadcast {
	msgs := map[string]core.Reply{}
	for _, l := range []string{"ro", "ru", "en"} {
		msgs[l] = core.Reply{Lang: l, Title: "🔔", Card: &core.Card{ArticleID: id + l, Title: "Story " + id + " " + l}}
	}
	return core.Broadcast{ID: id, Kind: core.BroadcastAlert, Priority: core.PriorityRoutine, Section: "economy",
		ArticleID: id + "ro", Messages: msgs, Fallback: "ro"}
}

// waitDone waits until broadcast id is done on e.
func waitDone(t *testing.T, e *delivery.Engine, id string) core.BroadcastStatus {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := e.Status(context.Background(), id)
		if err == nil && st.Done() {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("broadcast %s not done: %+v, %v", id, st, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDigestThroughDelivery(t *testing.T) {
	r := newRig(t, inMemory, 3) // tg:1 ro, tg:2 ru, tg:3 en; economy and breaking
	ctx := context.Background()
	cat := r.rend.Catalog()
	clock := r.clock
	digestChat := r.chats[1]
	if err := r.store.SaveChatSettings(ctx, digestChat, core.ChatSettings{Lang: "ru", DigestAt: "08:00"}); err != nil {
		t.Fatal(err)
	}

	// A routine alert reaches the other two chats and waits for the digest
	// chat's digest; breaking news reaches all three at once.
	st := r.run(economyAlert("a1"))
	if st.Total != 2 || st.Sent != 2 {
		t.Errorf("routine alert: %d queued, %d sent; want 2 and 2", st.Total, st.Sent)
	}
	if n, _ := r.sink.Got(digestChat); n != 0 {
		t.Fatalf("the digest chat got the routine alert at once")
	}
	if items, err := r.store.HeldDigestItems(ctx, digestChat); err != nil || len(items) != 1 || items[0].ArticleID != "a1ru" {
		t.Fatalf("held for the digest: %v %v", items, err)
	}
	r.run(breaking("b1", "Fire"))
	if n, _ := r.sink.Got(digestChat); n != 1 {
		t.Fatalf("breaking news to the digest chat: %d messages, want 1 at once", n)
	}

	clock.set(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	if n, err := r.desk.SendDueDigests(ctx); n != 1 || err != nil {
		t.Fatalf("SendDueDigests = %d, %v", n, err)
	}
	id := core.DigestID(digestChat, time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	if st := waitDone(t, r.e, id); st.Total != 1 || st.Sent != 1 {
		t.Errorf("digest status: %+v", st)
	}
	n, text := r.sink.Got(digestChat)
	if n != 2 || !strings.Contains(text, cat.N("ru", "digest_title", 1, nil)) {
		t.Errorf("digest chat got %d messages, the last %q", n, text)
	}
	for _, c := range []core.ChatRef{r.chats[0], r.chats[2]} {
		if n, _ := r.sink.Got(c); n != 2 {
			t.Errorf("chat %v got %d messages, want the alert and the breaking news", c, n)
		}
	}
	recent, err := r.e.Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range recent {
		if s.Broadcast.Kind == core.BroadcastDigest {
			t.Errorf("a digest is listed among recent broadcasts")
		}
	}
}

// process is one bot process on a shared Redis: a delivery engine, a core
// engine and its own sink.
type process struct {
	e    *delivery.Engine
	desk *push.Desk
	sink *deliverytest.Sink
}

func TestDigestTwoEnginesOneRedis(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	ctx := context.Background()
	st, err := redis.Open(ctx, redis.Config{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	md, err := time.LoadLocation("Europe/Chisinau")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	const chats = 12
	var refs []core.ChatRef
	for i := range chats {
		c := core.ChatRef{Platform: "tg", ID: fmt.Sprint(i + 1)}
		if _, err := st.Subscribe(ctx, c, content.Breaking, "economy"); err != nil {
			t.Fatal(err)
		}
		s := core.ChatSettings{Lang: []string{"ro", "ru", "en"}[i%3], DigestAt: "08:00", Zone: "Europe/Chisinau"}
		if err := st.SaveChatSettings(ctx, c, s); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, c)
	}
	clock := &testClock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	var procs []process
	for p := range 2 {
		sink := deliverytest.NewSink(delivery.Limits{}, 1)
		chats, render := policyOn(t, st, clock.now)
		e, err := delivery.New(delivery.Config{Consumer: fmt.Sprint("p", p), Workers: 4, ReclaimAfter: 2 * time.Second, Block: 50 * time.Millisecond},
			delivery.Deps{Queue: dredis.NewQueue(st.Client(), prefix), Ledger: dredis.NewLedger(st.Client(), prefix, time.Hour),
				Senders: map[string]core.Sender{"tg": sink}, Store: st, Chats: chats, Report: render.BroadcastReport})
		if err != nil {
			t.Fatal(err)
		}
		desk := deskOn(t, st, chats, render, e, clock.now)
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); _ = e.Run(runCtx) }()
		t.Cleanup(func() { stop(); <-done; e.Close() })
		procs = append(procs, process{e: e, desk: desk, sink: sink})
	}

	// Two stories, alerted by either process: every chat holds both.
	for i, id := range []string{"a1", "a2"} {
		p := procs[i%2]
		if err := p.e.Start(ctx, economyAlert(id)); err != nil {
			t.Fatal(err)
		}
		if st := waitDone(t, p.e, id); st.Total != 0 {
			t.Fatalf("alert %s queued %d jobs; every chat is in digest mode", id, st.Total)
		}
	}
	due := time.Date(2026, 11, 30, 8, 0, 0, 0, md)
	// A third of the chats were sealed by a process that then died.
	for _, c := range refs[:chats/3] {
		if _, ok, err := st.SealDigest(ctx, c, due); !ok || err != nil {
			t.Fatalf("seal %v: %v %v", c, ok, err)
		}
	}
	// Both processes look for due digests at the same time, twice.
	clock.set(due.Add(20 * time.Second))
	var wg sync.WaitGroup
	for _, p := range procs {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := p.desk.SendDueDigests(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	for _, c := range refs {
		waitDone(t, procs[0].e, core.DigestID(c, due))
	}
	for i, c := range refs {
		total, last := 0, ""
		for _, p := range procs {
			n, text := p.sink.Got(c)
			total += n
			if n > 0 {
				last = text
			}
		}
		lang := []string{"ro", "ru", "en"}[i%3]
		if total != 1 || !strings.Contains(last, cat.N(lang, "digest_title", 2, nil)) {
			t.Errorf("chat %v got %d messages (last %q), want one digest of 2 stories", c, total, last)
		}
		if items, err := st.HeldDigestItems(ctx, c); err != nil || len(items) != 0 {
			t.Errorf("chat %v still holds %v (%v)", c, items, err)
		}
	}
	if left, err := st.DueDigests(ctx, due.Add(72*time.Hour), 0); err != nil || len(left) != 0 {
		t.Errorf("still scheduled after the digests: %v %v", left, err)
	}
	// And once more later: nothing is due, nothing is sent.
	clock.set(due.Add(time.Hour))
	for _, p := range procs {
		if n, err := p.desk.SendDueDigests(ctx); n != 0 || err != nil {
			t.Errorf("a later round started %d digests (%v)", n, err)
		}
	}
}
