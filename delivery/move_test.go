package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	dredis "github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/store/memory"
)

func TestMovedChatWithItsOwnJob(t *testing.T) {
	for _, be := range []string{"memory", "redis"} {
		t.Run(be, func(t *testing.T) {
			ctx := context.Background()
			st := memory.New()
			tg := func(id string) core.ChatRef { return core.ChatRef{Platform: "tg", ID: id} }
			// 5 moved to 500 and 600 moved to 6; each new chat is subscribed
			// already, with a language of its own, so it has a job of its
			// own, listed after (500) or before (6) the old chat's.
			chats := map[string]string{"5": "ru", "500": "en", "600": "ru", "6": "en"}
			for id, lang := range chats {
				if _, err := st.Subscribe(ctx, tg(id), content.Breaking); err != nil {
					t.Fatal(err)
				}
				if err := st.SaveChatSettings(ctx, tg(id), core.ChatSettings{Lang: lang}); err != nil {
					t.Fatal(err)
				}
			}
			sink := deliverytest.NewSink(delivery.Limits{}, 1)
			sink.Fail = func(op string, c core.ChatRef, n int) error {
				switch c.ID {
				case "5":
					return &core.DeliveryError{Class: core.DeliveryMoved, MovedTo: "500", Reason: "migrated"}
				case "600":
					return &core.DeliveryError{Class: core.DeliveryMoved, MovedTo: "6", Reason: "migrated"}
				}
				return nil
			}
			deps := delivery.Deps{Queue: delivery.NewMemoryQueue(), Ledger: delivery.NewMemoryLedger(), Store: st, Chats: chatsOn(t, st), Senders: map[string]core.Sender{"tg": sink}}
			if be == "redis" {
				c, prefix := redisClient(t)
				deps.Queue, deps.Ledger = dredis.NewQueue(c, prefix), dredis.NewLedger(c, prefix, time.Hour)
			}
			e, err := delivery.New(delivery.Config{Consumer: "a", Workers: 1, Block: 20 * time.Millisecond}, deps)
			if err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); _ = e.Run(runCtx) }()
			defer func() { stop(); <-done; e.Close() }()
			if err := e.Start(ctx, breaking("bmove", "x")); err != nil {
				t.Fatal(err)
			}
			s := waitDone(t, e, "bmove")
			if s.Total != 4 || s.Sent != 4 || s.Moved != 2 {
				t.Errorf("status total %d sent %d moved %d failed %v", s.Total, s.Sent, s.Moved, s.Failed)
			}
			for _, id := range []string{"500", "6"} {
				if n, _ := sink.Got(tg(id)); n != 1 {
					t.Errorf("new chat %s got %d messages, want 1", id, n)
				}
				if set, _ := st.ChatSettings(ctx, tg(id)); set.Lang != "en" {
					t.Errorf("new chat %s's language became %q; its own was en", id, set.Lang)
				}
				if secs, _ := st.ChatSections(ctx, tg(id)); strings.Join(secs, ",") != content.Breaking {
					t.Errorf("new chat %s has %v", id, secs)
				}
			}
			// A retraction deletes each message once.
			ret := core.Broadcast{ID: "bmoveret", Kind: core.BroadcastRetract, Priority: core.PriorityBreaking, Target: "bmove"}
			if err := e.Start(ctx, ret); err != nil {
				t.Fatal(err)
			}
			waitDone(t, e, "bmoveret")
			for _, id := range []string{"500", "6"} {
				if n := sink.Deleted(tg(id)); n != 1 {
					t.Errorf("new chat %s saw %d deletions, want 1", id, n)
				}
			}
		})
	}
}
