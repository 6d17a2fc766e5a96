package memory

import (
	"context"
	"time"

	"github.com/newsbot/newsbot/store/internal/contract"
)

// sweepEvery is how many Sets pass between sweeps of expired cache entries,
// so that keys nobody reads again do not pile up.
const sweepEvery = 1024

type cacheEntry struct {
	value   []byte
	expires time.Time // zero: never
}

// Get returns a copy of the cached value and true, or false when the key is
// absent or expired. It counts hits and misses (see CacheStats).
func (s *Store) Get(_ context.Context, key string) ([]byte, bool, error) {
	s.cacheMu.Lock()
	e, ok := s.cache[key]
	if ok && !e.expires.IsZero() && !s.now().Before(e.expires) {
		delete(s.cache, key)
		ok = false
	}
	s.cacheMu.Unlock()
	if !ok {
		s.misses.Add(1)
		return nil, false, nil
	}
	s.hits.Add(1)
	return append([]byte{}, e.value...), true, nil
}

// Set stores a copy of value under key for ttl; ttl <= 0 means no expiry.
func (s *Store) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	now := s.now()
	e := cacheEntry{value: append([]byte{}, value...), expires: contract.TTLDeadline(now, ttl)}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	s.cache[key] = e
	s.sets++
	if s.sets >= sweepEvery {
		s.sets = 0
		for k, e := range s.cache {
			if !e.expires.IsZero() && !now.Before(e.expires) {
				delete(s.cache, k)
			}
		}
	}
	return nil
}

// CacheStats counts cache lookups since the store was made.
type CacheStats = contract.CacheStats

// CacheStats returns the cache's hit and miss counters, which are plain
// atomic counters.
func (s *Store) CacheStats() CacheStats {
	return CacheStats{Hits: s.hits.Load(), Misses: s.misses.Load()}
}

// HitRatio returns the share of cache lookups that were hits.
func (s *Store) HitRatio() float64 { return s.CacheStats().HitRatio() }
