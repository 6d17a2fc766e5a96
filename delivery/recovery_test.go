package delivery_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/store/memory"
)

// outageLedger fails every call that reads or records an outcome while
// down is set, as a ledger on a Redis that restarts.
type outageLedger struct {
	delivery.Ledger
	down  atomic.Bool
	fails atomic.Int64
}

var errOutage = errors.New("ledger unreachable")

func (l *outageLedger) Outcome(ctx context.Context, id string, chat core.ChatRef) (delivery.Outcome, bool, error) {
	if l.down.Load() {
		l.fails.Add(1)
		return delivery.Outcome{}, false, errOutage
	}
	return l.Ledger.Outcome(ctx, id, chat)
}

// A consumer retries its own jobs that failed on a fault, within seconds,
// rather than leaving them pending for a reclaim (an hour away here).
func TestConsumerRetriesItsOwnFailedJobs(t *testing.T) {
	ctx := context.Background()
	cat, err := locales.Load(locales.FS(), "en")
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	const n = 20
	for i := range n {
		if _, err := st.Subscribe(ctx, core.ChatRef{Platform: "tg", ID: string(rune('a' + i))}, content.Breaking); err != nil {
			t.Fatal(err)
		}
	}
	pol, err := core.NewChats(core.ChatsConfig{DefaultLang: "en"}, st, cat)
	if err != nil {
		t.Fatal(err)
	}
	sink := deliverytest.NewSink(delivery.Limits{}, 1)
	led := &outageLedger{Ledger: delivery.NewMemoryLedger()}
	led.down.Store(true)
	e, err := delivery.New(delivery.Config{Consumer: "c", ReclaimAfter: time.Hour, Block: 20 * time.Millisecond},
		delivery.Deps{Queue: delivery.NewMemoryQueue(), Ledger: led, Senders: map[string]core.Sender{"tg": sink}, Store: st, Chats: pol})
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
	// Every job fails at least once while the ledger is down.
	for end := time.Now().Add(5 * time.Second); led.fails.Load() < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("only %d failed reads while the ledger was down", led.fails.Load())
		}
	}
	if got := sink.Counts().Chats; got != 0 {
		t.Fatalf("%d chats reached while the ledger was down", got)
	}
	led.down.Store(false)
	for end := time.Now().Add(10 * time.Second); sink.Counts().Chats < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d of %d chats reached 10s after the ledger came back", sink.Counts().Chats, n)
		}
	}
	if c := sink.Counts(); c.Dup != 0 {
		t.Errorf("%d chats got the news twice", c.Dup)
	}
}
