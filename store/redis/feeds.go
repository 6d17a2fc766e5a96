package redis

import (
	"context"
	"errors"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// FeedPolled returns when the feed was first polled in full, or the zero
// time (see core.FeedLog).
func (s *Store) FeedPolled(ctx context.Context, feed string) (time.Time, error) {
	v, err := s.rdb.HGet(ctx, s.key("feeds", "polled"), feed).Result()
	if errors.Is(err, goredis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, unavailable(err)
	}
	return parseMillis(v), nil
}

// MarkFeedPolled records t as the feed's first full poll unless one is
// recorded (HSETNX), and returns the recorded time, in one round trip.
func (s *Store) MarkFeedPolled(ctx context.Context, feed string, t time.Time) (time.Time, error) {
	key := s.key("feeds", "polled")
	var get *goredis.StringCmd
	_, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSetNX(ctx, key, feed, t.UnixMilli())
		get = p.HGet(ctx, key, feed)
		return nil
	})
	if err != nil {
		return time.Time{}, unavailable(err)
	}
	return parseMillis(get.Val()), nil
}

// parseMillis reads a time stored as Unix milliseconds. A value that does
// not parse still says the feed was polled, so it reads as the Unix epoch,
// never as the zero time.
func parseMillis(v string) time.Time {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.UnixMilli(0).UTC()
	}
	return time.UnixMilli(ms).UTC()
}
