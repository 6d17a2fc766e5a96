package delivery_test

import (
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
)

// TestContract runs the contract suite on the memory queue, ledger and
// limiter; delivery/redis runs it on the Redis ones.
func TestContract(t *testing.T) {
	deliverytest.Run(t, deliverytest.Parts{
		NewQueue:  func(*testing.T) delivery.Queue { return delivery.NewMemoryQueue() },
		NewLedger: func(*testing.T) delivery.Ledger { return delivery.NewMemoryLedger() },
		NewLimiter: func(_ *testing.T, limits map[string]delivery.Limits) delivery.Limiter {
			return delivery.NewMemoryLimiter(limits)
		},
	})
}

func TestTelegramLimits(t *testing.T) {
	l := delivery.TelegramLimits(100)
	private := l.Chat(core.ChatRef{Platform: "telegram", ID: "77"})
	group := l.Chat(core.ChatRef{Platform: "telegram", ID: "-77"})
	if l.Global.Interval() != 10*time.Millisecond || private.Interval() != time.Second || private.Tolerance() != 0 ||
		group.Interval() != 3*time.Second || group.Tolerance() != 6*time.Second {
		t.Errorf("TelegramLimits(100): global every %s, private every %s (+%s), group every %s (+%s)",
			l.Global.Interval(), private.Interval(), private.Tolerance(), group.Interval(), group.Tolerance())
	}
	if d := delivery.TelegramLimits(0).Global.Interval(); d != time.Second/30 {
		t.Errorf("TelegramLimits(0): global every %s, want 30 a second", d)
	}
}
