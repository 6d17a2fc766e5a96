package telegram_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
)

// memLease is a lease in memory with the store/redis Lease's semantics.
type memLease struct {
	mu     sync.Mutex
	holder string
	until  time.Time
}

func (l *memLease) Hold(_ context.Context, holder string, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder != holder && l.holder != "" && time.Now().Before(l.until) {
		return false, nil
	}
	l.holder, l.until = holder, time.Now().Add(ttl)
	return true, nil
}

func (l *memLease) Release(_ context.Context, holder string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder == holder {
		l.holder = ""
	}
	return nil
}

func TestOneProcessPollsUnderTheLease(t *testing.T) {
	srv := telegramtest.NewServer(telegramtest.Options{})
	t.Cleanup(srv.Close)
	lease := &memLease{}
	e := newEngine(t)
	type running struct {
		bot  *telegram.Bot
		stop context.CancelFunc
		done chan struct{} // closed when Run returned
	}
	run := func() running {
		cfg := telegram.Config{Token: srv.Token(), APIEndpoint: srv.Endpoint(), PollTimeout: time.Second, Lease: lease, LeaseTTL: 500 * time.Millisecond}
		bot, err := telegram.New(context.Background(), cfg, e.Catalog(), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		r := running{bot: bot, stop: stop, done: make(chan struct{})}
		go func() {
			defer close(r.done)
			if err := bot.Run(ctx, e); err != nil {
				t.Errorf("Run: %v", err)
			}
		}()
		t.Cleanup(func() { stop(); <-r.done })
		return r
	}
	a := run()
	if !sleepUntil(func() bool { return a.bot.PollingState() == telegram.PollingHolding }, 5*time.Second) {
		t.Fatalf("the first bot polls not: %s", a.bot.PollingState())
	}
	b := run()
	if !sleepUntil(func() bool { return b.bot.PollingState() == telegram.PollingWaiting }, 5*time.Second) {
		t.Fatalf("the second bot: %s, want waiting", b.bot.PollingState())
	}
	before := len(srv.Calls("getUpdates"))
	h := srv.UserMessage(john.ID, john, "/sections")
	if !srv.Await(5*time.Second, func() bool { return len(srv.Messages(john.ID)) == 1 }) {
		t.Fatalf("update %d not answered", h)
	}
	if a.bot.PollingState() != telegram.PollingHolding || b.bot.PollingState() != telegram.PollingWaiting {
		t.Errorf("states %s and %s while the first holds the lease", a.bot.PollingState(), b.bot.PollingState())
	}
	if len(srv.Calls("getUpdates")) == before {
		t.Error("nobody polled")
	}
	// The holder stops: the other takes over and answers.
	a.stop()
	<-a.done
	if !sleepUntil(func() bool { return b.bot.PollingState() == telegram.PollingHolding }, 5*time.Second) {
		t.Fatalf("the second bot did not take over: %s", b.bot.PollingState())
	}
	srv.UserMessage(john.ID, john, "/sections")
	if !srv.Await(5*time.Second, func() bool { return len(srv.Messages(john.ID)) == 2 }) {
		t.Fatal("the update after the takeover was not answered")
	}
}

// sleepUntil polls cond every 20ms until it holds (true) or d passed.
func sleepUntil(cond func() bool, d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return false
}
