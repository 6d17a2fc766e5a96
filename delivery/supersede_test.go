package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
)

func TestSupersededDuringFanout(t *testing.T) {
	tests := []struct {
		name string
		kind core.BroadcastKind
	}{
		{"retract", core.BroadcastRetract},
		{"correct", core.BroadcastCorrect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, chats := subscribed(t, 40)
			// 40 chats at 20 a second: the fan-out takes two seconds.
			lim := delivery.LimitsOf(telegramLike("tg", 20))
			sink := deliverytest.NewSink(lim, 20)
			e, err := delivery.New(delivery.Config{Consumer: "a", Block: 20 * time.Millisecond, ProgressEvery: 50 * time.Millisecond},
				delivery.Deps{Queue: delivery.NewMemoryQueue(), Ledger: delivery.NewMemoryLedger(), Limiter: delivery.NewMemoryLimiter(map[string]delivery.Limits{"tg": lim}),
					Senders: map[string]core.Sender{"tg": sink}, Store: st, Chats: chatsOn(t, st)})
			if err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); _ = e.Run(runCtx) }()
			defer func() { stop(); <-done; e.Close() }()
			if err := e.Start(ctx, breaking("bfalse", "false report")); err != nil {
				t.Fatal(err)
			}
			time.Sleep(500 * time.Millisecond)
			if s, _ := e.Status(ctx, "bfalse"); s.Sent == 0 || s.Done() {
				t.Fatalf("the fan-out should be under way: %+v", s)
			}
			fix := breaking("bfix", "the facts")
			fix.Kind, fix.Target, fix.Section = tt.kind, "bfalse", ""
			if tt.kind == core.BroadcastRetract {
				fix.Messages = nil
			}
			if err := e.Start(ctx, fix); err != nil {
				t.Fatal(err)
			}
			waitDone(t, e, "bfalse")
			fs := waitDone(t, e, "bfix")
			for _, c := range chats {
				n, text := sink.Got(c)
				switch {
				case tt.kind == core.BroadcastRetract && n > 0 && sink.Deleted(c) != 1:
					t.Errorf("%s still shows the retracted news (%d sent, %d deleted)", c, n, sink.Deleted(c))
				case tt.kind == core.BroadcastCorrect && (n != 1 || !strings.Contains(text, "the facts")):
					t.Errorf("%s got %d messages, shows %q; want the correction", c, n, text)
				}
			}
			if fs.Total == 0 || fs.Sent != fs.Total {
				t.Errorf("%s status %+v", tt.name, fs)
			}
		})
	}
}
