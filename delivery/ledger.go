package delivery

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
)

// Outcome is what became of one job.
type Outcome struct {
	// Ref is the sent (or edited) message; nil when the job failed or had
	// nothing to do. A job that failed after part of a long message went
	// out keeps the reference of what was sent, so that a correction or
	// retraction reaches it.
	Ref  *core.SentRef
	Lang string
	// Failed is "<class>:<reason>" when the job failed.
	Failed string
	Gone   bool // the chat was unsubscribed because it is gone
	Moved  bool // the chat's subscriptions moved to Ref.Chat
	// Alias marks the outcome of a chat that got the message through
	// another chat's job: the new ID of a moved chat. See Ledger.Finish.
	Alias bool `json:",omitempty"`
	// Version is the correction whose text was sent instead of the
	// broadcast's own, when the broadcast was corrected before this chat's
	// turn came; "" for the broadcast's own text.
	Version string `json:",omitempty"`
	At      time.Time
}

// Record is a sent message of a broadcast.
type Record struct {
	Chat    core.ChatRef // the chat the job was for
	Ref     core.SentRef // the message, possibly in a moved chat
	Lang    string
	Version string // see Outcome.Version
}

// ListEntry is how one chat of a broadcast's audience was dealt with while
// the audience was listed: its job queued in Lang, or the alert held for
// its digest.
type ListEntry struct {
	Chat core.ChatRef
	Lang string
	Held bool
}

// Ledger keeps broadcasts, their counters, and the message sent to each
// chat: the idempotency record checked before every send. Implementations
// are safe for concurrent use by several processes.
type Ledger interface {
	// Create records b, as not yet listed, and reports whether it is new; an
	// existing ID is left as it is. It is atomic: b is recorded whole or not
	// at all.
	Create(ctx context.Context, b core.Broadcast) (created bool, err error)
	// Unlisted returns the IDs of recorded broadcasts not yet Listed, oldest
	// first: those whose listing is under way or was interrupted.
	Unlisted(ctx context.Context) ([]string, error)
	// LockListing takes broadcast id's listing lock for owner, or renews it
	// when owner holds it, for ttl; it reports whether owner holds it.
	LockListing(ctx context.Context, id, owner string, ttl time.Duration) (bool, error)
	// MarkListed records how chats of id's audience were dealt with, so that
	// a listing resumed after an interruption skips them.
	MarkListed(ctx context.Context, id string, es []ListEntry) error
	// ListedChats returns the entries recorded by MarkListed for those of
	// chats that have one.
	ListedChats(ctx context.Context, id string, chats []core.ChatRef) ([]ListEntry, error)
	// Listed records that every job of broadcast id is queued: total chats,
	// by platform and language. It ends the listing: the broadcast leaves
	// Unlisted, its lock and its MarkListed entries are dropped.
	Listed(ctx context.Context, id string, total int, reach map[string]map[string]int) error
	// Supersede marks broadcast target as corrected or retracted (kind) by
	// broadcast by, so that its chats not yet sent to get the correction's
	// text instead, or nothing. A retraction is final: a later correction
	// does not replace it.
	Supersede(ctx context.Context, target, by string, kind core.BroadcastKind) error
	// Superseded returns the broadcast that last superseded id, and its
	// kind; "" when none did.
	Superseded(ctx context.Context, id string) (by string, kind core.BroadcastKind, err error)
	// Broadcast returns the broadcast, or core.ErrNotFound.
	Broadcast(ctx context.Context, id string) (core.Broadcast, error)
	// Outcome returns the recorded outcome of the job (id, chat), if any:
	// the idempotency record checked before every send.
	Outcome(ctx context.Context, id string, chat core.ChatRef) (Outcome, bool, error)
	// Finish records the outcome of the job (id, chat) and counts it, once:
	// a second outcome for the same job is ignored and reported as false.
	// An Alias outcome is recorded but not counted, and Records leaves it
	// out (the moved chat's own record names the message); the chat's own
	// job, finishing later, counts the recorded alias instead of being
	// ignored.
	Finish(ctx context.Context, id string, chat core.ChatRef, o Outcome) (bool, error)
	// Records calls fn with the sent records of broadcast id, in batches.
	Records(ctx context.Context, id string, fn func([]Record) error) error
	// Status returns the broadcast's audit record, or core.ErrNotFound.
	Status(ctx context.Context, id string) (core.BroadcastStatus, error)
	// Recent returns up to n of the latest broadcasts, newest first, but
	// no digests (core.BroadcastDigest), which would crowd out the rest.
	Recent(ctx context.Context, n int) ([]core.BroadcastStatus, error)
}

// DefaultKeep is how long a broadcast's records are kept: corrections and
// retractions need them.
const DefaultKeep = 30 * 24 * time.Hour

// MemoryLedger is the embedded Ledger. Like the Redis one it forgets a
// broadcast DefaultKeep after its creation (a digest DigestKeep after). It
// is safe for concurrent use.
type MemoryLedger struct {
	mu       sync.Mutex
	now      func() time.Time
	order    []string
	status   map[string]*core.BroadcastStatus
	done     map[string]map[core.ChatRef]Outcome
	unlisted []string
	locks    map[string]memLock
	listing  map[string]map[core.ChatRef]ListEntry
	sup      map[string]memSup
	// aliasCounted holds the Alias outcomes counted by their chat's job.
	aliasCounted map[string]map[core.ChatRef]bool
	// keep is how long a broadcast is kept (DefaultKeep, a digest at most
	// DigestKeep), born when each was created; pruned is the last prune.
	keep   time.Duration
	born   map[string]time.Time
	pruned time.Time
}

// pruneEvery is how often Create looks for broadcasts past keeping.
const pruneEvery = time.Minute

// prune forgets the broadcasts older than keep, as the Redis ledger's keys
// expire. It runs under l.mu, at most every pruneEvery.
func (l *MemoryLedger) prune(now time.Time) {
	if now.Sub(l.pruned) < pruneEvery {
		return
	}
	l.pruned = now
	gone := map[string]bool{}
	for id, t := range l.born {
		keep := l.keep
		if s := l.status[id]; s != nil && s.Broadcast.Kind == core.BroadcastDigest {
			keep = min(keep, DigestKeep)
		}
		if now.Sub(t) < keep {
			continue
		}
		gone[id] = true
		delete(l.born, id)
		delete(l.status, id)
		delete(l.done, id)
		delete(l.locks, id)
		delete(l.listing, id)
		delete(l.sup, id)
		delete(l.aliasCounted, id)
	}
	if len(gone) > 0 {
		drop := func(id string) bool { return gone[id] }
		l.order = slices.DeleteFunc(l.order, drop)
		l.unlisted = slices.DeleteFunc(l.unlisted, drop)
	}
}

type memLock struct {
	owner string
	until time.Time
}

type memSup struct {
	by   string
	kind core.BroadcastKind
}

var _ Ledger = (*MemoryLedger)(nil)

// NewMemoryLedger returns an empty ledger.
func NewMemoryLedger() *MemoryLedger {
	return &MemoryLedger{now: time.Now, status: map[string]*core.BroadcastStatus{}, done: map[string]map[core.ChatRef]Outcome{},
		locks: map[string]memLock{}, listing: map[string]map[core.ChatRef]ListEntry{}, sup: map[string]memSup{},
		aliasCounted: map[string]map[core.ChatRef]bool{}, keep: DefaultKeep, born: map[string]time.Time{}}
}

// Unlisted implements Ledger.
func (l *MemoryLedger) Unlisted(context.Context) ([]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.unlisted), nil
}

// LockListing implements Ledger.
func (l *MemoryLedger) LockListing(_ context.Context, id, owner string, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if k, ok := l.locks[id]; ok && k.owner != owner && now.Before(k.until) {
		return false, nil
	}
	l.locks[id] = memLock{owner: owner, until: now.Add(ttl)}
	return true, nil
}

// MarkListed implements Ledger.
func (l *MemoryLedger) MarkListed(_ context.Context, id string, es []ListEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.listing[id]
	if m == nil {
		m = map[core.ChatRef]ListEntry{}
		l.listing[id] = m
	}
	for _, e := range es {
		m[e.Chat] = e
	}
	return nil
}

// ListedChats implements Ledger.
func (l *MemoryLedger) ListedChats(_ context.Context, id string, chats []core.ChatRef) ([]ListEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []ListEntry
	for _, c := range chats {
		if e, ok := l.listing[id][c]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// Supersede implements Ledger.
func (l *MemoryLedger) Supersede(_ context.Context, target, by string, kind core.BroadcastKind) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sup[target].kind == core.BroadcastRetract {
		return nil
	}
	l.sup[target] = memSup{by: by, kind: kind}
	return nil
}

// Superseded implements Ledger.
func (l *MemoryLedger) Superseded(_ context.Context, id string) (string, core.BroadcastKind, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.sup[id]
	return s.by, s.kind, nil
}

// Create implements Ledger.
func (l *MemoryLedger) Create(_ context.Context, b core.Broadcast) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	if _, ok := l.status[b.ID]; ok {
		return false, nil
	}
	l.born[b.ID] = now
	l.status[b.ID] = &core.BroadcastStatus{Broadcast: b, Failed: map[string]int{}}
	l.done[b.ID] = map[core.ChatRef]Outcome{}
	l.unlisted = append(l.unlisted, b.ID)
	if b.Kind != core.BroadcastDigest { // one per chat a day: not for /broadcasts
		l.order = append(l.order, b.ID)
	}
	return true, nil
}

// Listed implements Ledger.
func (l *MemoryLedger) Listed(_ context.Context, id string, total int, reach map[string]map[string]int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.status[id]
	if !ok {
		return core.ErrNotFound
	}
	s.Listed, s.Total, s.Reach = true, total, reach
	l.finished(s, l.now())
	l.unlisted = slices.DeleteFunc(l.unlisted, func(u string) bool { return u == id })
	delete(l.locks, id)
	delete(l.listing, id)
	return nil
}

// Broadcast implements Ledger.
func (l *MemoryLedger) Broadcast(_ context.Context, id string) (core.Broadcast, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.status[id]
	if !ok {
		return core.Broadcast{}, core.ErrNotFound
	}
	return s.Broadcast, nil
}

// Outcome implements Ledger.
func (l *MemoryLedger) Outcome(_ context.Context, id string, chat core.ChatRef) (Outcome, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o, ok := l.done[id][chat]
	return o, ok, nil
}

// Finish implements Ledger.
func (l *MemoryLedger) Finish(_ context.Context, id string, chat core.ChatRef, o Outcome) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.status[id]
	if !ok {
		return false, core.ErrNotFound
	}
	if prev, dup := l.done[id][chat]; dup {
		if !prev.Alias || o.Alias || l.aliasCounted[id][chat] {
			return false, nil
		}
		if l.aliasCounted[id] == nil {
			l.aliasCounted[id] = map[core.ChatRef]bool{}
		}
		l.aliasCounted[id][chat] = true
		count(s, prev)
		l.finished(s, o.At)
		return true, nil
	}
	l.done[id][chat] = o
	if o.Alias {
		return true, nil
	}
	count(s, o)
	l.finished(s, o.At)
	return true, nil
}

// count adds o to s's counters.
func count(s *core.BroadcastStatus, o Outcome) {
	if o.Failed != "" {
		if s.Failed == nil {
			s.Failed = map[string]int{}
		}
		s.Failed[o.Failed]++
	} else {
		s.Sent++
		if s.FirstSent.IsZero() || o.At.Before(s.FirstSent) {
			s.FirstSent = o.At
		}
	}
	if o.Gone {
		s.Gone++
	}
	if o.Moved {
		s.Moved++
	}
}

func (l *MemoryLedger) finished(s *core.BroadcastStatus, at time.Time) {
	if s.Finished.IsZero() && s.Done() {
		s.Finished = at
	}
}

// Records implements Ledger.
func (l *MemoryLedger) Records(ctx context.Context, id string, fn func([]Record) error) error {
	l.mu.Lock()
	var recs []Record
	for chat, o := range l.done[id] {
		if o.Ref != nil && !o.Alias {
			recs = append(recs, Record{Chat: chat, Ref: *o.Ref, Lang: o.Lang, Version: o.Version})
		}
	}
	l.mu.Unlock()
	sort.Slice(recs, func(i, j int) bool { return recs[i].Chat.String() < recs[j].Chat.String() })
	for len(recs) > 0 {
		n := min(len(recs), 500)
		if err := fn(recs[:n]); err != nil {
			return err
		}
		recs = recs[n:]
	}
	return nil
}

// Status implements Ledger.
func (l *MemoryLedger) Status(_ context.Context, id string) (core.BroadcastStatus, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.status[id]
	if !ok {
		return core.BroadcastStatus{}, core.ErrNotFound
	}
	return copyStatus(s), nil
}

func copyStatus(s *core.BroadcastStatus) core.BroadcastStatus {
	c := *s
	c.Failed = maps.Clone(s.Failed)
	return c
}

// Recent implements Ledger.
func (l *MemoryLedger) Recent(_ context.Context, n int) ([]core.BroadcastStatus, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []core.BroadcastStatus
	for i := len(l.order) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, copyStatus(l.status[l.order[i]]))
	}
	return out, nil
}
