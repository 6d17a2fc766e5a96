package telegram_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

// recordingGate is delivery's memory limiter with Telegram's limits,
// recording the priority of each slot it gives.
type recordingGate struct {
	*delivery.MemoryLimiter
	mu        sync.Mutex
	reserved  map[core.Priority]int
	penalized int
}

func newRecordingGate() *recordingGate {
	return &recordingGate{
		MemoryLimiter: delivery.NewMemoryLimiter(delivery.LimitsByName(telegram.Traits)),
		reserved:      map[core.Priority]int{},
	}
}

func (g *recordingGate) Reserve(ctx context.Context, chat core.ChatRef, p core.Priority) (time.Duration, bool, error) {
	w, ok, err := g.MemoryLimiter.Reserve(ctx, chat, p)
	if ok {
		g.mu.Lock()
		g.reserved[p]++
		g.mu.Unlock()
	}
	return w, ok, err
}

func (g *recordingGate) Penalize(ctx context.Context, chat core.ChatRef, d time.Duration) error {
	g.mu.Lock()
	g.penalized++
	g.mu.Unlock()
	return g.MemoryLimiter.Penalize(ctx, chat, d)
}

func (g *recordingGate) counts() (reply, penalized int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.reserved[core.PriorityReply], g.penalized
}

// awaitStats waits until cond holds of the bot's reply counts.
func awaitStats(t *testing.T, b *telegram.Bot, cond func(telegram.ReplyStats) bool) telegram.ReplyStats {
	t.Helper()
	for end := time.Now().Add(wait); ; time.Sleep(10 * time.Millisecond) {
		st := b.ReplyStats()
		if cond(st) {
			return st
		}
		if time.Now().After(end) {
			t.Fatalf("reply counts %+v", st)
		}
	}
}

func TestReplyWaitsOutA429(t *testing.T) {
	gate := newRecordingGate()
	h := start(t, setup{opts: telegramtest.TelegramLimits(), cfg: func(c *telegram.Config) { c.Gate = gate }})
	h.srv.Fail("sendMessage", telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	got := h.say(john.ID, john, "/sections", 1)
	if got[0].Text == "" {
		t.Error("the reply after a 429 is empty")
	}
	st := awaitStats(t, h.bot, func(st telegram.ReplyStats) bool { return st.Sent == 1 })
	if st.RateLimited != 1 {
		t.Errorf("429s counted %d, want 1", st.RateLimited)
	}
	for r, n := range st.Dropped {
		if n != 0 {
			t.Errorf("dropped %s: %d", r, n)
		}
	}
	// Both attempts took a reply slot from the gate, and the 429 slowed it.
	if reply, penalized := gate.counts(); reply != 2 || penalized != 1 {
		t.Errorf("gate: %d reply slots, %d penalties; want 2 and 1", reply, penalized)
	}
}

func TestReplyGivenUpAtTheDeadline(t *testing.T) {
	h := start(t, setup{cfg: func(c *telegram.Config) { c.ReplyDeadline = time.Second }})
	h.srv.Fail("sendMessage", telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 5", RetryAfter: 5})
	h.srv.UserMessage(john.ID, john, "/sections")
	st := awaitStats(t, h.bot, func(st telegram.ReplyStats) bool { return st.Dropped["deadline"] == 1 })
	if st.Sent != 0 || st.RateLimited != 1 {
		t.Errorf("reply counts %+v, want none sent after one 429", st)
	}
	if n := strings.Count(h.logs.String(), "given up: deadline"); n != 1 {
		t.Errorf("the dropped reply is logged %d times, want once:\n%s", n, h.logs.String())
	}
}

func TestReplyGivenUpForGood(t *testing.T) {
	h := start(t, setup{})
	h.srv.Fail("sendMessage", telegramtest.Fault{Code: 400, Description: "Bad Request: can't parse entities"})
	h.srv.UserMessage(john.ID, john, "/sections")
	st := awaitStats(t, h.bot, func(st telegram.ReplyStats) bool { return st.Dropped["rejected"] == 1 })
	if st.Sent != 0 || st.RateLimited != 0 {
		t.Errorf("reply counts %+v", st)
	}
}
