package delivery

import (
	"context"
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
)

// Outcome is what became of one job.
type Outcome struct {
	// Ref is the sent (or edited) message; nil when the job failed or had
	// nothing to do.
	Ref  *core.SentRef
	Lang string
	// Failed is "<class>:<reason>" when the job failed.
	Failed string
	Gone   bool // the chat was unsubscribed because it is gone
	Moved  bool // the chat's subscriptions moved to Ref.Chat
	At     time.Time
}

// Record is a sent message of a broadcast.
type Record struct {
	Chat core.ChatRef // the chat the job was for
	Ref  core.SentRef // the message, possibly in a moved chat
	Lang string
}

// Ledger keeps broadcasts, their counters, and the message sent to each
// chat: the idempotency record checked before every send. Implementations
// are safe for concurrent use by several processes.
type Ledger interface {
	// Create records b and reports whether it is new; an existing ID is
	// left as it is.
	Create(ctx context.Context, b core.Broadcast) (created bool, err error)
	// Listed records that every job of broadcast id is queued: total chats,
	// by platform and language.
	Listed(ctx context.Context, id string, total int, reach map[string]map[string]int) error
	// Broadcast returns the broadcast, or core.ErrNotFound.
	Broadcast(ctx context.Context, id string) (core.Broadcast, error)
	// Outcome returns the recorded outcome of the job (id, chat), if any:
	// the idempotency record checked before every send.
	Outcome(ctx context.Context, id string, chat core.ChatRef) (Outcome, bool, error)
	// Finish records the outcome of the job (id, chat) and counts it, once:
	// a second outcome for the same job is ignored and reported as false.
	Finish(ctx context.Context, id string, chat core.ChatRef, o Outcome) (bool, error)
	// Records calls fn with the sent records of broadcast id, in batches.
	Records(ctx context.Context, id string, fn func([]Record) error) error
	// Status returns the broadcast's audit record, or core.ErrNotFound.
	Status(ctx context.Context, id string) (core.BroadcastStatus, error)
	// Recent returns up to n of the latest broadcasts, newest first, but
	// no digests (core.BroadcastDigest), which would crowd out the rest.
	Recent(ctx context.Context, n int) ([]core.BroadcastStatus, error)
}

// MemoryLedger is the embedded Ledger. It is safe for concurrent use.
type MemoryLedger struct {
	mu     sync.Mutex
	order  []string
	status map[string]*core.BroadcastStatus
	done   map[string]map[core.ChatRef]Outcome
}

var _ Ledger = (*MemoryLedger)(nil)

// NewMemoryLedger returns an empty ledger.
func NewMemoryLedger() *MemoryLedger {
	return &MemoryLedger{status: map[string]*core.BroadcastStatus{}, done: map[string]map[core.ChatRef]Outcome{}}
}

// Create implements Ledger.
func (l *MemoryLedger) Create(_ context.Context, b core.Broadcast) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.status[b.ID]; ok {
		return false, nil
	}
	l.status[b.ID] = &core.BroadcastStatus{Broadcast: b, Failed: map[string]int{}}
	l.done[b.ID] = map[core.ChatRef]Outcome{}
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
	l.finished(s, time.Now())
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
	if _, dup := l.done[id][chat]; dup {
		return false, nil
	}
	l.done[id][chat] = o
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
		if o.Ref != nil {
			recs = append(recs, Record{Chat: chat, Ref: *o.Ref, Lang: o.Lang})
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
