package feed

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
)

// testNames is the localized section-name lookup the lead builds from the
// locales.
var testNames = NamesMatcher(map[string]string{
	"Politică": "politics", "Политика": "politics", "Politics": "politics",
	"Cultură": "culture", "Культура": "culture",
	"Societate": "society", "Общество": "society",
	"Economie": "economy", "Экономика": "economy",
})

// fakeClock is a settable clock for due times and backoff.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

// testdataNow is a time shortly after the testdata feeds were published
// (Tue, 14 May 2024, 07:00 to 10:00 +0300), so that their items are recent
// enough to be announced.
var testdataNow = time.Date(2024, 5, 14, 7, 30, 0, 0, time.UTC)

func clockAt(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func pollOnce(t *testing.T, p *Poller) Stats {
	t.Helper()
	st, err := p.PollOnce(context.Background())
	if err != nil {
		t.Fatalf("PollOnce: %v", err)
	}
	return st
}

// byTitle returns the stored article with the title, failing if none.
func byTitle(t *testing.T, s *mapStore, title string) content.Article {
	t.Helper()
	for _, a := range s.all() {
		if a.Title == title {
			return a
		}
	}
	t.Fatalf("no stored article titled %q", title)
	return content.Article{}
}

func TestIngestFormats(t *testing.T) {
	srv := newFeedServer(t)
	tests := []struct {
		name    string
		lang    string
		path    string
		count   int
		title   string
		section string
		author  string
		lead    string
		body    []string
	}{
		{
			name: "rss2 content:encoded dc:creator", lang: "ro", path: "/ro.xml", count: 3,
			title: "Parlamentul a adoptat bugetul pe 2025 & modificările fiscale", section: "politics",
			author: "Ana Popescu", lead: "Deputații au votat legea bugetului de stat în a doua lectură.",
			body: []string{
				"Deputații au votat legea bugetului de stat în a doua lectură, cu 54 de voturi „pentru”.",
				"Ministrul Finanțelor a spus că deficitul va fi de 4,5% din PIB.",
				"Opoziția a părăsit sala.",
				"„Este un buget realist”, a declarat ministrul.",
			},
		},
		{
			name: "rss2 description only with br", lang: "ro", path: "/ro.xml", count: 3,
			title: "Vreme instabilă în weekend", section: "society",
			lead: "Ploi și descărcări electrice în nordul țării.",
			body: []string{"Temperaturi de până la 22°C."},
		},
		{
			name: "rss2 div paragraphs", lang: "ro", path: "/ro.xml", count: 3,
			title: "Festivalul de jazz de la Chișinău își anunță programul", section: "culture", author: "Ion Rusu",
			lead: "Ediția din acest an aduce 40 de concerte în trei săli.",
			body: []string{"Biletele se pun în vânzare luni."},
		},
		{
			name: "atom html content", lang: "ru", path: "/ru.xml", count: 2,
			title: "Парламент принял бюджет на 2025 год", section: "politics", author: "Анна Попеску",
			lead: "Депутаты проголосовали за закон о госбюджете во втором чтении.",
			body: []string{"Министр финансов заявил, что дефицит составит 4,5% ВВП."},
		},
		{
			name: "atom xhtml content section id", lang: "ru", path: "/ru.xml", count: 2,
			title: "Курс лея укрепился", section: "economy", author: "Пётр Иванов",
			lead: "Национальный банк установил курс 17,65 лея за доллар.",
		},
		{
			name: "json feed html drops script", lang: "en", path: "/en.json", count: 2,
			title: "Parliament passes the 2025 budget", section: "politics", author: "Ana Popescu",
			lead: "MPs voted the state budget law in the second reading.",
			body: []string{"The finance minister said the deficit would be 4.5% of GDP."},
		},
		{
			name: "json feed text numeric id", lang: "en", path: "/en.json", count: 2,
			title: "Three startups win the national tech prize", section: "technology",
			lead: "The jury picked projects in health, farming and education.",
			body: []string{"Each team gets 10,000 euros."},
		},
		{
			name: "windows-1251", lang: "ru", path: "/ru1251.xml", count: 1,
			title: "В Бельцах открыли новый мост через Реут", section: "society",
			lead: "Мост длиной 120 метров соединил два района города.",
			body: []string{"Движение открыто с понедельника — «наконец-то», говорят жители."},
		},
		{
			name: "iso-8859-2", lang: "ro", path: "/ro88592.xml", count: 1,
			title: "Târgul de toamnă se mută în piaţa centrală", section: "society",
			lead: "Primăria a anunţat că târgul va avea loc în weekend, între orele 9 şi 18.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMapStore()
			p := NewPoller(srv.config(tt.lang+"="+tt.path), store, WithSectionNames(testNames))
			st := pollOnce(t, p)
			if st.New != tt.count || st.Failed != 0 {
				t.Fatalf("stats = %+v, want %d new and no failure", st, tt.count)
			}
			for id, a := range store.all() {
				if !content.ValidID(id) || len(id) != idLen || a.Lang != tt.lang || a.Version != 1 || a.Published.IsZero() {
					t.Errorf("article %q: lang %q version %d published %v", id, a.Lang, a.Version, a.Published)
				}
				if strings.Contains(a.Text(), "tracker") || strings.Contains(a.Text(), "alert(") || strings.Contains(a.Text(), "display:") {
					t.Errorf("article %q kept script or style: %q", id, a.Text())
				}
			}
			a := byTitle(t, store, tt.title)
			if a.Section != tt.section || a.Author != tt.author || a.Lead != tt.lead {
				t.Errorf("got section %q author %q lead %q, want %q %q %q", a.Section, a.Author, a.Lead, tt.section, tt.author, tt.lead)
			}
			if !slices.Equal(a.Body, tt.body) {
				t.Errorf("body = %q\nwant   %q", a.Body, tt.body)
			}
			if strings.Contains(a.URL, "utm_") || !strings.HasPrefix(a.URL, "https://") {
				t.Errorf("URL = %q, want https without tracking", a.URL)
			}
		})
	}
}

func TestGroupsLinkEditions(t *testing.T) {
	srv := newFeedServer(t)
	t.Run("outlet identifier in rss atom and json", func(t *testing.T) {
		store := newMapStore()
		p := NewPoller(srv.config("ro=/ro.xml", "ru=/ru.xml", "en=/en.json"), store)
		pollOnce(t, p)
		ro := byTitle(t, store, "Parlamentul a adoptat bugetul pe 2025 & modificările fiscale")
		ru := byTitle(t, store, "Парламент принял бюджет на 2025 год")
		en := byTitle(t, store, "Parliament passes the 2025 budget")
		if ro.Group == "" || ro.Group != ru.Group || ro.Group != en.Group {
			t.Fatalf("groups ro %q ru %q en %q, want one shared group", ro.Group, ru.Group, en.Group)
		}
		eds, _ := store.Editions(context.Background(), ro.Group)
		if len(eds) != 3 {
			t.Errorf("Editions = %d articles, want 3", len(eds))
		}
		// A story with no key whose page cannot be had is a story of its
		// own, named as it would be if its page linked no stored edition.
		if jazz := byTitle(t, store, "Festivalul de jazz de la Chișinău își anunță programul"); jazz.Group != editionGroup(jazz.ID) {
			t.Errorf("unlinked story got group %q, want its own %q", jazz.Group, editionGroup(jazz.ID))
		} else if eds, _ := store.Editions(context.Background(), jazz.Group); len(eds) != 1 {
			t.Errorf("unlinked story has %d editions, want 1", len(eds))
		}
	})
	t.Run("config group pattern", func(t *testing.T) {
		store := newMapStore()
		cfg := srv.config("ro=/ro.xml", "ru=/ru.xml")
		for i := range cfg.Sources {
			cfg.Sources[i].GroupPattern = `/story/(\d+)`
		}
		p := NewPoller(cfg, store)
		pollOnce(t, p)
		ro := byTitle(t, store, "Parlamentul a adoptat bugetul pe 2025 & modificările fiscale")
		ru := byTitle(t, store, "Парламент принял бюджет на 2025 год")
		if ro.Group != groupName("1042") || ru.Group != ro.Group {
			t.Errorf("groups ro %q ru %q, want %q", ro.Group, ru.Group, groupName("1042"))
		}
		if jazz := byTitle(t, store, "Festivalul de jazz de la Chișinău își anunță programul"); jazz.Group != groupName("1043") {
			t.Errorf("story 1043 group = %q, want %q", jazz.Group, groupName("1043"))
		}
	})
	t.Run("hreflang on fetched pages", func(t *testing.T) {
		store := newMapStore()
		cfg := srv.config("ro=/excerpt-ro.xml", "ru=/excerpt-ru.xml")
		p := NewPoller(cfg, store)
		pollOnce(t, p)
		ro := byTitle(t, store, "Noua linie de tramvai va lega aeroportul de centru")
		ru := byTitle(t, store, "Новая трамвайная линия свяжет аэропорт с центром")
		if ro.Group == "" || ro.Group != ru.Group {
			t.Errorf("groups ro %q ru %q, want one shared group", ro.Group, ru.Group)
		}
		if !strings.Contains(ro.Text(), "Costul estimat al proiectului") || strings.Contains(ro.Text(), "analytics") {
			t.Errorf("ro body not extracted from the page: %q", ro.Body)
		}
		if len(ru.Body) < 3 {
			t.Errorf("ru body = %q, want the page's paragraphs", ru.Body)
		}
		// A second poll does not fetch the pages again.
		hits := srv.hitCount("/ro/story/2001")
		p2 := NewPoller(cfg, store)
		if st := pollOnce(t, p2); st.New != 0 || st.Updated != 0 || st.Unchanged != 2 {
			t.Errorf("second poll stats = %+v, want 2 unchanged", st)
		}
		if srv.hitCount("/ro/story/2001") != hits {
			t.Error("page fetched again for an unchanged item")
		}
	})
	t.Run("pages turned off", func(t *testing.T) {
		store := newMapStore()
		hits := srv.hitCount("/ro/story/2001")
		cfg := srv.config("ro=/excerpt-ro.xml")
		cfg.FetchPages = Off
		p := NewPoller(cfg, store)
		pollOnce(t, p)
		a := byTitle(t, store, "Noua linie de tramvai va lega aeroportul de centru")
		if len(a.Body) != 0 || a.Group != "" || srv.hitCount("/ro/story/2001") != hits {
			t.Errorf("page used though FetchPages is Off: %+v", a)
		}
	})
}

func TestDedupeAndVersions(t *testing.T) {
	srv := newFeedServer(t)
	srv.set("/ro-copy.xml", "ro_rss.xml")
	store := newMapStore()
	clock := clockAt(testdataNow)
	var added []string
	var mu sync.Mutex
	l := ListenerFunc(func(_ context.Context, a content.Article) {
		mu.Lock()
		added = append(added, a.Title)
		mu.Unlock()
	})
	p := NewPoller(srv.config("ro=/ro.xml", "ro=/ro-copy.xml"), store, withClock(clock.now), WithListener(l))

	st := pollOnce(t, p)
	if st.New != 3 || st.Quiet != 3 || st.Unchanged != 3 || len(store.all()) != 3 {
		t.Fatalf("first poll: %+v, %d stored; want 3 new (the backlog, not announced), 3 unchanged (the copy), 3 stored", st, len(store.all()))
	}
	first := byTitle(t, store, "Parlamentul a adoptat bugetul pe 2025 & modificările fiscale")

	t.Run("not due yet", func(t *testing.T) {
		if st := pollOnce(t, p); st.Skipped != 2 || st.Feeds != 0 {
			t.Errorf("stats = %+v, want both feeds skipped", st)
		}
	})
	t.Run("304 with etag", func(t *testing.T) {
		clock.advance(time.Minute)
		st := pollOnce(t, p)
		if st.NotModified != 2 || st.New != 0 || srv.conditional["/ro.xml"] != 1 {
			t.Errorf("stats = %+v, conditional requests %d; want 2 not modified", st, srv.conditional["/ro.xml"])
		}
	})
	t.Run("changed item is a new version", func(t *testing.T) {
		srv.set("/ro.xml", "ro_rss_v2.xml")
		clock.advance(time.Minute)
		st := pollOnce(t, p)
		if st.New != 1 || st.Quiet != 0 || st.Updated != 1 || st.Unchanged != 2 {
			t.Fatalf("stats = %+v, want 1 new (announced), 1 updated, 2 unchanged", st)
		}
		a, err := store.Article(context.Background(), first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != "Parlamentul a adoptat bugetul pe 2025 în lectură finală" || a.Version != 2 {
			t.Errorf("article %s = %q v%d, want the new title as v2", a.ID, a.Title, a.Version)
		}
		if !a.Updated.After(first.LastChange()) || !a.Published.Equal(first.Published) || a.Group != first.Group {
			t.Errorf("updated %v (was %v), published %v (was %v), group %q (was %q)",
				a.Updated, first.LastChange(), a.Published, first.Published, a.Group, first.Group)
		}
		if len(store.all()) != 4 {
			t.Errorf("%d articles stored, want 4", len(store.all()))
		}
	})
	t.Run("only new articles after the first poll are announced", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		want := []string{"Alegeri locale: CEC a publicat calendarul"}
		if !slices.Equal(added, want) {
			t.Errorf("announced %q\nwant      %q", added, want)
		}
	})
}

func TestBrokenFeedsDoNotStopOthers(t *testing.T) {
	srv := newFeedServer(t)
	store := newMapStore()
	clock := newFakeClock()
	cfg := srv.config("ro=/ro.xml", "ro=/429", "ru=/503", "en=/slow", "en=/big", "ru=/malformed.xml", "ro=/500", "ru=/missing.xml")
	p := NewPoller(cfg, store, withClock(clock.now))
	start := time.Now()
	st := pollOnce(t, p)
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("poll took %v; the slow feed should time out at %v", elapsed, cfg.Timeout)
	}
	if st.New != 3 || st.Failed != 7 || len(st.Errors) != 7 {
		t.Fatalf("stats = %+v, want 3 new and 7 failed", st)
	}
	status := map[string]FeedStatus{}
	for _, fs := range p.Status() {
		status[strings.TrimPrefix(fs.URL, srv.URL)] = fs
	}
	now := clock.now()
	tests := []struct {
		path     string
		check    func(error) bool
		minDelay time.Duration
	}{
		{"/429", func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Status == 429 && se.RetryAfter == 120*time.Second
		}, 120 * time.Second},
		{"/503", func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Status == 503 && se.RetryAfter > 80*time.Second && se.RetryAfter <= 90*time.Second
		}, 80 * time.Second},
		{"/slow", func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }, 30 * time.Second},
		{"/big", func(err error) bool { return errors.Is(err, ErrTooBig) }, 30 * time.Second},
		{"/malformed.xml", func(err error) bool { return err != nil && strings.Contains(err.Error(), "parsing feed") }, 30 * time.Second},
		{"/500", func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Status == 500 && se.RetryAfter == 0
		}, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			fs := status[tt.path]
			if fs.Failures != 1 || !tt.check(fs.LastError) {
				t.Errorf("failures %d, error %v", fs.Failures, fs.LastError)
			}
			if d := fs.NextPoll.Sub(now); d < tt.minDelay {
				t.Errorf("next poll in %v, want at least %v", d, tt.minDelay)
			}
		})
	}
	t.Run("healthy feed", func(t *testing.T) {
		if fs := status["/ro.xml"]; fs.Failures != 0 || fs.LastError != nil {
			t.Errorf("ro.xml: %+v", fs)
		}
	})
	t.Run("failed feeds wait for their backoff", func(t *testing.T) {
		hits := srv.hitCount("/429")
		clock.advance(90 * time.Second)
		pollOnce(t, p)
		if srv.hitCount("/429") != hits {
			t.Error("429 feed polled before its Retry-After")
		}
	})
}

func TestBackoff(t *testing.T) {
	p := NewPoller(Config{MaxBackoff: time.Hour}, newMapStore())
	for _, tt := range []struct {
		n    int
		want time.Duration // upper bound; the jitter keeps at least half
	}{{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {6, 32 * time.Minute}, {7, time.Hour}, {40, time.Hour}} {
		t.Run(tt.want.String(), func(t *testing.T) {
			for range 50 {
				if d := p.backoff(time.Minute, tt.n); d < tt.want/2 || d > tt.want {
					t.Fatalf("backoff(%d) = %v, want in [%v, %v]", tt.n, d, tt.want/2, tt.want)
				}
			}
		})
	}
}

func TestStoreFailureRefetches(t *testing.T) {
	srv := newFeedServer(t)
	store := newMapStore()
	clock := newFakeClock()
	p := NewPoller(srv.config("ro=/ro.xml"), store, withClock(clock.now))
	store.setFail(errStoreDown)
	if st := pollOnce(t, p); st.Failed != 1 || !errors.Is(st.Errors[0], errStoreDown) {
		t.Fatalf("stats = %+v, want the store failure", st)
	}
	store.setFail(nil)
	clock.advance(time.Hour)
	st := pollOnce(t, p)
	if st.New != 3 || st.NotModified != 0 {
		t.Errorf("stats = %+v, want a full fetch storing 3", st)
	}
}

// fakeLocker grants the lock to the first caller per key until unlocked.
type fakeLocker struct {
	mu   sync.Mutex
	held map[string]bool
	err  error
}

func (l *fakeLocker) TryLock(_ context.Context, key string, _ time.Duration) (func(), bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return nil, false, l.err
	}
	if l.held[key] {
		return nil, false, nil
	}
	l.held[key] = true
	return func() {
		l.mu.Lock()
		delete(l.held, key)
		l.mu.Unlock()
	}, true, nil
}

func TestLockerOnePollerPerFeed(t *testing.T) {
	srv := newFeedServer(t)
	store := newMapStore()
	locker := &fakeLocker{held: map[string]bool{}}
	cfg := srv.config("ro=/ro.xml", "ru=/ru.xml")
	a := NewPoller(cfg, store, WithLocker(locker))
	b := NewPoller(cfg, store, WithLocker(locker))
	if st := pollOnce(t, a); st.New != 5 {
		t.Fatalf("first process: %+v, want 5 new", st)
	}
	hits := srv.hitCount("/ro.xml")
	if st := pollOnce(t, b); st.Skipped != 2 || st.Feeds != 0 {
		t.Errorf("second process: %+v, want both feeds skipped", st)
	}
	if srv.hitCount("/ro.xml") != hits {
		t.Error("second process fetched a locked feed")
	}
	t.Run("lock error still polls", func(t *testing.T) {
		c := NewPoller(cfg, newMapStore(), WithLocker(&fakeLocker{err: errStoreDown}))
		if st := pollOnce(t, c); st.New != 5 {
			t.Errorf("stats = %+v, want 5 new", st)
		}
	})
}

func TestListenerPanicDoesNotStopFeed(t *testing.T) {
	srv := newFeedServer(t)
	srv.set("/panic.xml", "ro_rss.xml")
	store := newMapStore()
	clock := clockAt(testdataNow)
	var n int
	p := NewPoller(srv.config("ro=/panic.xml"), store, withClock(clock.now),
		WithListener(ListenerFunc(func(context.Context, content.Article) { panic("listener bug") })))
	p.Subscribe(ListenerFunc(func(context.Context, content.Article) { n++ }))
	if st := pollOnce(t, p); st.New != 3 || st.Quiet != 3 || n != 0 {
		t.Fatalf("first poll: %+v, second listener called %d times; want the backlog of 3 stored quietly", st, n)
	}
	srv.set("/panic.xml", "ro_rss_v2.xml")
	clock.advance(time.Hour)
	if st := pollOnce(t, p); st.New != 1 || st.Updated != 1 || n != 1 {
		t.Errorf("stats = %+v, second listener called %d times; want 1 new announced to it", st, n)
	}
}

func TestRun(t *testing.T) {
	srv := newFeedServer(t)
	store := newMapStore()
	var mu sync.Mutex
	seen := map[string]int{}
	cfg := srv.config("ro=/ro.xml", "ru=/ru.xml", "en=/en.json", "en=/slow", "ru=/429")
	cfg.Interval = 50 * time.Millisecond
	cfg.Timeout = 200 * time.Millisecond
	p := NewPoller(cfg, store, WithListener(ListenerFunc(func(_ context.Context, a content.Article) {
		mu.Lock()
		seen[a.ID]++
		mu.Unlock()
	})))
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	// Readers and a one-shot poll run alongside.
	for range 5 {
		_ = p.Status()
		if _, err := p.PollOnce(ctx); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run = %v, want the context's error", err)
	}
	if n := len(store.all()); n != 7 {
		t.Errorf("%d articles stored, want 7", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for id, n := range seen {
		if n != 1 {
			t.Errorf("article %s announced %d times", id, n)
		}
	}
	if srv.hitCount("/ro.xml") < 2 {
		t.Errorf("ro.xml fetched %d times in 2.5s at a 50ms interval", srv.hitCount("/ro.xml"))
	}
	if srv.hitCount("/429") != 1 {
		t.Errorf("429 feed fetched %d times, want once (Retry-After 120s)", srv.hitCount("/429"))
	}
}

func TestRunWithoutFeeds(t *testing.T) {
	if err := NewPoller(Config{}, newMapStore()).Run(context.Background()); err == nil {
		t.Error("Run with no feeds returned nil")
	}
}
