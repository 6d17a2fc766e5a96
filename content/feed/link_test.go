package feed

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

func TestLink(t *testing.T) {
	ctx := context.Background()
	article := func(id, lang, group string) content.Article {
		return content.Article{ID: id, Lang: lang, Section: "politics", Title: "T " + id, Group: group,
			Published: time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC)}
	}
	tests := []struct {
		name     string
		articles []content.Article
		a, b     string
		code     core.Code // "" when Link succeeds
		grouped  []string  // IDs that must end in one group
		apart    []string  // IDs that must stay out of it
	}{
		{name: "neither has a group", articles: []content.Article{article("r1", "ro", ""), article("u1", "ru", "")},
			a: "r1", b: "u1", grouped: []string{"r1", "u1"}},
		{name: "b joins a's group", articles: []content.Article{article("r1", "ro", "g1"), article("u1", "ru", "g1"), article("e1", "en", "")},
			a: "e1", b: "r1", grouped: []string{"r1", "u1", "e1"}},
		{name: "groups merge", articles: []content.Article{article("r1", "ro", "g1"), article("u1", "ru", "g2"), article("e1", "en", "g2"), article("r2", "ro", "")},
			a: "r1", b: "u1", grouped: []string{"r1", "u1", "e1"}, apart: []string{"r2"}},
		{name: "already linked", articles: []content.Article{article("r1", "ro", "g1"), article("u1", "ru", "g1")},
			a: "u1", b: "r1", grouped: []string{"r1", "u1"}},
		{name: "same language", articles: []content.Article{article("r1", "ro", ""), article("r2", "ro", "")},
			a: "r1", b: "r2", code: core.CodeInvalid, apart: []string{"r1", "r2"}},
		{name: "language clash after merge", articles: []content.Article{article("r1", "ro", "g1"), article("u1", "ru", "g2"), article("r2", "ro", "g2")},
			a: "r1", b: "u1", code: core.CodeInvalid},
		{name: "same article", articles: []content.Article{article("r1", "ro", "")}, a: "r1", b: "r1", code: core.CodeInvalid},
		{name: "unknown article", articles: []content.Article{article("r1", "ro", "")}, a: "r1", b: "zz", code: core.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMapStore()
			for _, a := range tt.articles {
				if _, err := store.SaveArticle(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			before := store.all()
			err := Link(ctx, store, tt.a, tt.b)
			if got := core.ErrorCode(err); got != tt.code {
				t.Fatalf("Link = %v (code %q), want code %q", err, got, tt.code)
			}
			after := store.all()
			if tt.code != "" {
				for id, a := range before {
					if after[id].Group != a.Group {
						t.Errorf("failed Link changed %s's group from %q to %q", id, a.Group, after[id].Group)
					}
				}
				return
			}
			group := after[tt.grouped[0]].Group
			if group == "" {
				t.Fatalf("%s has no group", tt.grouped[0])
			}
			for _, id := range tt.grouped {
				if after[id].Group != group {
					t.Errorf("%s group = %q, want %q", id, after[id].Group, group)
				}
			}
			for _, id := range tt.apart {
				if after[id].Group == group {
					t.Errorf("%s joined the group", id)
				}
			}
			eds, _ := store.Editions(ctx, group)
			if len(eds) != len(tt.grouped) {
				t.Errorf("Editions = %d, want %d", len(eds), len(tt.grouped))
			}
		})
	}
	t.Run("feed keeps a linked group", func(t *testing.T) {
		srv := newFeedServer(t)
		store := newMapStore()
		clock := newFakeClock()
		p := NewPoller(srv.config("ro=/ro.xml", "ru=/ru1251.xml"), store, withClock(clock.now))
		pollOnce(t, p)
		ro := byTitle(t, store, "Vreme instabilă în weekend")
		ru := byTitle(t, store, "В Бельцах открыли новый мост через Реут")
		if err := Link(ctx, store, ro.ID, ru.ID); err != nil {
			t.Fatal(err)
		}
		srv.set("/ro.xml", "ro_rss_v2.xml")
		clock.advance(time.Hour)
		pollOnce(t, p)
		got, _ := store.Article(ctx, ro.ID)
		other, _ := store.Article(ctx, ru.ID)
		if got.Group == "" || got.Group != other.Group {
			t.Errorf("after a poll, groups are %q and %q", got.Group, other.Group)
		}
	})
	t.Run("store failure", func(t *testing.T) {
		store := newMapStore()
		store.SaveArticle(ctx, article("r1", "ro", ""))
		store.SaveArticle(ctx, article("u1", "ru", ""))
		store.setFail(errStoreDown)
		if err := Link(ctx, store, "r1", "u1"); !errors.Is(err, errStoreDown) {
			t.Errorf("Link = %v, want the store's error", err)
		}
	})
}

func TestJoinAlternatesLanguages(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	stored := func(id, lang, group string, published time.Time) content.Article {
		return content.Article{ID: id, Lang: lang, Section: "politics", Title: "T " + id, Group: group,
			URL: "https://news.example.md/" + lang + "/" + id, Published: published}
	}
	url := func(id, lang string) string { return "https://news.example.md/" + lang + "/" + id }
	tests := []struct {
		name      string
		a         content.Article
		alts      []string
		wantGroup string
		wantMoves []string
	}{
		{name: "joins the older story it can, leaves the clashing one",
			a:    stored("e1", "en", "", at.Add(time.Hour)),
			alts: []string{url("r2", "ro"), url("r1", "ro")}, wantGroup: "g1"},
		{name: "an edition whose story has its language starts its own",
			a:    stored("r3", "ro", "", at.Add(time.Hour)),
			alts: []string{url("u1", "ru")}, wantGroup: editionGroup("r3")},
		{name: "an ungrouped stored edition joins under the older one's name",
			a:    stored("e2", "en", "", at.Add(time.Hour)),
			alts: []string{url("x1", "ru")}, wantGroup: editionGroup("x1"), wantMoves: []string{"x1"}},
		{name: "an updated edition moves its younger story into the older one",
			a:    stored("u2", "ru", "g2", at.Add(time.Minute)),
			alts: []string{url("e3", "en")}, wantGroup: "g3", wantMoves: []string{"r2"}},
		{name: "alternates in its own language and unknown URLs are ignored",
			a:    stored("r4", "ro", "", at),
			alts: []string{url("r1", "ro"), "https://news.example.md/ru/unknown"}, wantGroup: editionGroup("r4")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMapStore()
			for _, a := range []content.Article{
				stored("r1", "ro", "g1", at), stored("u1", "ru", "g1", at.Add(time.Second)),
				stored("r2", "ro", "g2", at.Add(time.Minute)), stored("u2", "ru", "g2", at.Add(time.Minute)),
				stored("e3", "en", "g3", at.Add(-time.Hour)),
				stored("x1", "ru", "", at.Add(-time.Minute)),
			} {
				if _, err := store.SaveArticle(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			got, moving, err := joinAlternates(ctx, store, tt.a, tt.alts)
			if err != nil {
				t.Fatal(err)
			}
			var moved []string
			for _, m := range moving {
				moved = append(moved, m.ID)
			}
			slices.Sort(moved)
			if got.Group != tt.wantGroup || !slices.Equal(moved, tt.wantMoves) {
				t.Errorf("group %q, moving %v; want %q, %v", got.Group, moved, tt.wantGroup, tt.wantMoves)
			}
		})
	}
}
