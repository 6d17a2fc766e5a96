// Package redis implements every core storage contract on Redis (go-redis
// v9): newsbot's production store. cmd/bot opens it when REDIS_URL is set and
// uses store/memory otherwise; both pass the contract suite in
// store/storetest, this one against a real Redis server.
//
// # Key schema
//
// Every key starts with Config.Prefix (REDIS_PREFIX, default "newsbot:"), so
// several bots or test runs can share one Redis database. With P the prefix:
//
//	P schema                           string  schema version, "1"
//	P article:{id}                     hash    "cur": newest version as JSON;
//	                                           "v{n}": older version n as JSON
//	P latest:all                       zset    article IDs scored by Published
//	P latest:l:{lang}                  zset    the same, per language
//	P latest:s:{section}               zset    the same, per section
//	P latest:ls:{lang}:{section}       zset    the same, per language and section
//	P group:{group}                    set     IDs of a translation group's editions
//	P user:{platform}:{id}             string  core.UserSettings as JSON
//	P chat:{platform}:{id}             string  core.ChatSettings as JSON
//	P subs:chat:{platform}:{id}        set     the chat's sections, as section IDs
//	P subs:section:{section}           set     the section's chats, "{platform}:{id}"
//	P section:ids                      hash    section name -> section ID
//	P section:names                    hash    section ID -> section name
//	P section:seq                      string  the last section ID handed out
//	P cache:{key}                      string  a cached value, with its TTL
//
// Latest lists are scored by Published in Unix milliseconds, so equal
// scores order by ID, and are trimmed to Config.LatestDepth members:
// FindArticles sees that many articles per list, while every article and
// version stays readable by ID. Platforms and languages hold no ':', which
// keeps every key unambiguous.
//
// Subscriptions are written both ways by Lua scripts, so each Subscribe,
// Unsubscribe and UnsubscribeAll is atomic and no half-written subscription
// survives a crash or a dropped connection. A chat's set holds small integer
// section IDs, not names, so that Redis stores it as a compact intset (a
// tenth of a hashtable set's memory for a chat with ten sections). Saving an
// article is a WATCH/MULTI/EXEC transaction over its hash and lists, retried
// when another writer gets there first; FindArticles reads a page of a list
// and its articles with one Lua script, one round trip.
//
// Two scripts (UnsubscribeAll, FindArticles) reach keys they learn while
// running, so the store needs one Redis server (with replicas if wanted), not
// a Redis Cluster, unless every key of the prefix maps to one slot (a prefix
// such as "{newsbot}:").
//
// # Failures
//
// Connections use short dial, read and write timeouts (Config.Timeout) and
// one retry, so when Redis is down or restarting a command fails within about
// twice the timeout, with an error wrapped by core.Unavailable; the client
// reconnects by itself once Redis is back. Open fails when the schema version
// stored at P schema is newer than SchemaVersion.
//
// # Cache metrics
//
// The store counts cache hits and misses in plain atomic counters, read with
// CacheStats and HitRatio (store/memory has the same methods). A metrics
// exporter can publish them, e.g. as Prometheus CounterFuncs.
package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/newsbot/newsbot/core"
)

var _ core.Store = (*Store)(nil)

// SchemaVersion is the version of the key schema this package reads and
// writes.
const SchemaVersion = 1

// Defaults of Config.
const (
	DefaultPrefix      = "newsbot:"
	DefaultLatestDepth = 1000
	DefaultTimeout     = 500 * time.Millisecond
)

// Config says how to reach Redis and how to lay out keys.
type Config struct {
	// URL is redis://[[user]:password@]host[:port][/db], or rediss:// for
	// TLS (REDIS_URL).
	URL string
	// Prefix starts every key (REDIS_PREFIX); "" means DefaultPrefix.
	Prefix string
	// LatestDepth is how many articles each latest list keeps; 0 means
	// DefaultLatestDepth.
	LatestDepth int
	// Timeout bounds dialing and each socket read and write; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Name is the client name shown by CLIENT LIST; "" means "newsbot".
	Name string
}

// ConfigFromEnv reads REDIS_URL, REDIS_PREFIX, REDIS_LATEST_DEPTH (a count)
// and REDIS_TIMEOUT (a Go duration such as "500ms") with getenv, usually
// os.Getenv. Unset variables keep their defaults.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{URL: getenv("REDIS_URL"), Prefix: getenv("REDIS_PREFIX")}
	if v := getenv("REDIS_LATEST_DEPTH"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return Config{}, fmt.Errorf("REDIS_LATEST_DEPTH=%q: want a positive count", v)
		}
		cfg.LatestDepth = n
	}
	if v := getenv("REDIS_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("REDIS_TIMEOUT=%q: want a positive duration such as 500ms", v)
		}
		cfg.Timeout = d
	}
	return cfg, nil
}

// Store is a core.Store on Redis. It is safe for concurrent use; several
// Stores, in one process or many, may share one Redis and prefix.
type Store struct {
	rdb    *goredis.Client
	prefix string
	depth  int

	hits   atomic.Uint64
	misses atomic.Uint64
}

// Open connects to Redis, checks the schema version (writing it to a fresh
// database) and returns the store. It fails with a core.Unavailable error
// when Redis cannot be reached, and with a plain error for a bad URL or a
// schema version it does not know.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URL == "" {
		return nil, errors.New("redis: no URL (REDIS_URL)")
	}
	opts, err := goredis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("redis: REDIS_URL: %w", err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	opts.DialTimeout = timeout
	opts.ReadTimeout = timeout
	opts.WriteTimeout = timeout
	opts.PoolTimeout = timeout
	opts.ContextTimeoutEnabled = true
	// One retry hides a connection that died while idle (a Redis restart,
	// CLIENT KILL) without making a dead Redis slow to report.
	opts.MaxRetries = 1
	opts.DialerRetries = 1
	opts.ClientName = cfg.Name
	if opts.ClientName == "" {
		opts.ClientName = "newsbot"
	}
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}

	s := &Store{rdb: goredis.NewClient(opts), prefix: cfg.Prefix, depth: cfg.LatestDepth}
	if s.prefix == "" {
		s.prefix = DefaultPrefix
	}
	if s.depth <= 0 {
		s.depth = DefaultLatestDepth
	}
	if err := s.checkSchema(ctx); err != nil {
		s.rdb.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connections. The store must not be used after.
func (s *Store) Close() error { return s.rdb.Close() }

// Client returns the store's Redis client, for parts (such as delivery) that
// keep their own keys in the same Redis. They should use Prefix too.
func (s *Store) Client() goredis.UniversalClient { return s.rdb }

// Prefix returns the prefix of every key of the store.
func (s *Store) Prefix() string { return s.prefix }

// checkSchema reads the schema version, writing it to a fresh database.
func (s *Store) checkSchema(ctx context.Context) error {
	key := s.key("schema")
	if err := s.rdb.SetNX(ctx, key, SchemaVersion, 0).Err(); err != nil {
		return unavailable(err)
	}
	v, err := s.rdb.Get(ctx, key).Result()
	if err != nil {
		return unavailable(err)
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil || n < 1:
		return fmt.Errorf("redis schema version %q at %s is not a version this bot understands (%d)", v, key, SchemaVersion)
	case n > SchemaVersion:
		return fmt.Errorf("redis schema version %d at %s is newer than this bot understands (%d)", n, key, SchemaVersion)
	}
	return nil
}

// key joins the prefix and parts into a key.
func (s *Store) key(parts ...string) string {
	return s.prefix + strings.Join(parts, ":")
}

// unavailable wraps a Redis failure for the engine, which answers
// "temporarily unavailable".
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	return core.Unavailable(fmt.Errorf("redis: %w", err))
}
