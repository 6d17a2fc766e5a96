package redis_test

import (
	"testing"
	"time"

	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	"github.com/newsbot/newsbot/delivery/redis"
)

// TestContract runs the contract suite on Redis, each part under a key
// prefix of its own.
func TestContract(t *testing.T) {
	deliverytest.Run(t, deliverytest.Parts{
		NewQueue: func(t *testing.T) delivery.Queue {
			c, prefix := redisClient(t)
			return redis.NewQueue(c, prefix)
		},
		NewLedger: func(t *testing.T) delivery.Ledger {
			c, prefix := redisClient(t)
			return redis.NewLedger(c, prefix, time.Hour)
		},
		NewLimiter: func(t *testing.T, limits map[string]delivery.Limits) delivery.Limiter {
			c, prefix := redisClient(t)
			return redis.NewLimiter(c, prefix, limits)
		},
	})
}
