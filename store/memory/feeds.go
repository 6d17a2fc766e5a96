package memory

import (
	"context"
	"time"
)

// FeedPolled returns when the feed was first polled in full, or the zero
// time (see core.FeedLog).
func (s *Store) FeedPolled(_ context.Context, feed string) (time.Time, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.polled[feed], nil
}

// MarkFeedPolled records t as the feed's first full poll unless one is
// recorded, and returns the recorded time.
func (s *Store) MarkFeedPolled(_ context.Context, feed string, t time.Time) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if first, ok := s.polled[feed]; ok {
		return first, nil
	}
	t = t.UTC().Truncate(time.Millisecond)
	s.polled[feed] = t
	return t, nil
}
