package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// base is the publication time of the suite's first article.
var base = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// article returns a complete article for the suite.
func article(id, lang, section string, published time.Time) content.Article {
	return content.Article{
		ID:         id,
		Lang:       lang,
		Section:    section,
		Title:      "Title of " + id,
		Lead:       "Lead of " + id,
		Body:       []string{"First paragraph of " + id + ".", "Второй абзац, diacritice: ăâîșț."},
		Author:     "Ana Popescu",
		Translator: "Ivan Petrov",
		URL:        "https://news.example/" + id,
		Published:  published,
		Tags:       []string{"tag-a", "tag-b"},
		Group:      "g-" + id,
		Image:      content.Image{URL: "https://news.example/img/" + id + ".jpg", Alt: "Imagine " + id, Width: 1200, Height: 675},
	}
}

// sameArticle fails t unless got is want with the given version.
func sameArticle(t *testing.T, got, want content.Article, version int) {
	t.Helper()
	if !got.SameContent(want) || got.ID != want.ID || !got.Updated.Equal(want.Updated) || got.Version != version {
		t.Fatalf("got article\n%+v\nwant\n%+v (version %d)", got, want, version)
	}
}

// ids returns the IDs of articles, in order.
func ids(as []content.Article) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// save stores a and fails t on error.
func save(t *testing.T, s core.Store, a content.Article) core.SaveResult {
	t.Helper()
	r, err := s.SaveArticle(context.Background(), a)
	must(t, err)
	return r
}

func testArticles(t *testing.T, newStore func(t *testing.T) core.Store) {
	runAll(t, newStore, []subtest{
		{"Create", articleCreate},
		{"Unchanged", articleUnchanged},
		{"UpdateKeepsIDAndPublished", articleUpdate},
		{"UpdateSetsPublished", articleUpdatePublished},
		{"NotFound", articleNotFound},
		{"Invalid", articleInvalid},
		{"Find", articleFind},
		{"FindNewestVersion", articleFindNewestVersion},
		{"Editions", articleEditions},
		{"ByURL", articleByURL},
		{"ByURLMoves", articleByURLMoves},
		{"Copies", articleCopies},
		{"ConcurrentVersions", articleConcurrentVersions},
	})
}

func articleCreate(t *testing.T, s core.Store) {
	ctx := context.Background()
	a := article("a1", "ro", "politics", base)
	a.Updated = base.Add(time.Hour)
	a.Version = 42 // ignored: the store numbers versions
	r := save(t, s, a)
	if r != (core.SaveResult{Created: true, Version: 1}) {
		t.Fatalf("SaveArticle = %+v, want created version 1", r)
	}
	got, err := s.Article(ctx, "a1")
	must(t, err)
	sameArticle(t, got, a, 1)
}

func articleUnchanged(t *testing.T, s core.Store) {
	ctx := context.Background()
	a := article("a1", "en", "sport", base)
	save(t, s, a)
	// A different Updated alone is not new content.
	a.Updated = base.Add(time.Minute)
	r := save(t, s, a)
	if r != (core.SaveResult{Version: 1}) {
		t.Fatalf("saving identical content = %+v, want nothing done at version 1", r)
	}
	got, err := s.Article(ctx, "a1")
	must(t, err)
	if got.Version != 1 || !got.Updated.IsZero() {
		t.Fatalf("identical save changed the article: %+v", got)
	}
	if v, ok := s.(Versioner); ok {
		vs, err := v.Versions(ctx, "a1")
		must(t, err)
		if len(vs) != 1 {
			t.Fatalf("Versions = %d versions, want 1", len(vs))
		}
	}
}

func articleUpdate(t *testing.T, s core.Store) {
	ctx := context.Background()
	first := article("a1", "ru", "economy", base)
	save(t, s, first)

	second := first
	second.Title = "Corrected title"
	second.Published = time.Time{} // the feed lost it: keep the first one
	second.Updated = base.Add(2 * time.Hour)
	r := save(t, s, second)
	if r != (core.SaveResult{Updated: true, Version: 2}) {
		t.Fatalf("SaveArticle of changed content = %+v, want updated version 2", r)
	}
	got, err := s.Article(ctx, "a1")
	must(t, err)
	want := second
	want.Published = base
	sameArticle(t, got, want, 2)

	third := want
	third.Body = append([]string{"New first paragraph."}, third.Body...)
	if r := save(t, s, third); r.Version != 3 || !r.Updated {
		t.Fatalf("third version: %+v", r)
	}
	if v, ok := s.(Versioner); ok {
		vs, err := v.Versions(ctx, "a1")
		must(t, err)
		if len(vs) != 3 {
			t.Fatalf("Versions = %d versions, want 3", len(vs))
		}
		sameArticle(t, vs[0], first, 1)
		sameArticle(t, vs[1], want, 2)
		sameArticle(t, vs[2], third, 3)
		_, err = v.Versions(ctx, "missing")
		if !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("Versions of a missing article: %v, want ErrNotFound", err)
		}
	}
}

func articleUpdatePublished(t *testing.T, s core.Store) {
	ctx := context.Background()
	save(t, s, article("old", "en", "sport", base))
	save(t, s, article("new", "en", "sport", base.Add(time.Hour)))

	moved := article("old", "en", "sport", base.Add(2*time.Hour))
	if r := save(t, s, moved); !r.Updated || r.Version != 2 {
		t.Fatalf("new Published time: %+v, want updated version 2", r)
	}
	got, err := s.Article(ctx, "old")
	must(t, err)
	if !got.Published.Equal(moved.Published) {
		t.Fatalf("Published = %v, want %v", got.Published, moved.Published)
	}
	found, err := s.FindArticles(ctx, core.ArticleFilter{Lang: "en"})
	must(t, err)
	if g := ids(found); !reflect.DeepEqual(g, []string{"old", "new"}) {
		t.Fatalf("FindArticles after republishing = %v, want [old new]", g)
	}
}

func articleNotFound(t *testing.T, s core.Store) {
	_, err := s.Article(context.Background(), "missing")
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("Article(missing) error %v, want ErrNotFound", err)
	}
	wantCode(t, err, core.CodeNotFound)
}

func articleInvalid(t *testing.T, s core.Store) {
	ctx := context.Background()
	for _, a := range []content.Article{
		article("", "en", "sport", base),
		article("has space", "en", "sport", base),
		article("x123456789012345678901234567890123", "en", "sport", base),
		article("ok", "e:n", "sport", base),
	} {
		_, err := s.SaveArticle(ctx, a)
		wantCode(t, err, core.CodeInvalid)
	}
	found, err := s.FindArticles(ctx, core.ArticleFilter{})
	must(t, err)
	if len(found) != 0 {
		t.Fatalf("invalid articles were stored: %v", ids(found))
	}
}

func articleFind(t *testing.T, s core.Store) {
	ctx := context.Background()
	langs := []string{"ro", "ru", "en"}
	sections := []string{"politics", "sport"}
	var all []content.Article
	for i := range 60 {
		// Two articles share each publication time, to pin the ID order.
		a := article(fmt.Sprintf("n%02d", i), langs[i%3], sections[i%2], base.Add(time.Duration(i/2)*time.Minute))
		save(t, s, a)
		all = append(all, a)
	}
	want := func(f core.ArticleFilter) []string {
		var out []content.Article
		for _, a := range all {
			if (f.Lang == "" || a.Lang == f.Lang) && (f.Section == "" || a.Section == f.Section) {
				out = append(out, a)
			}
		}
		sort.Slice(out, func(i, j int) bool {
			if !out[i].Published.Equal(out[j].Published) {
				return out[i].Published.After(out[j].Published)
			}
			return out[i].ID > out[j].ID
		})
		limit := f.Limit
		if limit <= 0 {
			limit = 20
		}
		off := max(f.Offset, 0)
		if off > len(out) {
			off = len(out)
		}
		out = out[off:min(off+limit, len(out))]
		return ids(out)
	}
	for _, f := range []core.ArticleFilter{
		{},
		{Limit: 100},
		{Lang: "ro"},
		{Section: "sport", Limit: 7},
		{Lang: "ru", Section: "politics", Limit: 3},
		{Lang: "ru", Section: "politics", Offset: 3, Limit: 3},
		{Lang: "en", Offset: 15, Limit: 10},
		{Offset: -5, Limit: 2},
		{Lang: "en", Limit: -1},
		{Offset: 60},
		{Lang: "de"},
		{Section: "culture"},
	} {
		t.Run(fmt.Sprintf("lang=%s,section=%s,offset=%d,limit=%d", f.Lang, f.Section, f.Offset, f.Limit), func(t *testing.T) {
			got, err := s.FindArticles(ctx, f)
			must(t, err)
			if g, w := ids(got), want(f); !reflect.DeepEqual(g, w) {
				t.Fatalf("FindArticles(%+v) = %v, want %v", f, g, w)
			}
			for _, a := range got {
				if a.Version != 1 || a.Title != "Title of "+a.ID {
					t.Fatalf("FindArticles returned an incomplete article: %+v", a)
				}
			}
		})
	}
}

func articleFindNewestVersion(t *testing.T, s core.Store) {
	ctx := context.Background()
	a := article("a1", "ro", "politics", base)
	save(t, s, a)
	a.Section = "economy"
	a.Lang = "en"
	a.Title = "Moved"
	save(t, s, a)
	for _, c := range []struct {
		f    core.ArticleFilter
		want int
	}{
		{core.ArticleFilter{Section: "politics"}, 0},
		{core.ArticleFilter{Lang: "ro"}, 0},
		{core.ArticleFilter{Lang: "ro", Section: "politics"}, 0},
		{core.ArticleFilter{Lang: "en", Section: "economy"}, 1},
		{core.ArticleFilter{}, 1},
	} {
		got, err := s.FindArticles(ctx, c.f)
		must(t, err)
		if len(got) != c.want {
			t.Fatalf("FindArticles(%+v) = %v, want %d", c.f, ids(got), c.want)
		}
		if len(got) == 1 && (got[0].Title != "Moved" || got[0].Version != 2) {
			t.Fatalf("FindArticles returned an old version: %+v", got[0])
		}
	}
}

func articleEditions(t *testing.T, s core.Store) {
	ctx := context.Background()
	for _, lang := range []string{"ro", "ru", "en"} {
		a := article("story-"+lang, lang, "international", base)
		a.Group = "story"
		save(t, s, a)
	}
	other := article("other", "en", "international", base)
	save(t, s, other)

	got, err := s.Editions(ctx, "story")
	must(t, err)
	g := ids(got)
	sort.Strings(g)
	if !reflect.DeepEqual(g, []string{"story-en", "story-ro", "story-ru"}) {
		t.Fatalf("Editions(story) = %v", g)
	}
	for _, group := range []string{"", "unknown"} {
		got, err := s.Editions(ctx, group)
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("Editions(%q) = %v, want none", group, ids(got))
		}
	}

	// An edition that leaves the group is no longer one of its editions.
	moved := article("story-ru", "ru", "international", base)
	moved.Group = "another"
	save(t, s, moved)
	got, err = s.Editions(ctx, "story")
	must(t, err)
	if len(got) != 2 {
		t.Fatalf("Editions(story) after a move = %v, want 2", ids(got))
	}
	got, err = s.Editions(ctx, "another")
	must(t, err)
	if len(got) != 1 || got[0].Version != 2 {
		t.Fatalf("Editions(another) = %+v", got)
	}
}

func articleCopies(t *testing.T, s core.Store) {
	ctx := context.Background()
	a := article("a1", "ro", "culture", base)
	save(t, s, a)
	a.Body[0] = "changed by the caller after saving"
	got, err := s.Article(ctx, "a1")
	must(t, err)
	if got.Body[0] == a.Body[0] {
		t.Fatal("the store kept the caller's slice")
	}
	got.Body[0], got.Tags[0] = "changed", "changed"
	found, err := s.FindArticles(ctx, core.ArticleFilter{})
	must(t, err)
	found[0].Body[1] = "changed"
	again, err := s.Article(ctx, "a1")
	must(t, err)
	if again.Body[0] == "changed" || again.Body[1] == "changed" || again.Tags[0] == "changed" {
		t.Fatal("changing a returned article changed the stored one")
	}
}

func articleConcurrentVersions(t *testing.T, s core.Store) {
	ctx := context.Background()
	const writers = 8
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			a := article("hot", "en", "sport", base)
			a.Title = fmt.Sprintf("Title by writer %d", w)
			_, err := s.SaveArticle(ctx, a)
			errs <- err
		}()
	}
	for range writers {
		must(t, <-errs)
	}
	got, err := s.Article(ctx, "hot")
	must(t, err)
	// Every writer's content differs from every other's, so each save after
	// the first is a new version: none may be lost to a race.
	if got.Version != writers {
		t.Fatalf("after %d concurrent different saves the version is %d", writers, got.Version)
	}
}

func articleByURL(t *testing.T, s core.Store) {
	ctx := context.Background()
	a := article("u1", "ro", "politics", base)
	a.URL = "https://news.example/ro/story/1042-buget"
	save(t, s, a)
	save(t, s, article("u2", "ru", "politics", base))

	for _, url := range []string{
		a.URL,
		"http://NEWS.example/ro/story/1042-buget/",
		"https://news.example:443/ro/story/1042-buget#comments",
	} {
		got, err := s.ArticleByURL(ctx, url)
		must(t, err)
		sameArticle(t, got, a, 1)
	}
	for _, url := range []string{"", "https://news.example/ro/story/1042", "https://news.example/ro/story/1042-buget?page=2", "https://other.example/ro/story/1042-buget"} {
		_, err := s.ArticleByURL(ctx, url)
		if !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("ArticleByURL(%q) = %v, want core.ErrNotFound", url, err)
		}
	}
	// The newest version is returned, and it is a copy.
	a.Title = "Bugetul, în lectură finală"
	save(t, s, a)
	got, err := s.ArticleByURL(ctx, a.URL)
	must(t, err)
	sameArticle(t, got, a, 2)
	got.Body[0] = "changed"
	again, err := s.ArticleByURL(ctx, a.URL)
	must(t, err)
	sameArticle(t, again, a, 2)
}

func articleByURLMoves(t *testing.T, s core.Store) {
	ctx := context.Background()
	a := article("m1", "ro", "politics", base)
	a.URL = "https://news.example/ro/old"
	save(t, s, a)

	// An article whose URL changes is found by the new URL only.
	a.URL = "https://news.example/ro/new"
	save(t, s, a)
	if _, err := s.ArticleByURL(ctx, "https://news.example/ro/old"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("ArticleByURL(old URL) = %v, want core.ErrNotFound", err)
	}
	got, err := s.ArticleByURL(ctx, a.URL)
	must(t, err)
	sameArticle(t, got, a, 2)

	// A URL names the article last saved with it, and a move of the
	// earlier one does not take the URL from the later one.
	b := article("m2", "ro", "politics", base.Add(time.Minute))
	b.URL = a.URL
	save(t, s, b)
	got, err = s.ArticleByURL(ctx, a.URL)
	must(t, err)
	sameArticle(t, got, b, 1)
	a.URL = "https://news.example/ro/newer"
	save(t, s, a)
	got, err = s.ArticleByURL(ctx, b.URL)
	must(t, err)
	sameArticle(t, got, b, 1)

	// An article that drops its URL is no longer found by it.
	a.URL = ""
	save(t, s, a)
	if _, err := s.ArticleByURL(ctx, "https://news.example/ro/newer"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("ArticleByURL(dropped URL) = %v, want core.ErrNotFound", err)
	}
}
