package delivery

import (
	"context"
	"log/slog"
	"time"

	"github.com/newsbot/newsbot/core"
)

// listing lists b's audience under b's listing lock (see
// Ledger.LockListing), so that one process at a time lists a broadcast.
// resume says that a listing of b may have begun before: chats already
// recorded (Ledger.MarkListed) are counted, not queued again. When retry is
// set, failed passes are retried with backoff, as resumed ones, until one
// succeeds or ctx ends. It returns nil at once when another goroutine or
// process holds the lock.
func (e *Engine) listing(ctx context.Context, b core.Broadcast, resume, retry bool) error {
	e.listMu.Lock()
	if e.lists[b.ID] {
		e.listMu.Unlock()
		return nil
	}
	e.lists[b.ID] = true
	e.listMu.Unlock()
	defer func() {
		e.listMu.Lock()
		delete(e.lists, b.ID)
		e.listMu.Unlock()
	}()
	ttl := e.cfg.ReclaimAfter
	ok, err := e.ledger.LockListing(ctx, b.ID, e.cfg.Consumer, ttl)
	if err != nil || !ok {
		return err
	}
	// A listing finished since Unlisted was read leaves no lock behind:
	// look, under the lock, before listing it again.
	if st, err := e.ledger.Status(ctx, b.ID); err != nil || st.Listed {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			ok, err := e.ledger.LockListing(ctx, b.ID, e.cfg.Consumer, ttl)
			if err == nil && !ok {
				e.log.Warn("listing lock lost to another process", slog.String("broadcast", b.ID))
				cancel()
				return
			}
		}
	}()
	defer func() { cancel(); <-renewed }()
	for attempt := 1; ; attempt++ {
		err := e.list(ctx, b, resume)
		if err == nil || !retry || ctx.Err() != nil {
			return err
		}
		e.log.Warn("listing a broadcast's audience; retrying", slog.String("broadcast", b.ID), slog.Int("attempt", attempt), slog.Any("err", err))
		resume = true
		// At most 2s apart: a listing cut by a Redis restart goes on
		// within seconds of Redis being back.
		if e.sleep(ctx, min(e.backoff(min(attempt, 16)), 2*time.Second)) != nil {
			return ctx.Err()
		}
	}
}

// resumeListings resumes, every ReclaimAfter until ctx ends, the listings
// of broadcasts that are not Listed and whose lister is gone.
func (e *Engine) resumeListings(ctx context.Context) {
	t := time.NewTicker(e.cfg.ReclaimAfter)
	defer t.Stop()
	for {
		ids, err := e.ledger.Unlisted(ctx)
		if err != nil && ctx.Err() == nil {
			e.log.Warn("looking for unlisted broadcasts", slog.Any("err", err))
		}
		for _, id := range ids {
			e.listMu.Lock()
			mine := e.lists[id]
			e.listMu.Unlock()
			if mine || e.bgCtx.Err() != nil {
				continue
			}
			b, err := e.broadcast(ctx, id)
			if err != nil {
				continue
			}
			e.bg.Add(1)
			go func() {
				defer e.bg.Done()
				if err := e.listing(e.bgCtx, b, true, true); err != nil && e.bgCtx.Err() == nil {
					e.log.Error("resuming a broadcast's listing", slog.String("broadcast", b.ID), slog.Any("err", err))
				}
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// list queues one job per chat of b's audience, then records the total.
// When resume is set, chats recorded by an earlier pass are counted, not
// queued again.
func (e *Engine) list(ctx context.Context, b core.Broadcast, resume bool) error {
	total, held := 0, 0
	reach := map[string]map[string]int{}
	seen := map[core.ChatRef]bool{}
	count := func(chat core.ChatRef, lang string) {
		if reach[chat.Platform] == nil {
			reach[chat.Platform] = map[string]int{}
		}
		reach[chat.Platform][lang]++
		total++
	}
	// deal queues a batch of the audience; langOf gives a chat's language,
	// or says that its alert was held.
	deal := func(chats []core.ChatRef, langOf func(core.ChatRef) (string, bool, error)) error {
		fresh := chats[:0:0]
		for _, c := range chats {
			if !seen[c] {
				seen[c] = true
				fresh = append(fresh, c)
			}
		}
		if resume && len(fresh) > 0 {
			known, err := e.ledger.ListedChats(ctx, b.ID, fresh)
			if err != nil {
				return err
			}
			done := map[core.ChatRef]bool{}
			for _, k := range known {
				done[k.Chat] = true
				if k.Held {
					held++
				} else {
					count(k.Chat, k.Lang)
				}
			}
			rest := fresh[:0:0]
			for _, c := range fresh {
				if !done[c] {
					rest = append(rest, c)
				}
			}
			fresh = rest
		}
		var (
			jobs []Job
			es   []ListEntry
		)
		for _, chat := range fresh {
			lang, kept, err := langOf(chat)
			if err != nil {
				return err
			}
			es = append(es, ListEntry{Chat: chat, Lang: lang, Held: kept})
			if kept {
				held++ // in the chat's digest, not queued
				continue
			}
			count(chat, lang)
			if _, ok := e.senders[chat.Platform]; !ok {
				// Nobody consumes this platform's jobs: fail them now so that
				// the broadcast can finish.
				if _, err := e.ledger.Finish(ctx, b.ID, chat, Outcome{Failed: "rejected:no_sender", At: e.now()}); err != nil {
					return err
				}
				continue
			}
			jobs = append(jobs, Job{Broadcast: b.ID, Chat: chat, Lang: lang, Priority: b.Priority, Enqueued: e.now()})
		}
		// Queue in small chunks so that the first deliveries start while
		// the rest of the audience is listed; record the chats dealt with
		// after their jobs are queued, so that an interruption can repeat a
		// job (skipped by the ledger) but never lose one.
		for len(jobs) > 0 {
			n := min(len(jobs), 100)
			if err := e.q.Enqueue(ctx, jobs[:n]...); err != nil {
				return err
			}
			jobs = jobs[n:]
		}
		return e.ledger.MarkListed(ctx, b.ID, es)
	}
	var err error
	switch b.Kind {
	case core.BroadcastCorrect, core.BroadcastRetract:
		err = e.listSuperseded(ctx, b, deal)
	case core.BroadcastDigest:
		err = e.listDigest(ctx, b, deal)
	default:
		err = e.store.SectionChats(ctx, b.Section, e.cfg.ListBatch, func(chats []core.ChatRef) error {
			return deal(chats, func(chat core.ChatRef) (string, bool, error) {
				return e.chats.HoldAlert(ctx, chat, b)
			})
		})
	}
	if err != nil {
		return err
	}
	if err := e.ledger.Listed(ctx, b.ID, total, reach); err != nil {
		return err
	}
	e.log.Info("broadcast queued", slog.String("broadcast", b.ID), slog.String("kind", string(b.Kind)), slog.Int("chats", total), slog.Int("held", held))
	return nil
}

// dealFunc queues a batch of an audience; see list.
type dealFunc func(chats []core.ChatRef, langOf func(core.ChatRef) (string, bool, error)) error

// listSuperseded lists a correction's or retraction's audience: the chats
// its target was delivered to (Start marked the target superseded, so that
// the target's chats not yet sent to get the correction, or nothing). It
// lists the target's records, waits for the target to finish (its
// sends in flight when it was marked are recorded by then) and lists the
// records again.
func (e *Engine) listSuperseded(ctx context.Context, b core.Broadcast, deal dealFunc) error {
	pass := func() error {
		return e.ledger.Records(ctx, b.Target, func(recs []Record) error {
			langs := make(map[core.ChatRef]string, len(recs))
			chats := make([]core.ChatRef, 0, len(recs))
			for _, r := range recs {
				langs[r.Chat] = r.Lang
				chats = append(chats, r.Chat)
			}
			return deal(chats, func(c core.ChatRef) (string, bool, error) { return langs[c], false, nil })
		})
	}
	if err := pass(); err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, maxProgress)
	defer cancel()
	for {
		st, err := e.ledger.Status(wait, b.Target)
		if core.ErrorCode(err) == core.CodeNotFound || (err == nil && st.Done()) {
			break
		}
		if err != nil && wait.Err() == nil {
			e.log.Warn("waiting for a superseded broadcast", slog.String("broadcast", b.Target), slog.Any("err", err))
		}
		if core.Sleep(wait, e.cfg.ProgressEvery) != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			break // waited long enough: list what was delivered
		}
	}
	return pass()
}
