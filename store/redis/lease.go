package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Lease is a named lease that one holder at a time keeps by renewing it,
// shared by every process on one Redis: key P lease:{name}, holding the
// holder's name, expiring unless renewed. Telegram's long polling runs
// under one, so that a single process takes the updates. It is safe for
// concurrent use.
type Lease struct {
	c   goredis.UniversalClient
	key string
}

// NewLease returns the lease name on c under key prefix.
func NewLease(c goredis.UniversalClient, prefix, name string) *Lease {
	return &Lease{c: c, key: prefix + "lease:" + name}
}

// holdScript takes the lease for a holder, or renews it when the holder
// has it. KEYS: lease. ARGV: holder, ttl in milliseconds. It returns 1
// when the holder holds the lease.
var holdScript = goredis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`)

// Hold takes the lease for holder, or renews it when holder has it, for
// ttl. It reports whether holder holds the lease now.
func (l *Lease) Hold(ctx context.Context, holder string, ttl time.Duration) (bool, error) {
	n, err := holdScript.Run(ctx, l.c, []string{l.key}, holder, ttl.Milliseconds()).Int()
	return n == 1, err
}

// Release gives the lease up when holder has it, so that another holder
// takes it at once.
func (l *Lease) Release(ctx context.Context, holder string) error {
	return unlockScript.Run(ctx, l.c, []string{l.key}, holder).Err()
}
