package redis_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/redis"
	"github.com/newsbot/newsbot/store/redis/redistest"
	"github.com/newsbot/newsbot/store/storetest"
)

// open opens a store on url under a fresh prefix that is deleted when t
// ends, and closes the store then.
func open(t *testing.T, url string) *redis.Store {
	t.Helper()
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	return openPrefix(t, redis.Config{URL: url, Prefix: prefix})
}

// openPrefix opens a store with cfg and closes it when t ends.
func openPrefix(t *testing.T, cfg redis.Config) *redis.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := redis.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	url := redistest.URL(t)
	storetest.Run(t, func(t *testing.T) core.Store { return open(t, url) })
}

func TestSchemaVersion(t *testing.T) {
	url := redistest.URL(t)
	ctx := context.Background()
	s := open(t, url)
	key := s.Prefix() + "schema"
	c := s.Client()
	if v, err := c.Get(ctx, key).Result(); err != nil || v != "3" {
		t.Fatalf("a fresh database has schema %q (%v), want 3", v, err)
	}
	v1Chat := s.Prefix() + "subs:chat:telegram:1"
	for _, c2 := range []struct {
		name, stored string
		v1Keys       []string // version 1 subscription keys to write first
		want         string   // Open's error; "" for success
		after        string   // the version stored after Open
	}{
		{"current", "3", nil, "", "3"},
		{"version 2", "2", nil, "", "3"},
		{"version 1 without subscriptions", "1", nil, "", "3"},
		{"version 1 with subscriptions", "1", []string{v1Chat},
			fmt.Sprintf("redis schema version 1 at %s holds subscriptions (%s) in a layout this bot no longer reads (version 3): "+
				"use a new REDIS_PREFIX, or delete the keys under %s, and subscribe the chats again", key, v1Chat, s.Prefix()), "1"},
		{"newer", "7", nil, fmt.Sprintf("redis schema version 7 at %s is newer than this bot understands (3)", key), "7"},
		{"garbage", "seven", nil, fmt.Sprintf(`redis schema version "seven" at %s is not a version this bot understands (3)`, key), "seven"},
	} {
		t.Run(c2.name, func(t *testing.T) {
			if err := c.Set(ctx, key, c2.stored, 0).Err(); err != nil {
				t.Fatal(err)
			}
			for _, k := range c2.v1Keys {
				if err := c.SAdd(ctx, k, 1).Err(); err != nil {
					t.Fatal(err)
				}
				defer c.Del(ctx, k)
			}
			s2, err := redis.Open(ctx, redis.Config{URL: url, Prefix: s.Prefix()})
			if err == nil {
				s2.Close()
			}
			switch {
			case c2.want == "" && err != nil:
				t.Fatalf("Open on schema %s: %v", c2.stored, err)
			case c2.want != "" && err == nil:
				t.Fatalf("Open on schema %s succeeded", c2.stored)
			case c2.want != "" && err.Error() != c2.want:
				t.Fatalf("Open error %q, want %q", err, c2.want)
			}
			if v, err := c.Get(ctx, key).Result(); err != nil || v != c2.after {
				t.Fatalf("after Open the schema is %q (%v), want %q", v, err, c2.after)
			}
		})
	}
}

// TestUpgradeIndexesURLs opens a version 2 database, which has no URL
// index: Open indexes the stored articles, so ArticleByURL finds them.
func TestUpgradeIndexesURLs(t *testing.T) {
	url := redistest.URL(t)
	ctx := context.Background()
	s := open(t, url)
	c := s.Client()
	var want []content.Article
	for i := range 1200 { // more than one SCAN batch
		a := content.Article{ID: fmt.Sprintf("u%04d", i), Lang: "ro", Section: "politics", Title: "T",
			URL: fmt.Sprintf("https://news.example/ro/%d", i), Published: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
		if i%100 == 0 {
			a.URL = "" // moderators' articles may have none
		}
		if _, err := s.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		want = append(want, a)
	}
	if err := c.Del(ctx, s.Prefix()+"urls").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, s.Prefix()+"schema", "2", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArticleByURL(ctx, want[1].URL); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("before the upgrade ArticleByURL = %v, want core.ErrNotFound", err)
	}
	s2 := openPrefix(t, redis.Config{URL: url, Prefix: s.Prefix()})
	if v, err := c.Get(ctx, s.Prefix()+"schema").Result(); err != nil || v != "3" {
		t.Fatalf("after Open the schema is %q (%v), want 3", v, err)
	}
	for _, a := range want {
		if a.URL == "" {
			continue
		}
		got, err := s2.ArticleByURL(ctx, a.URL)
		if err != nil || got.ID != a.ID {
			t.Fatalf("ArticleByURL(%s) = %s, %v; want %s", a.URL, got.ID, err, a.ID)
		}
	}
	if n, err := c.HLen(ctx, s.Prefix()+"urls").Result(); err != nil || n != 1188 {
		t.Fatalf("the URL index has %d entries (%v), want 1188", n, err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		cfg  redis.Config
		code core.Code // CodeInternal for a plain configuration error
	}{
		{"no URL", redis.Config{}, core.CodeInternal},
		{"bad scheme", redis.Config{URL: "http://127.0.0.1:6379"}, core.CodeInternal},
		// Port 1 on loopback refuses connections at once.
		{"down", redis.Config{URL: "redis://127.0.0.1:1/0", Timeout: 200 * time.Millisecond}, core.CodeUnavailable},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			s, err := redis.Open(ctx, c.cfg)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if got := core.ErrorCode(err); got != c.code {
				t.Fatalf("Open error %v: code %q, want %q", err, got, c.code)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("Open took %v to fail", d)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	for _, c := range []struct {
		name    string
		env     map[string]string
		want    redis.Config
		wantErr bool
	}{
		{"empty", nil, redis.Config{}, false},
		{"all", map[string]string{
			"REDIS_URL": "rediss://:pw@cache.internal:6380/2", "REDIS_PREFIX": "bot2:",
			"REDIS_LATEST_DEPTH": "500", "REDIS_TIMEOUT": "250ms",
		}, redis.Config{URL: "rediss://:pw@cache.internal:6380/2", Prefix: "bot2:", LatestDepth: 500, Timeout: 250 * time.Millisecond}, false},
		{"bad depth", map[string]string{"REDIS_LATEST_DEPTH": "-1"}, redis.Config{}, true},
		{"bad timeout", map[string]string{"REDIS_TIMEOUT": "soon"}, redis.Config{}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := redis.ConfigFromEnv(func(k string) string { return c.env[k] })
			if (err != nil) != c.wantErr {
				t.Fatalf("ConfigFromEnv error %v, want error %v", err, c.wantErr)
			}
			if !c.wantErr && got != c.want {
				t.Fatalf("ConfigFromEnv = %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestPasswordDBAndPrefix runs on a server of its own, with a password, so it
// can check that the URL's password and DB are used and that every key the
// store writes is under its prefix.
func TestPasswordDBAndPrefix(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, "--requirepass", "s3cret")
	ctx := context.Background()
	url := fmt.Sprintf("redis://:s3cret@%s/3", srv.Addr())
	s := openPrefix(t, redis.Config{URL: url, Prefix: "bot-a:"})
	a := content.Article{ID: "a1", Lang: "ro", Section: "politics", Title: "T", Group: "g", Published: time.Now()}
	for _, err := range []error{
		func() error { _, err := s.SaveArticle(ctx, a); return err }(),
		s.SaveUserSettings(ctx, core.UserRef{Platform: "telegram", ID: "1"}, core.UserSettings{Lang: "ru"}),
		s.SaveChatSettings(ctx, core.ChatRef{Platform: "telegram", ID: "1"}, core.ChatSettings{Lang: "ro"}),
		func() error {
			_, err := s.Subscribe(ctx, core.ChatRef{Platform: "telegram", ID: "1"}, "sport")
			return err
		}(),
		s.Set(ctx, "summary:a1", []byte("x"), time.Minute),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	c := goredis.NewClient(&goredis.Options{Addr: srv.Addr(), Password: "s3cret", DB: 3})
	defer c.Close()
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	// The documented buckets of "telegram:1": FNV-1a mod 65,536 and 4,096.
	h := fnv.New32a()
	h.Write([]byte("telegram:1"))
	want := []string{
		"bot-a:schema", "bot-a:article:a1", "bot-a:latest:all", "bot-a:latest:l:ro",
		"bot-a:latest:s:politics", "bot-a:latest:ls:ro:politics", "bot-a:group:g",
		"bot-a:user:telegram:1", "bot-a:chat:telegram:1",
		fmt.Sprintf("bot-a:subs:chats:%d", h.Sum32()%65536),
		fmt.Sprintf("bot-a:subs:section:sport:%d", h.Sum32()%4096),
		"bot-a:subs:buckets:sport", "bot-a:subs:counts", "bot-a:cache:summary:a1",
		"bot-a:section:ids", "bot-a:section:names", "bot-a:section:seq",
	}
	have := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, "bot-a:") {
			t.Errorf("key %q is not under the prefix", k)
		}
		have[k] = true
	}
	for _, k := range want {
		if !have[k] {
			t.Errorf("key %q of the documented schema is missing; have %q", k, keys)
		}
	}
	if n, err := c.DBSize(ctx).Result(); err != nil || n != int64(len(want)) {
		t.Errorf("DB 3 holds %d keys (%v), want %d", n, err, len(want))
	}
	bad, err := redis.Open(ctx, redis.Config{URL: fmt.Sprintf("redis://:wrong@%s/3", srv.Addr())})
	if err == nil {
		bad.Close()
		t.Fatal("Open with a wrong password succeeded")
	}
}

func TestLatestDepth(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	s := openPrefix(t, redis.Config{URL: url, Prefix: prefix, LatestDepth: 5})
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 8 {
		a := content.Article{ID: fmt.Sprintf("a%d", i), Lang: "en", Section: "sport", Title: "T", Published: base.Add(time.Duration(i) * time.Hour)}
		if _, err := s.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FindArticles(ctx, core.ArticleFilter{Lang: "en", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != "a7,a6,a5,a4,a3" {
		t.Fatalf("FindArticles with depth 5 = %v", ids)
	}
	// Trimmed from the lists, still stored.
	if a, err := s.Article(ctx, "a0"); err != nil || a.ID != "a0" {
		t.Fatalf("Article(a0) after trimming: %+v, %v", a, err)
	}
}

func TestHitRatio(t *testing.T) {
	t.Parallel()
	s := open(t, redistest.URL(t))
	ctx := context.Background()
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"k", "k", "k", "absent"} {
		if _, _, err := s.Get(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.CacheStats(); got != (redis.CacheStats{Hits: 3, Misses: 1}) {
		t.Fatalf("CacheStats = %+v", got)
	}
	if r := s.HitRatio(); r != 0.75 {
		t.Fatalf("HitRatio = %v, want 0.75", r)
	}
}

// TestTwoInstances checks that two stores on one Redis and prefix, as two
// bot processes would have, see each other's writes.
func TestTwoInstances(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	a := openPrefix(t, redis.Config{URL: url, Prefix: prefix})
	b := openPrefix(t, redis.Config{URL: url, Prefix: prefix})
	ctx := context.Background()
	chat := core.ChatRef{Platform: "discord", ID: "1100000000000000001"}

	if added, err := a.Subscribe(ctx, chat, "politics", "sport"); err != nil || len(added) != 2 {
		t.Fatalf("Subscribe on a: %v, %v", added, err)
	}
	if added, err := b.Subscribe(ctx, chat, "sport"); err != nil || len(added) != 0 {
		t.Fatalf("b added %v (%v) that a had added", added, err)
	}
	secs, err := b.ChatSections(ctx, chat)
	if err != nil || strings.Join(secs, ",") != "politics,sport" {
		t.Fatalf("b sees sections %v, %v", secs, err)
	}
	var listed []core.ChatRef
	if err := b.SectionChats(ctx, "politics", 0, func(cs []core.ChatRef) error {
		listed = append(listed, cs...)
		return nil
	}); err != nil || len(listed) != 1 || listed[0] != chat {
		t.Fatalf("b lists politics as %v, %v", listed, err)
	}
	if removed, err := b.Unsubscribe(ctx, chat, "politics"); err != nil || len(removed) != 1 {
		t.Fatalf("Unsubscribe on b: %v, %v", removed, err)
	}
	if n, err := a.CountSectionChats(ctx, "politics"); err != nil || n != 0 {
		t.Fatalf("a counts %d politics chats (%v) after b unsubscribed", n, err)
	}
	if err := a.SaveChatSettings(ctx, chat, core.ChatSettings{Lang: "ru"}); err != nil {
		t.Fatal(err)
	}
	if cs, err := b.ChatSettings(ctx, chat); err != nil || cs.Lang != "ru" {
		t.Fatalf("b reads chat settings %+v, %v", cs, err)
	}
}

// TestReopen checks that nothing is lost across a bot restart: a store
// opened again on the same Redis and prefix finds everything.
func TestReopen(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	ctx := context.Background()
	chat := core.ChatRef{Platform: "telegram", ID: "-1002"}
	user := core.UserRef{Platform: "telegram", ID: "7"}
	first := openPrefix(t, redis.Config{URL: url, Prefix: prefix})
	a := content.Article{ID: "x1", Lang: "ro", Section: "culture", Title: "Prima", Group: "gx", Published: time.Now()}
	for _, err := range []error{
		func() error { _, err := first.SaveArticle(ctx, a); return err }(),
		func() error { a.Title = "A doua"; _, err := first.SaveArticle(ctx, a); return err }(),
		func() error { _, err := first.Subscribe(ctx, chat, "culture", "breaking"); return err }(),
		first.SaveUserSettings(ctx, user, core.UserSettings{Lang: "ro"}),
		first.SaveChatSettings(ctx, chat, core.ChatSettings{Lang: "ru", NoBreaking: true}),
		first.Set(ctx, "card:x1", []byte("card"), time.Hour),
		first.Close(),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	s := openPrefix(t, redis.Config{URL: url, Prefix: prefix})
	vs, err := s.Versions(ctx, "x1")
	if err != nil || len(vs) != 2 || vs[1].Title != "A doua" {
		t.Fatalf("Versions after reopening = %+v, %v", vs, err)
	}
	if eds, err := s.Editions(ctx, "gx"); err != nil || len(eds) != 1 {
		t.Fatalf("Editions after reopening = %+v, %v", eds, err)
	}
	if secs, err := s.ChatSections(ctx, chat); err != nil || strings.Join(secs, ",") != "breaking,culture" {
		t.Fatalf("ChatSections after reopening = %v, %v", secs, err)
	}
	if us, err := s.UserSettings(ctx, user); err != nil || us.Lang != "ro" {
		t.Fatalf("UserSettings after reopening = %+v, %v", us, err)
	}
	if cs, err := s.ChatSettings(ctx, chat); err != nil || cs != (core.ChatSettings{Lang: "ru", NoBreaking: true}) {
		t.Fatalf("ChatSettings after reopening = %+v, %v", cs, err)
	}
	if v, ok, err := s.Get(ctx, "card:x1"); err != nil || !ok || string(v) != "card" {
		t.Fatalf("Get after reopening = %q, %v, %v", v, ok, err)
	}
}

func TestSubscribeMany(t *testing.T) {
	t.Parallel()
	s := open(t, redistest.URL(t))
	ctx := context.Background()
	var subs []redis.Subscription
	for i := range 2500 {
		subs = append(subs, redis.Subscription{
			Chat:     core.ChatRef{Platform: "telegram", ID: fmt.Sprint(i)},
			Sections: []string{"sport", []string{"politics", "culture"}[i%2]},
		})
	}
	added, err := s.SubscribeMany(ctx, subs)
	if err != nil || added != 5000 {
		t.Fatalf("SubscribeMany = %d, %v; want 5000 new", added, err)
	}
	if added, err := s.SubscribeMany(ctx, subs[:10]); err != nil || added != 0 {
		t.Fatalf("repeated SubscribeMany = %d, %v; want 0 new", added, err)
	}
	for sec, want := range map[string]int{"sport": 2500, "politics": 1250, "culture": 1250} {
		if n, err := s.CountSectionChats(ctx, sec); err != nil || n != want {
			t.Fatalf("CountSectionChats(%s) = %d, %v; want %d", sec, n, err, want)
		}
	}
	secs, err := s.ChatSections(ctx, subs[3].Chat)
	if err != nil || strings.Join(secs, ",") != "culture,sport" {
		t.Fatalf("ChatSections = %v, %v", secs, err)
	}
	removed, err := s.UnsubscribeMany(ctx, subs)
	if err != nil || removed != 5000 {
		t.Fatalf("UnsubscribeMany = %d, %v", removed, err)
	}
	if n, err := s.CountSectionChats(ctx, "sport"); err != nil || n != 0 {
		t.Fatalf("CountSectionChats after UnsubscribeMany = %d, %v", n, err)
	}
	_, err = s.SubscribeMany(ctx, []redis.Subscription{{Chat: core.ChatRef{ID: "1"}, Sections: []string{"x"}}})
	if core.ErrorCode(err) != core.CodeInvalid {
		t.Fatalf("SubscribeMany of an invalid chat: %v", err)
	}
}

// retry repeats op until it succeeds, as a user retrying after "temporarily
// unavailable" would, failing t when an error is not core.CodeUnavailable,
// when one attempt is slow or when the store has not recovered in time.
func retry(t *testing.T, what string, op func() error) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		start := time.Now()
		err := op()
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("%s took %v", what, d)
		}
		if err == nil {
			return
		}
		if core.ErrorCode(err) != core.CodeUnavailable {
			t.Fatalf("%s: %v (code %q), want success or unavailable", what, err, core.ErrorCode(err))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still failing: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClientKill kills the store's connections over and over while it
// subscribes chats and saves articles, and checks that every operation
// either succeeds or fails as unavailable, that retrying recovers, and that
// nothing is lost or half-written.
func TestClientKill(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	name := "killme-" + strings.Trim(prefix[len(prefix)-13:], ":")
	s := openPrefix(t, redis.Config{URL: url, Prefix: prefix, Name: name, Timeout: 300 * time.Millisecond})
	ctx := context.Background()

	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	admin := goredis.NewClient(opts)
	defer admin.Close()
	stop := make(chan struct{})
	killerDone := make(chan int)
	go func() {
		kills := 0
		defer func() { killerDone <- kills }()
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			// Kill only this test's connections: the server may be shared.
			list, err := admin.ClientList(ctx).Result()
			if err != nil {
				continue
			}
			for _, line := range strings.Split(list, "\n") {
				if !strings.Contains(line, " name="+name+" ") {
					continue
				}
				for _, f := range strings.Fields(line) {
					if id, ok := strings.CutPrefix(f, "id="); ok {
						if admin.Do(ctx, "CLIENT", "KILL", "ID", id).Err() == nil {
							kills++
						}
					}
				}
			}
		}
	}()

	const n = 400
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		chat := core.ChatRef{Platform: "telegram", ID: fmt.Sprint(i)}
		retry(t, "Subscribe", func() error { _, err := s.Subscribe(ctx, chat, "sport", "politics"); return err })
		if i%10 == 0 {
			a := content.Article{ID: fmt.Sprintf("k%d", i), Lang: "ro", Section: "sport", Title: "T", Published: base.Add(time.Duration(i) * time.Minute)}
			retry(t, "SaveArticle", func() error { _, err := s.SaveArticle(ctx, a); return err })
		}
	}
	close(stop)
	kills := <-killerDone
	t.Logf("%d connections killed during %d subscriptions", kills, n)
	if kills == 0 {
		t.Fatal("no connection was killed: the test proved nothing")
	}

	for _, sec := range []string{"sport", "politics"} {
		seen := map[core.ChatRef]bool{}
		if err := s.SectionChats(ctx, sec, 0, func(cs []core.ChatRef) error {
			for _, c := range cs {
				seen[c] = true
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Fatalf("%s lists %d chats, want %d", sec, len(seen), n)
		}
	}
	for i := range n {
		secs, err := s.ChatSections(ctx, core.ChatRef{Platform: "telegram", ID: fmt.Sprint(i)})
		if err != nil || strings.Join(secs, ",") != "politics,sport" {
			t.Fatalf("chat %d has sections %v, %v", i, secs, err)
		}
	}
	found, err := s.FindArticles(ctx, core.ArticleFilter{Limit: 100})
	if err != nil || len(found) != n/10 {
		t.Fatalf("FindArticles found %d articles (%v), want %d", len(found), err, n/10)
	}
	for _, a := range found {
		if a.Version != 1 {
			t.Fatalf("article %s at version %d: a retried save made a second version", a.ID, a.Version)
		}
	}
}

// TestRestart stops and restarts a throwaway Redis under a running store and
// checks that commands fail fast as unavailable while it is down, that the
// store reconnects by itself, and that what was written survives.
func TestRestart(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	s := openPrefix(t, redis.Config{URL: srv.URL(), Timeout: 300 * time.Millisecond})
	ctx := context.Background()
	chat := core.ChatRef{Platform: "telegram", ID: "-1001"}
	if _, err := s.Subscribe(ctx, chat, "sport"); err != nil {
		t.Fatal(err)
	}
	a := content.Article{ID: "r1", Lang: "ru", Section: "sport", Title: "T", Published: time.Now()}
	if _, err := s.SaveArticle(ctx, a); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	start := time.Now()
	_, err := s.Subscribe(ctx, chat, "politics")
	if core.ErrorCode(err) != core.CodeUnavailable {
		t.Fatalf("Subscribe with Redis down: %v, want unavailable", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Subscribe with Redis down took %v", d)
	}
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Key != "err_unavailable" {
		t.Fatalf("error %v does not carry the unavailable message key", err)
	}

	srv.Restart()
	// The restarted server has forgotten the Lua scripts; both the single
	// and the pipelined paths must load them again.
	retry(t, "SubscribeMany after restart", func() error {
		_, err := s.SubscribeMany(ctx, []redis.Subscription{{Chat: chat, Sections: []string{"culture"}}})
		return err
	})
	if _, err := s.Unsubscribe(ctx, chat, "culture"); err != nil {
		t.Fatal(err)
	}
	retry(t, "Subscribe after restart", func() error { _, err := s.Subscribe(ctx, chat, "politics", "culture"); return err })
	secs, err := s.ChatSections(ctx, chat)
	if err != nil || strings.Join(secs, ",") != "culture,politics,sport" {
		t.Fatalf("after the restart the chat has %v, %v", secs, err)
	}
	got, err := s.Article(ctx, "r1")
	if err != nil || got.Title != "T" {
		t.Fatalf("after the restart Article(r1) = %+v, %v", got, err)
	}
}
