package delivery

import (
	"context"
	"time"

	"github.com/newsbot/newsbot/core"
)

// The tests are in package delivery_test, so that they can use
// delivery/deliverytest and the Redis parts as any caller does; these are
// their handles on the engine's insides.

// SetClock makes e read the time from now and wait with sleep, so that
// tests pass waits on a fake clock or record them; a nil one is left as is.
func (e *Engine) SetClock(now func() time.Time, sleep func(ctx context.Context, d time.Duration) error) {
	if now != nil {
		e.now = now
	}
	if sleep != nil {
		e.sleep = sleep
	}
}

// RunJobs is Run with the jobs' context given: cancelling jobCtx before ctx
// drops the jobs in flight unrecorded and unacknowledged, as in a crash.
func (e *Engine) RunJobs(ctx, jobCtx context.Context) error { return e.run(ctx, jobCtx) }

// JobQueue returns e's queue.
func (e *Engine) JobQueue() Queue { return e.q }

// List lists b's audience as Start and Run do.
func (e *Engine) List(ctx context.Context, b core.Broadcast, resume, retry bool) error {
	return e.listing(ctx, b, resume, retry)
}

// DrainTime returns the Config.Drain in effect.
func (e *Engine) DrainTime() time.Duration { return e.cfg.Drain }

// SetNow makes l read the time from now.
func (l *MemoryLedger) SetNow(now func() time.Time) { l.now = now }

// Kept returns how many broadcasts l keeps outcomes of, and how many it
// lists as recent.
func (l *MemoryLedger) Kept() (outcomes, recent int) { return len(l.done), len(l.order) }
