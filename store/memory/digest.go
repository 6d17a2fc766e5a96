package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

var _ core.DigestStore = (*Store)(nil)

// digestState is a store's held and sealed digest items and its schedule.
// Its maps are made on first use, so that a zero Store field is ready.
type digestState struct {
	mu     sync.Mutex
	held   map[core.ChatRef]map[string]core.DigestItem
	sealed map[core.ChatRef]core.DigestBatch
	due    map[core.ChatRef]time.Time
}

// digests returns s's digest state, with its maps made.
func (s *Store) digests() *digestState {
	d := &s.digest
	d.mu.Lock()
	if d.held == nil {
		d.held = map[core.ChatRef]map[string]core.DigestItem{}
		d.sealed = map[core.ChatRef]core.DigestBatch{}
		d.due = map[core.ChatRef]time.Time{}
	}
	d.mu.Unlock()
	return d
}

// second drops t's fraction of a second, as a Redis score would.
func second(t time.Time) time.Time { return time.Unix(t.Unix(), 0) }

// HoldDigestItem implements core.DigestStore.
func (s *Store) HoldDigestItem(_ context.Context, chat core.ChatRef, item core.DigestItem, due time.Time) (bool, error) {
	if err := contract.CheckPlatform(chat.Platform); err != nil {
		return false, err
	}
	if item.ID == "" {
		return false, core.Errorf(core.CodeInvalid, "err_invalid_digest_item", nil)
	}
	d := s.digests()
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.held[chat][item.ID]; ok {
		return false, nil
	}
	if slices.ContainsFunc(d.sealed[chat].Items, func(it core.DigestItem) bool { return it.ID == item.ID }) {
		return false, nil
	}
	if d.held[chat] == nil {
		d.held[chat] = map[string]core.DigestItem{}
	}
	d.held[chat][item.ID] = item
	if over := len(d.held[chat]) - core.MaxHeldDigestItems; over > 0 {
		for _, old := range sortedItems(d.held[chat])[:over] {
			delete(d.held[chat], old.ID)
		}
	}
	due = second(due)
	if cur, ok := d.due[chat]; !ok || due.Before(cur) {
		d.due[chat] = due
	}
	return true, nil
}

// HeldDigestItems implements core.DigestStore.
func (s *Store) HeldDigestItems(_ context.Context, chat core.ChatRef) ([]core.DigestItem, error) {
	d := s.digests()
	d.mu.Lock()
	defer d.mu.Unlock()
	return sortedItems(d.held[chat]), nil
}

// sortedItems returns the items ordered by At, then ID.
func sortedItems(m map[string]core.DigestItem) []core.DigestItem {
	out := make([]core.DigestItem, 0, len(m))
	for _, it := range m {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b core.DigestItem) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// DueDigests implements core.DigestStore.
func (s *Store) DueDigests(_ context.Context, now time.Time, max int) ([]core.DigestDue, error) {
	if max <= 0 {
		max = 100
	}
	d := s.digests()
	d.mu.Lock()
	var out []core.DigestDue
	for chat, due := range d.due {
		if !due.After(now) {
			out = append(out, core.DigestDue{Chat: chat, Due: due})
		}
	}
	d.mu.Unlock()
	slices.SortFunc(out, func(a, b core.DigestDue) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Chat.String(), b.Chat.String()))
	})
	return out[:min(len(out), max)], nil
}

// RescheduleDigest implements core.DigestStore.
func (s *Store) RescheduleDigest(_ context.Context, chat core.ChatRef, due time.Time) error {
	d := s.digests()
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.sealed[chat]; ok || len(d.held[chat]) > 0 {
		d.due[chat] = second(due)
	}
	return nil
}

// SealDigest implements core.DigestStore.
func (s *Store) SealDigest(_ context.Context, chat core.ChatRef, due time.Time) (core.DigestBatch, bool, error) {
	d := s.digests()
	d.mu.Lock()
	defer d.mu.Unlock()
	if b, ok := d.sealed[chat]; ok {
		return copyBatch(b), true, nil
	}
	cur, ok := d.due[chat]
	if !ok || !cur.Equal(second(due)) {
		return core.DigestBatch{}, false, nil
	}
	if len(d.held[chat]) == 0 {
		delete(d.due, chat)
		return core.DigestBatch{}, false, nil
	}
	b := core.DigestBatch{Due: cur, Items: sortedItems(d.held[chat])}
	d.sealed[chat] = b
	delete(d.held, chat)
	return copyBatch(b), true, nil
}

func copyBatch(b core.DigestBatch) core.DigestBatch {
	b.Items = slices.Clone(b.Items)
	return b
}

// FinishDigest implements core.DigestStore.
func (s *Store) FinishDigest(_ context.Context, chat core.ChatRef, due, next time.Time) error {
	d := s.digests()
	d.mu.Lock()
	defer d.mu.Unlock()
	b, ok := d.sealed[chat]
	if !ok || !b.Due.Equal(second(due)) {
		return nil
	}
	delete(d.sealed, chat)
	if len(d.held[chat]) > 0 {
		d.due[chat] = second(next)
	} else {
		delete(d.due, chat)
	}
	return nil
}
