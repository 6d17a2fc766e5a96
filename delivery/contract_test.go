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

// TestLimitsOf: the limits delivery enforces are the ones the platform
// describes: global, and per chat by the kind its ID tells.
func TestLimitsOf(t *testing.T) {
	l := delivery.LimitsOf(telegramLike("tg", 100))
	private := l.Chat(core.ChatRef{Platform: "tg", ID: "77"})
	group := l.Chat(core.ChatRef{Platform: "tg", ID: "-77"})
	if l.Global.Interval() != 10*time.Millisecond || private.Interval() != time.Second || private.Tolerance() != 0 ||
		group.Interval() != 3*time.Second || group.Tolerance() != 6*time.Second {
		t.Errorf("LimitsOf: global every %s, private every %s (+%s), group every %s (+%s)",
			l.Global.Interval(), private.Interval(), private.Tolerance(), group.Interval(), group.Tolerance())
	}
	if none := delivery.LimitsOf(core.Platform{Name: "x"}); none.Global.Interval() != 0 || none.Chat != nil {
		t.Errorf("a platform without limits: %+v", none)
	}
}
