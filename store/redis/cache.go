package redis

import (
	"context"
	"errors"
	"github.com/newsbot/newsbot/store/internal/contract"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Get returns the cached value and true, or false when the key is absent or
// expired. It counts hits and misses (see CacheStats).
func (s *Store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := s.rdb.Get(ctx, s.key("cache", key)).Bytes()
	if errors.Is(err, goredis.Nil) {
		s.misses.Add(1)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, unavailable(err)
	}
	s.hits.Add(1)
	return v, true, nil
}

// Set stores value under key for ttl, rounded up to a millisecond; ttl <= 0
// means no expiry.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	switch {
	case ttl <= 0:
		// go-redis reads a negative expiration as KEEPTTL: say "none".
		ttl = 0
	case ttl < time.Millisecond:
		ttl = time.Millisecond
	}
	return unavailable(s.rdb.Set(ctx, s.key("cache", key), value, ttl).Err())
}

// CacheStats counts this Store's cache lookups since it was opened.
type CacheStats = contract.CacheStats

// CacheStats returns the cache's hit and miss counters: atomic counters of
// this Store value, not shared with other processes. Failed lookups count as
// neither.
func (s *Store) CacheStats() CacheStats {
	return CacheStats{Hits: s.hits.Load(), Misses: s.misses.Load()}
}

// HitRatio returns the share of cache lookups that were hits.
func (s *Store) HitRatio() float64 { return s.CacheStats().HitRatio() }
