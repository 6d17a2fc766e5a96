package feed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// FuzzFeed feeds arbitrary bytes to the poller as the body of a feed that
// already stored articles: nothing may panic, every stored article must be
// well-formed, and every version stored before must still be there.
func FuzzFeed(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":{},"title":7,"_newsbot":{"group":[]}}]}`))
	f.Add([]byte(`<rss><channel><item><guid>news-example-md-ro-1042</guid><title></title></item></channel></rss>`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title type="xhtml"><div><script>x</script></div></title></entry></feed>`))
	f.Add([]byte("\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"koi8-r\"?><rss><channel><item><title>\xf0\xf2</title></item></channel></rss>"))

	seed, err := os.ReadFile("testdata/ro_rss.xml")
	if err != nil {
		f.Fatal(err)
	}
	const feedURL = "https://news.example.md/ro/rss.xml"
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.Background()
		store := newMapStore()
		p := NewPoller(Config{Sources: []Source{{Lang: "ro", URL: feedURL}}}, store, WithSectionNames(testNames))
		src := &p.feeds[0].src
		if _, err := p.ingestBody(ctx, src, seed, feedURL, true); err != nil {
			t.Fatal(err)
		}
		before := store.all()

		slow := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("ingesting %d bytes took over 5s: %q", len(body), body)) })
		_, _ = p.ingestBody(ctx, src, body, feedURL, true)
		slow.Stop()

		for id, old := range before {
			versions, err := store.Versions(ctx, id)
			if err != nil || len(versions) < old.Version || !versions[old.Version-1].SameContent(old) {
				t.Fatalf("article %s version %d lost (%d versions, err %v)", id, old.Version, len(versions), err)
			}
		}
		for id, a := range store.all() {
			switch {
			case !content.ValidID(id), a.Lang != "ro", a.Title == "", a.Published.IsZero():
				t.Fatalf("bad article stored: %+v", a)
			case !slices.Contains(content.DefaultSections, a.Section) || a.Section == content.Breaking:
				t.Fatalf("article %s in section %q", id, a.Section)
			}
			for _, s := range append([]string{a.Title, a.Lead, a.Author}, a.Body...) {
				if !utf8.ValidString(s) || s != core.CleanLine(s) {
					t.Fatalf("article %s has unclean text %q", id, s)
				}
			}
		}
	})
}

// FuzzPage feeds arbitrary bytes to the article page parser: nothing may
// panic, and the alternates it returns must be absolute http(s) URLs,
// normalized, each once, never the page's own, at most 50.
func FuzzPage(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.html")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, "text/html; charset=utf-8")
		}
	}
	f.Add([]byte(`<link rel="alternate stylesheet" hreflang="ru" href="/ru/1"><link rel=ALTERNATE hreflang=en href="//x.md/en/1#a"><link rel="alternate" hreflang="ro" href="javascript:alert(1)">`), "text/html")
	f.Add([]byte(`<html><head><link rel="alternate" hreflang="ro" href="https://news.example.md/ro/story/1?utm_source=x"><link rel="alternate" hreflang="x-default" href="/"></head></html>`), "text/html; charset=windows-1251")
	f.Add([]byte("\xff\xfe<\x00l\x00i\x00n\x00k\x00"), "text/html; charset=utf-16")
	const pageURL = "https://news.example.md/ro/story/1"
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		pg, err := parsePage(body, contentType, pageURL)
		if err != nil {
			return
		}
		if len(pg.alternates) > 50 {
			t.Fatalf("%d alternates, want at most 50", len(pg.alternates))
		}
		seen := map[string]bool{}
		for _, u := range pg.alternates {
			switch {
			case seen[u]:
				t.Fatalf("alternate %q listed twice", u)
			case u == pageURL:
				t.Fatalf("the page's own URL among its alternates")
			case resolveLink(pageURL, u) != u, normalizeURL(u) != u:
				t.Fatalf("alternate %q is not an absolute, normalized http(s) URL", u)
			}
			seen[u] = true
		}
		for _, p := range pg.body {
			if !utf8.ValidString(p) || p != core.CleanLine(p) {
				t.Fatalf("unclean paragraph %q", p)
			}
		}
	})
}
