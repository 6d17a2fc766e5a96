package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
)

var _ core.AlertStore = (*Store)(nil)

// alertState is a store's pending section alerts, by ID. Its map is made
// on first use, so that a zero Store field is ready.
type alertState struct {
	mu      sync.Mutex
	pending map[string]core.PendingAlert
}

// PendAlert implements core.AlertStore.
func (s *Store) PendAlert(_ context.Context, a core.PendingAlert) (bool, error) {
	if a.ID == "" || a.ArticleID == "" {
		return false, core.Errorf(core.CodeInvalid, "err_invalid_alert", nil)
	}
	p := &s.alerts
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.pending[a.ID]; ok {
		return false, nil
	}
	if p.pending == nil {
		p.pending = map[string]core.PendingAlert{}
	}
	a.Seen, a.Due = a.Seen.Truncate(time.Millisecond), a.Due.Truncate(time.Millisecond)
	p.pending[a.ID] = a
	return true, nil
}

// DueAlerts implements core.AlertStore.
func (s *Store) DueAlerts(_ context.Context, now time.Time, max int) ([]core.PendingAlert, error) {
	if max <= 0 {
		max = 100
	}
	p := &s.alerts
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []core.PendingAlert
	for _, a := range p.pending {
		if !a.Due.After(now) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b core.PendingAlert) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), max)], nil
}

// DropAlert implements core.AlertStore.
func (s *Store) DropAlert(_ context.Context, id string) error {
	p := &s.alerts
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pending, id)
	return nil
}
