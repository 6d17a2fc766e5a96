// Package memory implements every core storage contract in memory: the
// embedded store newsbot uses when no REDIS_URL is set. It suits one process
// serving a small newsroom; everything it holds is lost when the process
// stops. store/redis is the production store; both pass store/storetest.
package memory

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

var _ core.Store = (*Store)(nil)

// Store is an in-memory core.Store. It is safe for concurrent use. Every
// method answers at once and only fails on invalid input.
type Store struct {
	mu       sync.RWMutex
	articles map[string][]content.Article // every version, oldest first
	groups   map[string]map[string]bool   // translation group -> article IDs
	urls     map[string]string            // contract.URLKey of a URL -> article ID
	polled   map[string]time.Time         // feed URL -> its first full poll
	users    map[core.UserRef]core.UserSettings
	chats    map[core.ChatRef]core.ChatSettings
	chatSubs map[core.ChatRef]map[string]bool
	secSubs  map[string]map[core.ChatRef]time.Time // section -> chat -> subscribed since

	cacheMu sync.Mutex
	cache   map[string]cacheEntry
	sets    int // Sets since the last sweep of expired entries
	hits    atomic.Uint64
	misses  atomic.Uint64

	digest digestState // held digest items and their schedule (digest.go)
	alerts alertState  // pending section alerts (alerts.go)

	now func() time.Time
}

// New returns an empty store.
func New() *Store {
	return &Store{
		articles: map[string][]content.Article{},
		groups:   map[string]map[string]bool{},
		urls:     map[string]string{},
		polled:   map[string]time.Time{},
		users:    map[core.UserRef]core.UserSettings{},
		chats:    map[core.ChatRef]core.ChatSettings{},
		chatSubs: map[core.ChatRef]map[string]bool{},
		secSubs:  map[string]map[core.ChatRef]time.Time{},
		cache:    map[string]cacheEntry{},
		now:      time.Now,
	}
}
