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

// openLimiter builds the platforms' shared limiter, before the adapters
// (which take their replies' slots from it) and delivery (which takes its
// sends'): on Redis when REDIS_URL is set, shared by every process under
// the store's key prefix, else in memory. close releases its connections.
func openLimiter(cfg config, platforms ...core.Platform) (_ delivery.Limiter, close func() error, _ error) {
	limits := delivery.LimitsByName(platforms...)
	if cfg.RedisURL == "" {
		return delivery.NewMemoryLimiter(limits), func() error { return nil }, nil
	}
	rcfg, err := redisstore.ConfigFromEnv(cfg.getenv)
	if err != nil {
		return nil, nil, &configError{"", err.Error()}
	}
	opts, err := goredis.ParseURL(rcfg.URL)
	if err != nil {
		return nil, nil, &configError{"REDIS_URL", "expected redis://[user:password@]host:port[/db] or rediss://… for TLS"}
	}
	// A limiter that cannot answer quickly is passed by (replies go without
	// it); never wait long on it.
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.PoolTimeout = time.Second, time.Second, time.Second, time.Second
	opts.ContextTimeoutEnabled = true
	opts.MaxRetries = 1
	opts.ClientName = "newsbot-limiter"
	prefix := rcfg.Prefix
	if prefix == "" {
		prefix = redisstore.DefaultPrefix
	}
	c := goredis.NewClient(opts)
	return redis.NewLimiter(c, prefix, limits), c.Close, nil
}
