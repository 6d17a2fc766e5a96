package push

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// DefaultAlertGrace is how long a new story waits for its other language
// editions before its alert goes out.
const DefaultAlertGrace = time.Minute

// maxAlertRetry caps the wait between retries of an alert that failed to
// start and is not kept in an AlertStore.
const maxAlertRetry = time.Minute

// Alerts turns new articles into section alerts: each chat subscribed to
// the article's section gets the story's card in the chat's language when
// the story has that edition, else the available edition with a note. It
// implements content/feed's Listener. It is safe for concurrent use.
//
// A new story waits a grace period for its other editions. The wait is
// durable when the Desk's Store is a core.AlertStore (both newsbot stores
// are): ArticleAdded stores the pending alert with its due time before it
// returns, a timer starts it when due, and SendDueDigests (run by
// RunDigests, in any process) starts any that the timer did not: after a
// restart, or after an error, which is retried on each pass. Without an
// AlertStore the alert waits in memory only, and a failed start is retried
// with a growing wait until Close.
//
// Call Close at shutdown, before the stores are closed: no timer fires
// after it returns.
//
// A chat in digest mode or in quiet hours gets the story in its digest
// instead: the Broadcaster asks core.Chats.HoldAlert about each chat as it
// lists the audience (package delivery does), which stores the story for
// the chat's next digest. Breaking news is never held.
type Alerts struct {
	d      *Desk
	grace  time.Duration
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	due    map[string]bool // in-memory alerts waiting (no AlertStore)
	wg     sync.WaitGroup
}

// Alerts returns the Desk's section alerts, which wait grace for sibling
// editions; 0 (or less) sends each story's alert at once. It needs a
// Broadcaster.
func (d *Desk) Alerts(grace time.Duration) *Alerts {
	grace = max(grace, 0)
	ctx, cancel := context.WithCancel(context.Background())
	return &Alerts{d: d, grace: grace, ctx: ctx, cancel: cancel, due: map[string]bool{}}
}

// alertID is the broadcast ID of the alert of art's story (its group, else
// the article alone): the same for every edition and every process, so
// that a story alerts once.
func alertID(art content.Article) string {
	story := art.Group
	if story == "" {
		story = art.ID
	}
	h := sha1.Sum([]byte(story))
	return "a" + hex.EncodeToString(h[:])[:11]
}

// ArticleAdded schedules the alert of a's story after the grace period,
// unless the story is already scheduled or alerted. It returns once the
// pending alert is stored (see Alerts); a store error is logged and the
// alert then waits in memory.
func (a *Alerts) ArticleAdded(ctx context.Context, art content.Article) {
	if a.d.bcast == nil || art.Section == "" {
		return
	}
	id := alertID(art)
	if _, err := a.d.bcast.Status(ctx, id); err == nil {
		return // an update or a late edition: no second alert
	}
	if as, ok := a.d.store.(core.AlertStore); ok {
		now := a.d.now()
		pa := core.PendingAlert{ID: id, ArticleID: art.ID, Section: art.Section, Seen: now, Due: now.Add(a.grace)}
		added, err := as.PendAlert(ctx, pa)
		if err == nil {
			if added {
				// A failure here is left to the next SendDueDigests pass.
				a.after(a.grace, false, id, func(ctx context.Context) error {
					_, err := a.d.startPending(ctx, as, pa)
					return err
				})
			}
			return
		}
		a.d.log.Error("storing a pending section alert; it waits in memory", slog.String("article", art.ID), slog.Any("err", err))
	}
	a.mu.Lock()
	if a.due[id] {
		a.mu.Unlock()
		return
	}
	a.due[id] = true
	a.mu.Unlock()
	seen := a.d.now()
	a.after(a.grace, true, id, func(ctx context.Context) error {
		cur, err := a.d.store.Article(ctx, art.ID)
		if err != nil && core.ErrorCode(err) != core.CodeNotFound {
			return err
		}
		if err == nil {
			art = cur // the newest version, in case it changed meanwhile
		}
		return a.d.startAlert(ctx, id, art, seen)
	})
}

// after runs send once wait has passed, unless Close comes first. With
// retry it runs send again after each error, waiting grace, then twice as
// long each time up to maxAlertRetry; else it logs the error once.
func (a *Alerts) after(wait time.Duration, retry bool, id string, send func(context.Context) error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer func() {
			a.mu.Lock()
			delete(a.due, id)
			a.mu.Unlock()
		}()
		t := time.NewTimer(wait)
		defer t.Stop()
		for {
			select {
			case <-a.ctx.Done():
				if retry {
					a.d.log.Warn("section alert dropped at shutdown", slog.String("broadcast", id))
				}
				return
			case <-t.C:
			}
			err := send(a.ctx)
			if err == nil || a.ctx.Err() != nil {
				return
			}
			a.d.log.Error("section alert", slog.String("broadcast", id), slog.Any("err", err))
			if !retry {
				return
			}
			wait = min(2*wait, maxAlertRetry)
			t.Reset(wait)
		}
	}()
}

// Wait waits until every alert scheduled so far has been handed to the
// broadcaster, or left to SendDueDigests after an error, or dropped by
// Close.
func (a *Alerts) Wait() { a.wg.Wait() }

// Close stops the alerts' timers and waits for those running: alerts kept
// in a DigestStore stay there for SendDueDigests (in this process or the
// next); alerts waiting in memory are dropped, with a warning. Articles
// added after Close are still stored, but no timer starts them. Close is
// safe to call more than once.
func (a *Alerts) Close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.cancel()
	a.wg.Wait()
}

// startPending starts pending alert pa, once its grace period is over,
// then lets it go. Start is idempotent by ID, so the timer of this process
// and the pass of another may both start it: it is sent once. It reports
// whether it started a broadcast.
func (d *Desk) startPending(ctx context.Context, as core.AlertStore, pa core.PendingAlert) (bool, error) {
	art, err := d.store.Article(ctx, pa.ArticleID)
	if core.ErrorCode(err) == core.CodeNotFound {
		d.log.Warn("section alert of a vanished article", slog.String("article", pa.ArticleID))
		return false, as.DropAlert(ctx, pa.ID)
	}
	if err != nil {
		return false, err
	}
	if err := d.startAlert(ctx, pa.ID, art, pa.Seen); err != nil {
		return false, err
	}
	return true, as.DropAlert(ctx, pa.ID)
}

// startAlert renders art's story and starts its alert broadcast id, for
// the chats subscribed when the story was first seen. When art's edition
// has joined another story since (two groups found to be one), the alert
// is that story's: started under its ID, it is one alert however many
// pending alerts the story gathered.
func (d *Desk) startAlert(ctx context.Context, id string, art content.Article, seen time.Time) error {
	if now := alertID(art); now != id {
		d.log.Info("a pending alert's story was merged into another", slog.String("broadcast", id), slog.String("story", now))
		id = now
	}
	msgs, err := d.articleMessages(ctx, art, "bc_alert_title")
	if err != nil {
		return err
	}
	prio := core.PriorityRoutine
	if art.Section == content.Breaking {
		prio = core.PriorityBreaking
	}
	now := d.now()
	return d.bcast.Start(ctx, core.Broadcast{
		ID: id, Kind: core.BroadcastAlert, Priority: prio, Section: art.Section, Messages: msgs, Fallback: art.Lang,
		ArticleID: art.ID, Seen: seen, Created: now, Confirmed: now,
	})
}
