package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Locker hands out short-lived locks on Redis (SET NX PX with a random
// token; released only by its holder), so that of several bot processes
// only one polls each feed. It implements the feed poller's Locker.
type Locker struct {
	c      goredis.UniversalClient
	prefix string
}

// NewLocker returns a Locker on c; its keys are prefix + "lock:" + key.
func NewLocker(c goredis.UniversalClient, prefix string) *Locker {
	return &Locker{c: c, prefix: prefix}
}

// unlockScript deletes the lock only while it still holds our token, so a
// holder whose lock expired cannot release the next holder's.
var unlockScript = goredis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)

// TryLock takes the lock on key for ttl. ok is false when another holder
// has it. unlock releases it early; it is safe to call after expiry.
func (l *Locker) TryLock(ctx context.Context, key string, ttl time.Duration) (unlock func(), ok bool, err error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, false, err
	}
	token := hex.EncodeToString(b[:])
	k := l.prefix + "lock:" + key
	ok, err = l.c.SetNX(ctx, k, token, ttl).Result()
	if err != nil || !ok {
		return func() {}, false, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		unlockScript.Run(ctx, l.c, []string{k}, token)
	}, true, nil
}
