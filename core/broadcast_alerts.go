package core

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/newsbot/newsbot/content"
)

// DefaultAlertGrace is how long a new story waits for its other language
// editions before its alert goes out.
const DefaultAlertGrace = time.Minute

// Alerts turns new articles into section alerts: each chat subscribed to
// the article's section gets the story's card in the chat's language when
// the story has that edition, else the available edition with a note. It
// implements content/feed's Listener. It is safe for concurrent use.
//
// A chat in digest mode or in quiet hours gets the story in its digest
// instead: the Broadcaster asks HoldAlert about each chat as it lists the
// audience (package delivery does), and HoldAlert stores the story for the
// chat's next digest. Breaking news is never held.
type Alerts struct {
	e     *Engine
	grace time.Duration
	mu    sync.Mutex
	due   map[string]bool // stories waiting for their grace period
	wg    sync.WaitGroup
}

// Alerts returns the engine's section alerts, which wait grace (0 means
// DefaultAlertGrace) for sibling editions. It needs a Broadcaster.
func (e *Engine) Alerts(grace time.Duration) *Alerts {
	if grace <= 0 {
		grace = DefaultAlertGrace
	}
	return &Alerts{e: e, grace: grace, due: map[string]bool{}}
}

// alertID is the broadcast ID of a story's alert: the same for every
// edition and every process, so that a story alerts once.
func alertID(story string) string {
	h := sha1.Sum([]byte(story))
	return "a" + hex.EncodeToString(h[:])[:11]
}

// ArticleAdded schedules the alert of a's story after the grace period,
// unless the story is already scheduled or alerted. It returns at once.
func (a *Alerts) ArticleAdded(ctx context.Context, art content.Article) {
	if a.e.bcast == nil || art.Section == "" {
		return
	}
	story := art.Group
	if story == "" {
		story = art.ID
	}
	id := alertID(story)
	if _, err := a.e.bcast.Status(ctx, id); err == nil {
		return // an update or a late edition: no second alert
	}
	a.mu.Lock()
	if a.due[id] {
		a.mu.Unlock()
		return
	}
	a.due[id] = true
	a.mu.Unlock()
	a.wg.Add(1)
	ctx = context.WithoutCancel(ctx)
	time.AfterFunc(a.grace, func() {
		defer a.wg.Done()
		defer func() {
			a.mu.Lock()
			delete(a.due, id)
			a.mu.Unlock()
		}()
		if err := a.send(ctx, id, art); err != nil {
			a.e.log.Error("section alert", slog.String("article", art.ID), slog.Any("err", err))
		}
	})
}

// Wait waits for the alerts scheduled so far to be handed to the
// broadcaster.
func (a *Alerts) Wait() { a.wg.Wait() }

func (a *Alerts) send(ctx context.Context, id string, art content.Article) error {
	// The newest version, in case it changed during the grace period.
	if cur, err := a.e.store.Article(ctx, art.ID); err == nil {
		art = cur
	}
	msgs, err := a.e.articleMessages(ctx, art, "bc_alert_title")
	if err != nil {
		return err
	}
	prio := PriorityRoutine
	if art.Section == content.Breaking {
		prio = PriorityBreaking
	}
	now := a.e.now()
	return a.e.bcast.Start(ctx, Broadcast{
		ID: id, Kind: BroadcastAlert, Priority: prio, Section: art.Section, Messages: msgs, Fallback: art.Lang,
		ArticleID: art.ID, Created: now, Confirmed: now,
	})
}
