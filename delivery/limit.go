package delivery

import (
	"context"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
)

// Rate is Count sends per Per, with bursts of up to Burst sends (at least 1).
type Rate struct {
	Count int
	Per   time.Duration
	Burst int
}

// Interval is the time one send takes from the budget: the GCRA emission
// interval. 0 means unlimited.
func (r Rate) Interval() time.Duration {
	if r.Count <= 0 || r.Per <= 0 {
		return 0
	}
	return r.Per / time.Duration(r.Count)
}

// Tolerance is how far ahead of schedule a burst may run: the GCRA delay
// tolerance, Burst-1 intervals.
func (r Rate) Tolerance() time.Duration {
	if r.Burst <= 1 {
		return 0
	}
	return time.Duration(r.Burst-1) * r.Interval()
}

// Limits are one platform's rate limits: Global over every send, and Chat
// for each chat (nil: none).
type Limits struct {
	Global Rate
	Chat   func(core.ChatRef) Rate
}

// LimitsOf returns the limits that platform p describes.
func LimitsOf(p core.Platform) Limits {
	l := Limits{Global: Rate(p.Global)}
	if len(p.ChatRates) > 0 {
		l.Chat = func(c core.ChatRef) Rate { return Rate(p.ChatRate(c.ID)) }
	}
	return l
}

// LimitsByName returns the limits of each platform in ps, by name.
func LimitsByName(ps ...core.Platform) map[string]Limits {
	out := make(map[string]Limits, len(ps))
	for _, p := range ps {
		out[p.Name] = LimitsOf(p)
	}
	return out
}

// Limiter spaces sends so that no platform limit is exceeded, across every
// process that shares it. Implementations are safe for concurrent use.
type Limiter interface {
	// Reserve asks to send to chat. When reserved is true a send slot is
	// taken: send after wait. When false, the chat's own limit is in the
	// way and nothing is taken: ask again after wait.
	Reserve(ctx context.Context, chat core.ChatRef) (wait time.Duration, reserved bool, err error)
	// Penalize records that the platform answered 429 for chat with
	// retry_after d: the chat gets nothing for d, and the platform's shared
	// bucket loses its burst allowance plus ten sends' worth of time, so
	// every process slows down.
	Penalize(ctx context.Context, chat core.ChatRef, d time.Duration) error
}

// PenaltySends is how many global send slots a 429 costs (see
// Limiter.Penalize); every Limiter charges the same.
const PenaltySends = 10

// MemoryLimiter is a Limiter for one process: GCRA buckets in memory.
type MemoryLimiter struct {
	limits map[string]Limits
	now    func() time.Time
	mu     sync.Mutex
	tat    map[string]time.Time // theoretical arrival time per bucket
	calls  int                  // since the last sweep of stale buckets
}

// sweep forgets buckets whose time has passed, so that one-off chats do not
// pile up. It runs every 4096 calls, under l.mu.
func (l *MemoryLimiter) sweep(now time.Time) {
	if l.calls++; l.calls < 4096 {
		return
	}
	l.calls = 0
	for k, t := range l.tat {
		if t.Before(now.Add(-time.Minute)) {
			delete(l.tat, k)
		}
	}
}

// NewMemoryLimiter returns a limiter enforcing limits by platform; a
// platform without limits is not limited.
func NewMemoryLimiter(limits map[string]Limits) *MemoryLimiter {
	return &MemoryLimiter{limits: limits, now: time.Now, tat: map[string]time.Time{}}
}

// Reserve implements Limiter.
func (l *MemoryLimiter) Reserve(_ context.Context, chat core.ChatRef) (time.Duration, bool, error) {
	lim, ok := l.limits[chat.Platform]
	if !ok {
		return 0, true, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	g, c := lim.Global, Rate{}
	if lim.Chat != nil {
		c = lim.Chat(chat)
	}
	gk, ck := "g:"+chat.Platform, "c:"+chat.String()
	gAt := now
	if g.Interval() > 0 {
		gAt = later(now, l.tat[gk].Add(-g.Tolerance()))
	}
	if c.Interval() > 0 {
		if cAt := l.tat[ck].Add(-c.Tolerance()); cAt.After(gAt) {
			return cAt.Sub(now), false, nil
		}
		l.tat[ck] = later(l.tat[ck], gAt).Add(c.Interval())
	}
	if g.Interval() > 0 {
		l.tat[gk] = later(l.tat[gk], now).Add(g.Interval())
	}
	return gAt.Sub(now), true, nil
}

// Penalize implements Limiter.
func (l *MemoryLimiter) Penalize(_ context.Context, chat core.ChatRef, d time.Duration) error {
	lim, ok := l.limits[chat.Platform]
	if !ok {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if lim.Chat != nil {
		c := lim.Chat(chat)
		ck := "c:" + chat.String()
		l.tat[ck] = later(l.tat[ck], now.Add(d+c.Tolerance()))
	}
	if g := lim.Global; g.Interval() > 0 {
		gk := "g:" + chat.Platform
		l.tat[gk] = later(l.tat[gk], now).Add(g.Tolerance() + PenaltySends*g.Interval())
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
