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
//	P schema                           string  schema version, "3"
//	P article:{id}                     hash    "cur": newest version as JSON;
//	                                           "v{n}": older version n as JSON
//	P latest:all                       zset    article IDs scored by Published
//	P latest:l:{lang}                  zset    the same, per language
//	P latest:s:{section}               zset    the same, per section
//	P latest:ls:{lang}:{section}       zset    the same, per language and section
//	P group:{group}                    set     IDs of a translation group's editions
//	P urls                             hash    article URL (normalized, see
//	                                           core.ArticleStore.ArticleByURL) -> the
//	                                           ID of the article last saved with it
//	P feeds:polled                     hash    feed ("{lang} {URL}" for the poller) ->
//	                                           its first full poll (Unix ms)
//	P user:{platform}:{id}             string  core.UserSettings as JSON
//	P chat:{platform}:{id}             string  core.ChatSettings as JSON
//	P subs:chats:{b}                   hash    chat bucket b: "{platform}:{id}" ->
//	                                           the chat's sections, a bitmask of
//	                                           section IDs (bit id%8 of byte id/8)
//	P subs:section:{section}:{k}       hash    section bucket k: "{platform}:{id}" -> when
//	                                           it subscribed (Unix s, the server's TIME;
//	                                           "" for subscriptions stored before)
//	P subs:buckets:{section}           string  bitmap: bit k (SETBIT numbering) is set
//	                                           while bucket k holds chats
//	P subs:counts                      hash    section -> how many chats it has
//	P section:ids                      hash    section name -> section ID
//	P section:names                    hash    section ID -> section name
//	P section:seq                      string  the last section ID handed out
//	P cache:{key}                      string  a cached value, with its TTL
//	P digest:due                       zset    "{platform}:{id}" of chats with a digest to
//	                                           send, scored by its due time (Unix s)
//	P digest:held:{platform}:{id}      hash    a chat's held items: item ID ->
//	                                           core.DigestItem as JSON
//	P digest:heldorder:{platform}:{id} zset    the held item IDs scored by the time they
//	                                           were held (Unix µs), to drop the oldest
//	                                           past core.MaxHeldDigestItems
//	P digest:sealed:{platform}:{id}    hash    the batch being sent, as held
//	P digest:sealdue:{platform}:{id}   string  the due time the batch was sealed for (Unix s)
//	P alerts:pending                   hash    alert ID -> core.PendingAlert as JSON
//	P alerts:due                       zset    pending alert IDs scored by their due
//	                                           time (Unix ms)
//
// The cache holds the engine's own records under P cache:, such as
// broadcast previews (bc:pending:{id}) and saved searches.
//
// Latest lists are scored by Published in Unix milliseconds, so equal
// scores order by ID, and are trimmed to Config.LatestDepth members:
// FindArticles sees that many articles per list, while every article and
// version stays readable by ID. Platforms and languages hold no ':', which
// keeps every key unambiguous; a section bucket's key ends in its number, so
// a section whose name holds ':' is unambiguous too.
//
// # Subscriptions
//
// A chat's buckets come from the 32-bit FNV-1a hash h of "{platform}:{id}":
// b = h mod ChatBuckets (65,536) and k = h mod SectionBuckets (4,096). The
// layout is shaped by Redis's compact encodings on a stock server
// configuration (nothing is set on the server): a hash of at most 128 fields
// (hash-max-listpack-entries) of at most 64 bytes (hash-max-listpack-value)
// is one listpack, about 40 bytes a chat, where a key of its own or a member
// of a big set costs 70 to 120 bytes. Buckets stay that small up to about
// 6,000,000 chats and, per section, about 400,000 chats; past that the
// fuller buckets become hashtables, which costs memory (about as much as
// schema version 1 did) but changes nothing else. A chat's bitmask of
// section IDs stays under 64 bytes up to section ID 511. Empty buckets are no
// keys: a small bot has about one key per chat and per subscription, as
// before.
//
// Subscriptions are written both ways by Lua scripts, each Subscribe,
// Unsubscribe and UnsubscribeAll one EVALSHA: atomic, so no half-written
// subscription survives a crash or a dropped connection. The scripts also
// keep each section's count (CountSectionChats is one HGET) and its bitmap
// of buckets in step. SectionChats reads the bitmap, then the buckets it
// names with HKEYS, as many per pipelined round trip as make about one batch
// of chats, so an empty or small section costs a round trip or two and a
// big one is read a few thousand chats at a time, never whole. Saving an
// article is a WATCH/MULTI/EXEC transaction over its hash and lists, retried
// when another writer gets there first; FindArticles reads a page of a list
// and its articles with one Lua script, one round trip.
//
// Two scripts (UnsubscribeAll, FindArticles) reach keys they learn while
// running, so the store needs one Redis server (with replicas if wanted), not
// a Redis Cluster, unless every key of the prefix maps to one slot (a prefix
// such as "{newsbot}:").
//
// # Schema versions
//
// Version 2 changed the subscription keys (version 1 kept a set per chat,
// P subs:chat:{platform}:{id}, and one per section, P subs:section:{section});
// everything else is as it was. Open upgrades a version 1 database that
// holds no subscription keys (no key under P subs:) by writing "2", and
// refuses one that holds version 1 subscriptions, with an error that says
// so: there was no production data in version 1, so there is no migration.
// Version 3 added the URL index, P urls, and P feeds:polled. Open upgrades a
// version 2 database by indexing the URL of every stored article (a SCAN of
// P article:*, as ScanArticles) and then writing "3"; a process that stops
// midway leaves "2", and the next Open indexes again (HSETNX, so entries
// written meanwhile by SaveArticle stay).
//
// Open also fails when the version stored at P schema is newer than
// SchemaVersion.
//
// # Failures
//
// Connections use short dial, read and write timeouts (Config.Timeout) and
// one retry, so when Redis is down or restarting a command fails within about
// twice the timeout, with an error wrapped by core.Unavailable; the client
// reconnects by itself once Redis is back.
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

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

var _ core.Store = (*Store)(nil)

// SchemaVersion is the version of the key schema this package reads and
// writes.
const SchemaVersion = 3

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
	sub    subKeys

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
	s.sub = s.subKeys()
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

// checkSchema reads the schema version, writing it to a fresh database and
// upgrading a version 1 database that holds no subscriptions.
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
	case n == 1:
		if err := s.upgradeFrom1(ctx, key); err != nil {
			return err
		}
		return s.upgradeFrom2(ctx, key)
	case n == 2:
		return s.upgradeFrom2(ctx, key)
	}
	return nil
}

// upgradeFrom2 indexes the URL of every stored article, then writes schema
// version 3.
func (s *Store) upgradeFrom2(ctx context.Context, schemaKey string) error {
	urls := s.key("urls")
	var batch []content.Article
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for _, a := range batch {
				p.HSetNX(ctx, urls, contract.URLKey(a.URL), a.ID)
			}
			return nil
		})
		batch = batch[:0]
		return unavailable(err)
	}
	err := s.ScanArticles(ctx, func(a content.Article) error {
		if contract.URLKey(a.URL) == "" {
			return nil
		}
		batch = append(batch, a)
		if len(batch) == scanBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("redis: upgrading schema version 2 to 3 (indexing article URLs): %w", err)
	}
	if err := s.rdb.Set(ctx, schemaKey, SchemaVersion, 0).Err(); err != nil {
		return unavailable(err)
	}
	return nil
}

// upgradeFrom1 writes schema version 2 over version 1 when no subscription
// key exists, and otherwise returns an error that says what to do.
func (s *Store) upgradeFrom1(ctx context.Context, schemaKey string) error {
	pattern := globEscape(s.key("subs", "")) + "*"
	var cursor uint64
	for {
		keys, next, err := s.rdb.Scan(ctx, cursor, pattern, 1000).Result()
		if err != nil {
			return unavailable(err)
		}
		if len(keys) > 0 {
			return fmt.Errorf("redis schema version 1 at %s holds subscriptions (%s) in a layout this bot no longer reads (version %d): "+
				"use a new REDIS_PREFIX, or delete the keys under %s, and subscribe the chats again", schemaKey, keys[0], SchemaVersion, s.prefix)
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	if err := s.rdb.Set(ctx, schemaKey, 2, 0).Err(); err != nil {
		return unavailable(err)
	}
	return nil
}

// globEscape escapes the characters that MATCH patterns give a meaning.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
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
