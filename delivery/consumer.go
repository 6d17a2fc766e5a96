package delivery

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
)

// errAbandoned means a job was left unfinished (the process is stopping or
// a dependency failed); it stays pending and is reclaimed later.
var errAbandoned = errors.New("delivery: job abandoned")

// Run consumes every platform's jobs until ctx is cancelled, then stops
// fetching, finishes and records the sends in flight (for at most
// Config.Drain) and returns. Run it in every process; the queue shares the
// work.
func (e *Engine) Run(ctx context.Context) error {
	jobCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		// Graceful: in-flight jobs get Drain to finish.
		time.AfterFunc(e.cfg.Drain, cancel)
	})
	defer stop()
	return e.run(ctx, jobCtx)
}

// run consumes until ctx is cancelled, working on jobs with jobCtx. When
// jobCtx is cancelled first, jobs in flight are dropped unacknowledged, as
// in a crash.
func (e *Engine) run(ctx, jobCtx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.resumeListings(ctx)
	}()
	for platform := range e.senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.consume(ctx, jobCtx, platform)
		}()
	}
	wg.Wait()
	return nil
}

// consume runs one platform's fetch loop with Workers jobs at a time.
func (e *Engine) consume(ctx, jobCtx context.Context, platform string) {
	slots := make(chan struct{}, e.cfg.Workers)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inFlight = map[string]Delivery{}
	)
	start := func(ds []Delivery, have int) {
		mu.Lock()
		for _, d := range ds {
			inFlight[d.ID] = d // touched from now on
		}
		mu.Unlock()
		// A queue may hand out more jobs than asked: each job started holds
		// a slot, so take the missing ones, waiting for workers to finish.
		// Jobs left when ctx ends stay pending, for a reclaim.
		for i := have; i < len(ds); i++ {
			select {
			case slots <- struct{}{}:
				continue
			case <-ctx.Done():
			}
			mu.Lock()
			for _, d := range ds[i:] {
				delete(inFlight, d.ID)
			}
			mu.Unlock()
			ds = ds[:i]
			break
		}
		for _, d := range ds {
			e.metrics.inFlight.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				defer e.metrics.inFlight.Add(-1)
				// A job left unfinished because a dependency failed (Redis
				// restarting) is tried again here, kept alive meanwhile,
				// rather than left for a reclaim; when stopping, or when it
				// keeps failing for longer than an outage (a broadcast that
				// cannot be read), it stays pending and frees its slot.
				for attempt := 1; !e.handle(jobCtx, platform, d) && ctx.Err() == nil && jobCtx.Err() == nil; attempt++ {
					if attempt == maxOwnTries {
						e.log.Warn("a job keeps failing; left for a reclaim", slog.String("platform", platform), slog.String("broadcast", d.Broadcast), slog.String("chat", d.Chat.String()))
						break
					}
					if core.Sleep(ctx, retryOwn(attempt)) != nil {
						break
					}
				}
				mu.Lock()
				delete(inFlight, d.ID)
				mu.Unlock()
			}()
		}
	}
	// Keep our pending jobs alive until the last worker is done, drain
	// included: a job waiting out a long retry_after during a graceful stop
	// must not be reclaimed and sent by another consumer meanwhile.
	workersDone := make(chan struct{})
	var keepAlive sync.WaitGroup
	keepAlive.Add(2)
	// The heartbeat has a goroutine of its own: a slow Touch of many jobs
	// must not let it lapse, or another process would take this live
	// consumer's jobs for a dead one's and send them too.
	go func() {
		defer keepAlive.Done()
		beat := time.NewTicker(e.cfg.Liveness / 3)
		defer beat.Stop()
		for {
			select {
			case <-workersDone:
				return
			case <-jobCtx.Done():
				return
			case <-beat.C:
				e.heartbeat(jobCtx, platform)
			}
		}
	}()
	go func() {
		defer keepAlive.Done()
		touch := time.NewTicker(e.cfg.ReclaimAfter / 3)
		defer touch.Stop()
		for {
			select {
			case <-workersDone:
				return
			case <-jobCtx.Done():
				return
			case <-touch.C:
			}
			mu.Lock()
			held := make([]Delivery, 0, len(inFlight))
			for _, d := range inFlight {
				held = append(held, d)
			}
			mu.Unlock()
			if len(held) > 0 {
				if err := e.q.Touch(jobCtx, platform, e.cfg.Consumer, held...); err != nil {
					e.log.Warn("touching pending jobs", slog.String("platform", platform), slog.Any("err", err))
				}
			}
		}
	}()
	// Alive before the first fetch; the jobs of dead consumers are claimed
	// at once.
	e.heartbeat(ctx, platform)
	lastReclaim, lastForget, lastClaim := time.Now(), time.Time{}, time.Time{}
	// After a failed fetch (the queue's store restarting), jobs may have been
	// handed to this consumer with the answer lost on the way: they are
	// pending on it, and nobody works on them. The first fetch that works
	// again takes them back (see heldLister) instead of waiting
	// ReclaimAfter for a reclaim. (A consumer's name is new each start, so
	// nothing is pending on it before.)
	recovering := false
	for ctx.Err() == nil {
		if f, ok := e.q.(consumerForgetter); ok && time.Since(lastForget) >= forgetConsumersAfter {
			lastForget = time.Now()
			if n, err := f.ForgetConsumers(ctx, platform, e.cfg.Consumer, forgetConsumersAfter); err != nil && ctx.Err() == nil {
				e.log.Warn("forgetting idle consumers", slog.String("platform", platform), slog.Any("err", err))
			} else if n > 0 {
				e.log.Info("forgot idle consumers", slog.String("platform", platform), slog.Int("consumers", n))
			}
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		n := e.take(slots, 1)
		var (
			ds  []Delivery
			err error
		)
		hl, canList := e.q.(heldLister)
		if recovering && !canList {
			recovering = false
		}
		if recovering {
			// Jobs pending on this consumer that no worker holds.
			ds, err = hl.Held(ctx, platform, e.cfg.Consumer, maxHeld)
			if err == nil {
				recovering = false
				mu.Lock()
				ds = slices.DeleteFunc(ds, func(d Delivery) bool { _, held := inFlight[d.ID]; return held })
				mu.Unlock()
				if len(ds) > 0 {
					e.log.Info("took back jobs handed out while the queue failed", slog.String("platform", platform), slog.Int("jobs", len(ds)))
				}
			}
		} else if time.Since(lastClaim) >= e.cfg.Liveness/3 {
			// Take over the jobs of consumers whose heartbeat lapsed.
			lastClaim = time.Now()
			ds, err = e.q.ClaimDead(ctx, platform, e.cfg.Consumer, n)
			if len(ds) > 0 {
				e.log.Info("claimed jobs of a dead consumer", slog.String("platform", platform), slog.Int("jobs", len(ds)))
			}
		} else if time.Since(lastReclaim) >= e.cfg.ReclaimAfter/3 {
			// Take over the jobs of dead consumers.
			lastReclaim = time.Now()
			ds, err = e.q.Reclaim(ctx, platform, e.cfg.Consumer, e.cfg.ReclaimAfter, n)
			if len(ds) > 0 {
				e.log.Info("reclaimed jobs of a silent consumer", slog.String("platform", platform), slog.Int("jobs", len(ds)))
			}
		} else {
			ds, err = e.q.Fetch(ctx, platform, e.cfg.Consumer, n, e.cfg.Block)
		}
		if err != nil && ctx.Err() == nil {
			e.log.Warn("fetching jobs", slog.String("platform", platform), slog.Any("err", err))
			recovering = true
			_ = core.Sleep(ctx, time.Second)
		}
		if len(ds) < n {
			e.give(slots, n-len(ds))
		}
		start(ds, n)
	}
	wg.Wait()
	close(workersDone)
	keepAlive.Wait()
}

// heartbeat renews this consumer's liveness for platform.
func (e *Engine) heartbeat(ctx context.Context, platform string) {
	if err := e.q.Heartbeat(ctx, platform, e.cfg.Consumer, e.cfg.Liveness); err != nil && ctx.Err() == nil {
		e.log.Warn("consumer heartbeat", slog.String("platform", platform), slog.Any("err", err))
	}
}

// retryOwn is the wait before a consumer's try n (1, 2, …) of a job it
// left unfinished: 250ms doubling up to 2s, with jitter, so that jobs
// resume within seconds of a dependency coming back.
// maxOwnTries bounds a consumer's tries of a job that keeps failing: some
// 45 s at retryOwn's pace, longer than a Redis restart.
const maxOwnTries = 32

func retryOwn(n int) time.Duration {
	d := min(250*time.Millisecond<<min(n-1, 4), 2*time.Second)
	return d/2 + rand.N(d/2+1)
}

// heldLister is a Queue that lists the jobs pending on a consumer
// (delivery/redis): handed to it and not acknowledged, breaking news
// first, at most max of each priority.
type heldLister interface {
	Held(ctx context.Context, platform, consumer string, max int) ([]Delivery, error)
}

// maxHeld bounds the jobs a consumer takes back at once after a failed
// fetch: more than one fetch hands out.
const maxHeld = 1000

// consumerForgetter is a Queue that keeps named consumers (delivery/redis).
type consumerForgetter interface {
	ForgetConsumers(ctx context.Context, platform, keep string, idle time.Duration) (int, error)
}

// forgetConsumersAfter is how long a consumer with no pending job stays
// silent before it is deleted, and how often each process looks: a live
// consumer fetches every Config.Block.
const forgetConsumersAfter = time.Hour

// take acquires up to Workers-have more free slots without waiting and
// returns have plus the number acquired.
func (e *Engine) take(slots chan struct{}, have int) int {
	for {
		select {
		case slots <- struct{}{}:
			have++
			continue
		default:
		}
		return have
	}
}

// give releases n slots.
func (e *Engine) give(slots chan struct{}, n int) {
	for range n {
		<-slots
	}
}

// handle works on one job: skip it when its outcome is recorded, else
// deliver, record, acknowledge. It reports false when the job was left
// pending unfinished (a dependency failed, or ctx ended): trying it again
// is safe, its recorded outcome is never sent twice.
func (e *Engine) handle(ctx context.Context, platform string, d Delivery) bool {
	b, err := e.broadcast(ctx, d.Broadcast)
	if core.ErrorCode(err) == core.CodeNotFound {
		e.log.Warn("job of an unknown broadcast dropped", slog.String("broadcast", d.Broadcast))
		return e.ack(ctx, platform, d)
	}
	if err != nil {
		return false
	}
	if prev, done, err := e.ledger.Outcome(ctx, b.ID, d.Chat); err != nil {
		return false
	} else if done {
		if prev.Alias {
			// The chat got the message as the new ID of a moved chat: its own
			// job counts it, once.
			prev.Alias = false
			if !e.finish(ctx, b.ID, d.Chat, prev) {
				return false
			}
		}
		e.metrics.skipped.Add(1)
		return e.ack(ctx, platform, d)
	}
	o, err := e.deliver(ctx, b, d)
	if err != nil {
		return false
	}
	o.At = e.now()
	if !e.finish(ctx, b.ID, d.Chat, o) {
		return false
	}
	if o.Failed == "" && !b.Confirmed.IsZero() {
		e.metrics.lag(o.At.Sub(b.Confirmed))
	}
	return e.ack(ctx, platform, d)
}

// supersededBy returns the correction or retraction that superseded b, if
// any; only what is sent to chats (news, alerts) can be superseded.
func (e *Engine) supersededBy(ctx context.Context, b core.Broadcast) (core.Broadcast, bool, error) {
	if b.Kind != core.BroadcastBreaking && b.Kind != core.BroadcastAlert {
		return core.Broadcast{}, false, nil
	}
	by, _, err := e.ledger.Superseded(ctx, b.ID)
	if err != nil || by == "" {
		return core.Broadcast{}, false, err
	}
	sup, err := e.broadcast(ctx, by)
	if err != nil {
		return core.Broadcast{}, false, err
	}
	return sup, true, nil
}

// finish records the outcome of a job that was delivered, retrying with
// backoff until it is recorded or ctx ends: an unrecorded send would be
// sent again by whoever reclaims the job. It reports whether the job may be
// acknowledged.
func (e *Engine) finish(ctx context.Context, id string, chat core.ChatRef, o Outcome) bool {
	for attempt := 1; ; attempt++ {
		_, err := e.ledger.Finish(ctx, id, chat, o)
		if err == nil {
			return true
		}
		if core.ErrorCode(err) == core.CodeNotFound {
			e.log.Warn("delivered a job of a broadcast no longer recorded", slog.String("broadcast", id), slog.String("chat", chat.String()))
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		e.log.Warn("recording a delivery; retrying", slog.String("broadcast", id), slog.String("chat", chat.String()),
			slog.Int("attempt", attempt), slog.Any("err", err))
		if e.sleep(ctx, e.backoff(min(attempt, 16))) != nil {
			return false
		}
	}
}

// ack acknowledges d; it reports whether that worked.
func (e *Engine) ack(ctx context.Context, platform string, d Delivery) bool {
	if err := e.q.Ack(ctx, platform, d); err != nil {
		if ctx.Err() == nil {
			e.log.Warn("acknowledging a job", slog.String("platform", platform), slog.Any("err", err))
		}
		return false
	}
	return true
}

// deliver sends, edits or deletes one message, acting on failures by
// class. It returns errAbandoned when the job must stay pending.
func (e *Engine) deliver(ctx context.Context, b core.Broadcast, d Delivery) (Outcome, error) {
	chat := d.Chat
	sender := e.senders[chat.Platform]
	lang := d.Lang
	var op func(ctx context.Context, chat core.ChatRef) (core.SentRef, error)
	switch b.Kind {
	case core.BroadcastCorrect, core.BroadcastRetract:
		tgt, ok, err := e.ledger.Outcome(ctx, b.Target, chat)
		if err != nil {
			return Outcome{}, errAbandoned
		}
		if !ok || tgt.Ref == nil {
			return e.failed(core.DeliveryRejected, "not_delivered"), nil
		}
		ref := *tgt.Ref
		chat = ref.Chat
		if tgt.Lang != "" {
			lang = tgt.Lang
		}
		if b.Kind == core.BroadcastCorrect {
			if newer, err := e.shows(ctx, tgt.Version, b); err != nil {
				return Outcome{}, errAbandoned
			} else if newer {
				// The chat got this correction's text, or a later one's, in
				// the first place.
				return Outcome{Ref: &ref, Lang: lang}, nil
			}
			ed, ok := sender.(core.Editor)
			if !ok {
				return e.failed(core.DeliveryRejected, "no_edit"), nil
			}
			msg := b.Message(lang)
			op = func(ctx context.Context, _ core.ChatRef) (core.SentRef, error) { return ref, ed.Edit(ctx, ref, msg) }
		} else {
			del, ok := sender.(core.Deleter)
			if !ok {
				return e.failed(core.DeliveryRejected, "no_delete"), nil
			}
			op = func(ctx context.Context, _ core.ChatRef) (core.SentRef, error) { return ref, del.Delete(ctx, ref) }
		}
	default:
		op = func(ctx context.Context, chat core.ChatRef) (core.SentRef, error) {
			return sender.Send(ctx, chat, b.Message(lang))
		}
	}
	// The sender spaces the later parts of a long message at the
	// broadcast's priority.
	ctx = core.WithPriority(ctx, b.Priority)
	version := "" // the correction whose text is sent, if any
	var (
		attempts int
		moved    bool
	)
	since := d.Enqueued
	if since.IsZero() {
		since = e.now()
	}
	for {
		if err := e.wait(ctx, chat, b.Priority); err != nil {
			return Outcome{}, errAbandoned
		}
		// Look again right before sending, after the wait for the limiter:
		// news corrected or retracted meanwhile is sent corrected, or not.
		if sup, ok, err := e.supersededBy(ctx, b); err != nil {
			return Outcome{}, errAbandoned
		} else if ok && sup.Kind == core.BroadcastRetract {
			return Outcome{Failed: "superseded:retracted"}, nil
		} else if ok && sup.Kind == core.BroadcastCorrect && version != sup.ID {
			b.Messages, b.Fallback, version = sup.Messages, sup.Fallback, sup.ID
		}
		ref, err := op(ctx, chat)
		class, de := core.ClassifyDelivery(err)
		// A send that failed after part of the message went out (a long
		// message in several parts) comes back with the reference of what
		// was sent: record it, never resend it.
		partial := class != "" && ref.MessageID != ""
		if partial {
			o := e.failed(class, "")
			if de != nil {
				o = e.failed(class, de.Reason)
			}
			o.Ref, o.Lang = &ref, lang
			if class == core.DeliveryGone {
				if err := e.chats.Forget(ctx, chat); err != nil {
					e.log.Warn("unsubscribing a gone chat", slog.String("chat", chat.String()), slog.Any("err", err))
				}
				o.Gone = true
			}
			return o, nil
		}
		if class != "" && ctx.Err() != nil {
			return Outcome{}, errAbandoned
		}
		reason := ""
		if de != nil {
			reason = de.Reason
		}
		switch class {
		case "":
			e.metrics.sent.Add(1)
			o := Outcome{Ref: &ref, Lang: lang, Moved: moved, Version: version}
			if moved {
				// Recorded for the new chat too, so that a job of its own
				// does not send it again.
				alias := o
				alias.Alias, alias.Moved, alias.At = true, false, e.now()
				if !e.finish(ctx, b.ID, chat, alias) {
					return Outcome{}, errAbandoned
				}
			}
			return o, nil
		case core.DeliveryRetryAfter:
			e.metrics.rateLimited.Add(1)
			wait := time.Second
			if de != nil && de.RetryAfter > 0 {
				wait = de.RetryAfter
			}
			if e.now().Add(wait).Sub(since) > e.cfg.RateLimitedFor {
				return e.failed(class, "expired"), nil
			}
			if e.limiter != nil {
				if err := e.limiter.Penalize(ctx, chat, wait); err != nil {
					e.log.Warn("slowing the shared bucket", slog.Any("err", err))
				}
			}
			e.metrics.retried.Add(1)
			if e.sleep(ctx, wait) != nil {
				return Outcome{}, errAbandoned
			}
		case core.DeliveryGone:
			if err := e.chats.Forget(ctx, chat); err != nil {
				e.log.Warn("unsubscribing a gone chat", slog.String("chat", chat.String()), slog.Any("err", err))
				return Outcome{}, errAbandoned
			}
			e.log.Info("chat gone; unsubscribed", slog.String("chat", chat.String()), slog.String("reason", reason))
			o := e.failed(class, reason)
			o.Gone = true
			return o, nil
		case core.DeliveryMoved:
			if moved || de == nil || de.MovedTo == "" || (b.Kind != core.BroadcastBreaking && b.Kind != core.BroadcastAlert && b.Kind != core.BroadcastDigest) {
				return e.failed(class, reason), nil
			}
			to := core.ChatRef{Platform: chat.Platform, ID: de.MovedTo}
			if err := e.chats.Move(ctx, chat, to); err != nil {
				e.log.Warn("moving a chat's subscriptions", slog.String("chat", chat.String()), slog.Any("err", err))
				return Outcome{}, errAbandoned
			}
			e.log.Info("chat moved; subscriptions follow", slog.String("from", chat.String()), slog.String("to", to.String()))
			chat, moved = to, true
			if _, done, err := e.ledger.Outcome(ctx, b.ID, to); err != nil {
				return Outcome{}, errAbandoned
			} else if done {
				// The new chat had a job of its own, already done.
				return Outcome{Lang: lang, Moved: true}, nil
			}
		case core.DeliveryRejected:
			return e.failed(class, reason), nil
		default: // transient
			attempts++
			if attempts >= e.cfg.MaxAttempts {
				e.log.Warn("dead-lettered after retries", slog.String("broadcast", b.ID), slog.String("chat", chat.String()), slog.Any("err", err))
				return e.failed(core.DeliveryTransient, reason), nil
			}
			e.metrics.retried.Add(1)
			if e.sleep(ctx, e.backoff(attempts)) != nil {
				return Outcome{}, errAbandoned
			}
		}
	}
}

// shows reports whether a message sent with the text of correction version
// ("" for the original's) already shows correction b or a later one.
func (e *Engine) shows(ctx context.Context, version string, b core.Broadcast) (bool, error) {
	if version == "" {
		return false, nil
	}
	if version == b.ID {
		return true, nil
	}
	v, err := e.broadcast(ctx, version)
	if core.ErrorCode(err) == core.CodeNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return v.Confirmed.After(b.Confirmed), nil
}

// failed is the outcome of a job that failed for good.
func (e *Engine) failed(class core.DeliveryClass, reason string) Outcome {
	e.metrics.fail(class)
	if reason == "" {
		reason = "unknown"
	}
	return Outcome{Failed: string(class) + ":" + reason}
}

// backoff is the wait before transient retry n (1, 2, …): exponential,
// capped, with full jitter over its upper half.
func (e *Engine) backoff(n int) time.Duration {
	d := e.cfg.Backoff << (n - 1)
	if d > e.cfg.BackoffMax || d <= 0 {
		d = e.cfg.BackoffMax
	}
	return d/2 + rand.N(d/2+1)
}

// wait blocks until the limiter lets a send to chat at priority p go.
func (e *Engine) wait(ctx context.Context, chat core.ChatRef, p core.Priority) error {
	if e.limiter == nil {
		return ctx.Err()
	}
	for {
		w, ok, err := e.limiter.Reserve(ctx, chat, p)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			e.log.Warn("rate limiter", slog.Any("err", err))
			w, ok = time.Second, false
		}
		if err := e.sleep(ctx, w); err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
}
