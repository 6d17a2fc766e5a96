package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	dredis "github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/push"
	"github.com/newsbot/newsbot/store/memory"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

// rig is an Engine with a sink, chats subscribed to breaking news, the
// chat policy and renderer it is built with, and the push side around it.
type rig struct {
	t      *testing.T
	e      *delivery.Engine
	sink   *deliverytest.Sink
	store  *memory.Store
	clock  *testClock
	policy *core.Chats
	rend   *core.Renderer
	desk   *push.Desk
	chats  []core.ChatRef
	mu     sync.Mutex
	slept  []time.Duration
}

type backend int

const (
	inMemory backend = iota
	onRedis
)

func newRig(t *testing.T, be backend, chats int) *rig {
	t.Helper()
	return newRigSender(t, be, chats, nil)
}

// newRigSender is newRig whose platform sender is wrap(sink) when wrap is
// set.
func newRigSender(t *testing.T, be backend, chats int, wrap func(*deliverytest.Sink) core.Sender) *rig {
	t.Helper()
	r := &rig{t: t, store: memory.New(), sink: deliverytest.NewSink(delivery.Limits{}, 1),
		clock: &testClock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}}
	r.policy, r.rend = policyOn(t, r.store, r.clock.now)
	ctx := context.Background()
	for i := range chats {
		c := core.ChatRef{Platform: "tg", ID: fmt.Sprint(i + 1)}
		if _, err := r.store.Subscribe(ctx, c, content.Breaking, "economy"); err != nil {
			t.Fatal(err)
		}
		lang := []string{"ro", "ru", "en"}[i%3]
		if err := r.store.SaveChatSettings(ctx, c, core.ChatSettings{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		r.chats = append(r.chats, c)
	}
	var sender core.Sender = r.sink
	if wrap != nil {
		sender = wrap(r.sink)
	}
	deps := delivery.Deps{Queue: delivery.NewMemoryQueue(), Ledger: delivery.NewMemoryLedger(), Limiter: delivery.NewMemoryLimiter(nil),
		Senders: map[string]core.Sender{"tg": sender}, Store: r.store, Chats: r.policy, Report: r.rend.BroadcastReport}
	if be == onRedis {
		url := redistest.URL(t)
		prefix := redistest.Prefix(t)
		redistest.CleanPrefix(t, url, prefix)
		opts, err := goredis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		c := goredis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		deps.Queue, deps.Ledger = dredis.NewQueue(c, prefix), dredis.NewLedger(c, prefix, time.Hour)
		deps.Limiter = dredis.NewLimiter(c, prefix, map[string]delivery.Limits{"tg": {Global: delivery.Rate{Count: 1000, Per: time.Second}}})
	}
	e, err := delivery.New(delivery.Config{Consumer: "test", Workers: 8, ReclaimAfter: 600 * time.Millisecond, Block: 50 * time.Millisecond,
		ProgressEvery: 20 * time.Millisecond, MaxAttempts: 3}, deps)
	if err != nil {
		t.Fatal(err)
	}
	// Retries wait no real time in tests; the waits are recorded.
	e.SetClock(nil, func(ctx context.Context, d time.Duration) error {
		r.mu.Lock()
		r.slept = append(r.slept, d)
		r.mu.Unlock()
		return ctx.Err()
	})
	r.desk = deskOn(t, r.store, r.policy, r.rend, e, r.clock.now)
	r.e = e
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done; e.Close() })
	return r
}

func breaking(id, text string) core.Broadcast {
	msgs := map[string]core.Reply{}
	for _, l := range []string{"ro", "ru", "en"} {
		msgs[l] = core.Reply{Lang: l, Title: "⚡", Text: []string{l + ": " + text}}
	}
	return core.Broadcast{ID: id, Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking, Section: content.Breaking, Messages: msgs, Fallback: "ro"}
}

// run starts b and waits until it is done.
func (r *rig) run(b core.Broadcast) core.BroadcastStatus {
	r.t.Helper()
	ctx := context.Background()
	if err := r.e.Start(ctx, b); err != nil {
		r.t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		st, err := r.e.Status(ctx, b.ID)
		if err == nil && st.Done() {
			return st
		}
		time.Sleep(10 * time.Millisecond)
	}
	st, _ := r.e.Status(ctx, b.ID)
	r.t.Fatalf("broadcast %s not done: %+v", b.ID, st)
	return st
}

func TestDeliveryErrorClasses(t *testing.T) {
	for _, be := range []backend{inMemory, onRedis} {
		t.Run([]string{"memory", "redis"}[be], func(t *testing.T) {
			r := newRig(t, be, 6)
			// Chat 1 is rate limited once, 2 fails twice then works, 3 always
			// fails, 4 blocked the bot, 5 moved to 500, 6 rejects the markup.
			r.sink.Fail = func(op string, c core.ChatRef, n int) error {
				switch c.ID {
				case "1":
					if n == 1 {
						return &core.DeliveryError{Class: core.DeliveryRetryAfter, RetryAfter: 7 * time.Second, Reason: "flood"}
					}
				case "2":
					if n <= 2 {
						return &core.DeliveryError{Class: core.DeliveryTransient, Reason: "502"}
					}
				case "3":
					return errors.New("connection reset")
				case "4":
					return &core.DeliveryError{Class: core.DeliveryGone, Reason: "blocked"}
				case "5":
					return &core.DeliveryError{Class: core.DeliveryMoved, MovedTo: "500", Reason: "migrated"}
				case "6":
					return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "bad_markup"}
				}
				return nil
			}
			st := r.run(breaking("bclass", "Fire"))
			if st.Sent != 3 || st.Gone != 1 || st.Moved != 1 || st.Total != 6 {
				t.Errorf("status: %+v", st)
			}
			wantFailed := map[string]int{"transient:unknown": 1, "gone:blocked": 1, "rejected:bad_markup": 1}
			for k, v := range wantFailed {
				if st.Failed[k] != v {
					t.Errorf("failed[%s] = %d, want %d (%v)", k, st.Failed[k], v, st.Failed)
				}
			}
			ctx := context.Background()
			if n, text := r.sink.Got(core.ChatRef{Platform: "tg", ID: "1"}); n != 1 || text != "⚡\nro: Fire" {
				t.Errorf("chat 1 got %d %q", n, text)
			}
			if n, _ := r.sink.Got(core.ChatRef{Platform: "tg", ID: "2"}); n != 1 {
				t.Errorf("chat 2 got %d", n)
			}
			if secs, _ := r.store.ChatSections(ctx, core.ChatRef{Platform: "tg", ID: "4"}); len(secs) != 0 {
				t.Errorf("gone chat still subscribed to %v", secs)
			}
			if secs, _ := r.store.ChatSections(ctx, core.ChatRef{Platform: "tg", ID: "5"}); len(secs) != 0 {
				t.Errorf("moved chat still subscribed to %v", secs)
			}
			moved := core.ChatRef{Platform: "tg", ID: "500"}
			if secs, _ := r.store.ChatSections(ctx, moved); strings.Join(secs, ",") != "breaking,economy" {
				t.Errorf("new chat has %v", secs)
			}
			if n, text := r.sink.Got(moved); n != 1 || !strings.Contains(text, "ru: Fire") {
				t.Errorf("moved chat got %d %q (want its ru text)", n, text)
			}
			r.mu.Lock()
			defer r.mu.Unlock()
			if !containsDur(r.slept, 7*time.Second) {
				t.Errorf("429 retry_after not waited exactly: %v", r.slept)
			}
			m := r.e.Metrics().Snapshot()
			if m.RateLimited != 1 || m.Failed[core.DeliveryGone] != 1 || m.Failed[core.DeliveryTransient] != 1 || m.Retried < 4 {
				t.Errorf("metrics: %+v", m)
			}
		})
	}
}

func containsDur(ds []time.Duration, d time.Duration) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

func TestCorrectAndRetract(t *testing.T) {
	for _, be := range []backend{inMemory, onRedis} {
		t.Run([]string{"memory", "redis"}[be], func(t *testing.T) {
			r := newRig(t, be, 4)
			r.sink.Fail = func(op string, c core.ChatRef, n int) error {
				if c.ID == "4" && op == "send" {
					return &core.DeliveryError{Class: core.DeliveryGone, Reason: "kicked"}
				}
				return nil
			}
			r.run(breaking("borig", "Fire"))
			corr := breaking("bcorr", "Fire, corrected")
			corr.Kind, corr.Target, corr.Section = core.BroadcastCorrect, "borig", ""
			st := r.run(corr)
			if st.Total != 3 || st.Sent != 3 {
				t.Errorf("correction: %+v", st)
			}
			if _, text := r.sink.Got(r.chats[1]); text != "⚡\nru: Fire, corrected" {
				t.Errorf("chat 2 shows %q after the correction", text)
			}
			ret := core.Broadcast{ID: "bret", Kind: core.BroadcastRetract, Target: "borig"}
			if st := r.run(ret); st.Total != 3 || st.Sent != 3 {
				t.Errorf("retraction: %+v", st)
			}
			for _, c := range r.chats[:3] {
				if r.sink.Deleted(c) != 1 {
					t.Errorf("%s: %d deletions", c, r.sink.Deleted(c))
				}
			}
			if got := r.sink.Counts(); got.Messages != 3 || got.Edits != 3 || got.Deletes != 3 {
				t.Errorf("sink: %+v", got)
			}
		})
	}
}

func TestIdempotentJobs(t *testing.T) {
	r := newRig(t, inMemory, 3)
	b := breaking("bidem", "Once")
	r.run(b)
	// The same broadcast started again, and its jobs queued again as a
	// reclaim would: nothing is sent twice.
	if err := r.e.Start(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	var jobs []delivery.Job
	for _, c := range r.chats {
		jobs = append(jobs, delivery.Job{Broadcast: b.ID, Chat: c, Lang: "ro"})
	}
	if err := r.e.JobQueue().Enqueue(context.Background(), jobs...); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.e.Metrics().Snapshot().Skipped < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := r.sink.Counts(); got.Dup != 0 || got.Messages != 3 || r.e.Metrics().Snapshot().Skipped != 3 {
		t.Errorf("repeated jobs: sink %+v metrics %+v", got, r.e.Metrics().Snapshot())
	}
}

func TestProgressReport(t *testing.T) {
	r := newRig(t, inMemory, 5)
	mod := core.ChatRef{Platform: "tg", ID: "mod"}
	b := breaking("bprog", "Fire")
	b.Report, b.ReportLang = &core.SentRef{Chat: mod, MessageID: "9"}, "en"
	r.run(b)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, text := r.sink.Got(mod); strings.Contains(text, "Delivered to 5 chats.") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, text := r.sink.Got(mod)
	t.Errorf("final report not edited in: %q", text)
}
