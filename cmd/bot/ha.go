package main

import (
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/redis"
	redisstore "github.com/newsbot/newsbot/store/redis"
)

// haConfig are the settings of replies under load and of several
// processes on one Redis.
type haConfig struct {
	// ReplyDeadline bounds how long a reply may wait for the platform's
	// limits and retry after 429s (REPLY_DEADLINE, default 60s).
	ReplyDeadline time.Duration
}

// haConfigFromEnv reads haConfig; an error names the variable.
func haConfigFromEnv(getenv func(string) string) (haConfig, error) {
	c := haConfig{ReplyDeadline: telegram.DefaultReplyDeadline}
	if s := strings.TrimSpace(getenv("REPLY_DEADLINE")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Second || d > time.Hour {
			return c, &configError{"REPLY_DEADLINE", fmt.Sprintf("%q is not a duration from 1s to 1h (expected e.g. 60s or 2m)", s)}
		}
		c.ReplyDeadline = d
	}
	return c, nil
}

// shared are the parts every process on one Redis shares, built before
// the adapters: the platforms' limiter (the adapters take their replies'
// slots from it, delivery its sends') and Telegram's polling lease.
type shared struct {
	Limiter delivery.Limiter
	// PollLease lets one process poll Telegram; nil without Redis.
	PollLease telegram.Lease
	close     func() error
}

// Close releases the shared parts' connections.
func (s shared) Close() error { return s.close() }

// openShared builds the shared parts: on Redis when REDIS_URL is set,
// under the store's key prefix, else in memory for this process alone.
func openShared(cfg config, platforms ...core.Platform) (shared, error) {
	limits := delivery.LimitsByName(platforms...)
	if cfg.RedisURL == "" {
		return shared{Limiter: delivery.NewMemoryLimiter(limits), close: func() error { return nil }}, nil
	}
	rcfg, err := redisstore.ConfigFromEnv(cfg.getenv)
	if err != nil {
		return shared{}, &configError{"", err.Error()}
	}
	opts, err := goredis.ParseURL(rcfg.URL)
	if err != nil {
		return shared{}, &configError{"REDIS_URL", "expected redis://[user:password@]host:port[/db] or rediss://… for TLS"}
	}
	// A limiter that cannot answer quickly is passed by (replies go without
	// it), and a lease renewal must not hang: never wait long.
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.PoolTimeout = time.Second, time.Second, time.Second, time.Second
	opts.ContextTimeoutEnabled = true
	opts.MaxRetries = 1
	opts.ClientName = "newsbot-shared"
	prefix := rcfg.Prefix
	if prefix == "" {
		prefix = redisstore.DefaultPrefix
	}
	c := goredis.NewClient(opts)
	return shared{
		Limiter:   redis.NewLimiter(c, prefix, limits),
		PollLease: redisstore.NewLease(c, prefix, "telegram-polling"),
		close:     c.Close,
	}, nil
}
