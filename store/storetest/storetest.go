// Package storetest is the contract suite for core.Store, in the manner of
// testing/slogtest: every store implementation (store/memory, store/redis)
// calls Run from its own tests and must pass it unchanged.
//
// The suite also pins down the readings of the core contracts that the
// interface comments leave open. Each is what a reader of the bot would
// expect:
//
//   - SaveArticle rejects an ID that content.ValidID refuses, and a Lang that
//     contains ':', with core.CodeInvalid. The stored Version is chosen by the
//     store; the Version field of the argument is ignored.
//   - Identical content (content.Article.SameContent) is not a new version,
//     even when Updated differs. When a new version leaves Published zero,
//     the first Published time is kept; the store never invents times.
//   - FindArticles orders by Published at millisecond precision, newest
//     first; equal times are ordered by ID, descending. A negative Offset
//     counts as 0 and a Limit <= 0 as the default of 20. It sees the newest
//     version of each article only, so an article whose new version moved to
//     another section or language leaves the old lists.
//   - Article, FindArticles and Editions return copies: changing them does
//     not change what is stored.
//   - Subscribe and Unsubscribe report sections in the order given, once
//     each, even when the arguments repeat one; UnsubscribeAll reports them
//     sorted. An empty section name or a chat whose Platform is empty or
//     contains ':' is rejected with core.CodeInvalid.
//   - SectionChats may call fn with a chat twice while subscriptions change,
//     so the suite checks that every chat is listed and no batch is larger
//     than asked. fn may call the store (delivery unsubscribes chats that are
//     gone while it lists them) without deadlocking.
//   - Cache.Set with ttl <= 0 keeps the value until overwritten; an empty
//     value is a hit, not a miss.
//   - core.DigestStore is part of the suite: a store that does not implement
//     it fails. Due times are kept to whole seconds (a fraction is dropped),
//     held items are listed by At, then ID, and an item ID is held once per
//     chat, whether it waits or is sealed. Seal and finish are atomic: under
//     concurrent seals every item ends in exactly one batch or still held.
//   - core.AlertStore is part of the suite too: a pending alert's ID is
//     pended once, and dropping it lets it be pended again.
//   - ArticleByURL finds an article by any spelling of its URL that
//     contract.URLKey folds together (scheme, host case, default port,
//     fragment, trailing slash), never by an old URL of it, and a URL
//     shared by two articles names the one saved last.
//   - core.FeedLog keeps the first recorded poll of a feed at millisecond
//     precision; later marks do not move it, also under concurrent marks.
//
// Stores may also implement Versions(ctx, id) ([]content.Article, error),
// which lists every stored version oldest first; the suite checks it when
// present.
//
// Tests that need a Redis server, for this suite or anything else, get one
// from store/redis/redistest, which applies newsbot's rule: REDIS_URL, else
// a throwaway redis-server, else skip (fail under CI=true).
package storetest

import (
	"context"
	"testing"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// Versioner is implemented by stores that keep every version of an article.
// Versions returns them oldest first, or core.ErrNotFound.
type Versioner interface {
	Versions(ctx context.Context, id string) ([]content.Article, error)
}

// Run runs the contract suite. newStore must return a new, empty store for
// each call; Run calls it once per subtest, and the subtests run in parallel.
// newStore is responsible for closing what it opens (t.Cleanup).
func Run(t *testing.T, newStore func(t *testing.T) core.Store) {
	t.Helper()
	suites := []struct {
		name string
		run  func(t *testing.T, newStore func(t *testing.T) core.Store)
	}{
		{"Articles", testArticles},
		{"Settings", testSettings},
		{"Subscriptions", testSubscriptions},
		{"Cache", testCache},
		{"Digests", testDigests},
		{"Alerts", testAlerts},
		{"FeedLog", testFeedLog},
	}
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			s.run(t, newStore)
		})
	}
}

// subtest is one named case of a suite.
type subtest struct {
	name string
	run  func(t *testing.T, s core.Store)
}

// runAll runs each case in parallel on a fresh store.
func runAll(t *testing.T, newStore func(t *testing.T) core.Store, cases []subtest) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newStore(t))
		})
	}
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, err error, code core.Code) {
	t.Helper()
	if got := core.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// must fails t on a non-nil error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
