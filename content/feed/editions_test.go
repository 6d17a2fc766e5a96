package feed

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
)

// newsroomPoller returns a poller of the newsroom's feeds in langs on a
// fake clock at start, with got listening, after a first poll of the
// (still empty) feeds.
func newsroomPoller(t *testing.T, room *newsroom, store *mapStore, start time.Time, got *announcements, langs ...string) (*Poller, *fakeClock) {
	t.Helper()
	clock := clockAt(start)
	p := NewPoller(room.config(langs...), store, withClock(clock.now), WithListener(got.listener()))
	if st := pollOnce(t, p); st.Failed != 0 || st.New != 0 {
		t.Fatalf("first poll of empty feeds: %+v", st)
	}
	return p, clock
}

// next moves the clock past the poll interval and polls.
func next(t *testing.T, p *Poller, clock *fakeClock) Stats {
	t.Helper()
	clock.advance(time.Minute)
	st := pollOnce(t, p)
	if st.Failed != 0 {
		t.Fatalf("poll failed: %+v", st.Errors)
	}
	return st
}

// stored returns the stored edition of e, failing if none.
func stored(t *testing.T, s *mapStore, e *edition) content.Article {
	t.Helper()
	return byTitle(t, s, e.Title)
}

// otherEditions returns the languages of the other editions of a's story,
// sorted, as /read lists them.
func otherEditions(t *testing.T, s *mapStore, a content.Article) []string {
	t.Helper()
	if a.Group == "" {
		return nil
	}
	eds, err := s.Editions(context.Background(), a.Group)
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, e := range eds {
		if e.ID != a.ID {
			langs = append(langs, e.Lang)
		}
	}
	slices.Sort(langs)
	return langs
}

func TestEditionsJoinAsTheyArrive(t *testing.T) {
	room := newNewsroom(t)
	store := newMapStore()
	var got announcements
	p, clock := newsroomPoller(t, room, store, storyAt.Add(-time.Minute), &got, "ro", "ru", "en")

	// The Romanian edition comes first: its page lists no alternates, as
	// the translations do not exist yet. A story of the feed's own key
	// comes with it, and one that is never translated.
	ro := airport("ro", storyAt)
	keyed := tram("ro", storyAt)
	keyed.Group = "story-3002"
	alone := airport("ro", storyAt)
	alone.Path, alone.GUID, alone.Title = "/ro/story/3003", "newsroom-ro-3003", "Un subiect fără traduceri"
	for _, e := range []*edition{ro, keyed, alone} {
		room.publish(e)
	}
	if st := next(t, p, clock); st.New != 3 || st.Quiet != 0 {
		t.Fatalf("stats = %+v, want 3 new, announced", st)
	}
	first := stored(t, store, ro)
	if first.Group == "" || !hasParagraphs(first, ro.Body) {
		t.Fatalf("first edition: group %q, body %q; want a group of its own and the page's text", first.Group, first.Body)
	}
	// Its page is read for the text the feed leaves out; the feed's key
	// decides its story.
	if a := stored(t, store, keyed); a.Group != groupName("story-3002") || !hasParagraphs(a, keyed.Body) {
		t.Errorf("keyed story: group %q, body %q; want the feed's group and the page's text", a.Group, a.Body)
	}

	// Russian, a few seconds later: its page lists both editions, and the
	// site adds the Russian one to the Romanian page too.
	ru := airport("ru", storyAt.Add(2*time.Second))
	room.publish(ru)
	room.link(ru.Path, paths(ro, ru)...)
	room.link(ro.Path, paths(ro, ru)...)
	if st := next(t, p, clock); st.New != 1 || st.NotModified != 2 {
		t.Fatalf("stats = %+v, want 1 new and two feeds not modified", st)
	}
	// English, later.
	en := airport("en", storyAt.Add(10*time.Second))
	room.publish(en)
	room.link(en.Path, paths(ro, ru, en)...)
	next(t, p, clock)

	for _, e := range []*edition{ro, ru, en} {
		a := stored(t, store, e)
		if a.Group != first.Group {
			t.Errorf("%s edition group = %q, want the first edition's %q", e.Lang, a.Group, first.Group)
		}
		want := slices.DeleteFunc([]string{"en", "ro", "ru"}, func(l string) bool { return l == e.Lang })
		if others := otherEditions(t, store, a); !slices.Equal(others, want) {
			t.Errorf("%s edition lists the editions %v, want %v", e.Lang, others, want)
		}
	}
	if a := stored(t, store, ro); a.Version != 1 {
		t.Errorf("the first edition was saved again (version %d): its group must not change", a.Version)
	}
	if n := room.count(room.hits, ro.Path); n != 1 {
		t.Errorf("the first edition's page was fetched %d times, want once: its item did not change", n)
	}
	if a := stored(t, store, alone); a.Group == "" || a.Group == first.Group || otherEditions(t, store, a) != nil {
		t.Errorf("untranslated story: group %q, editions %v; want a group of its own", a.Group, otherEditions(t, store, a))
	}
	wantTitles := []string{ro.Title, keyed.Title, alone.Title, ru.Title, en.Title}
	if got := got.list(); !slices.Equal(sorted(got), sorted(wantTitles)) {
		t.Errorf("announced %q\nwant      %q", got, wantTitles)
	}
	for _, e := range []*edition{ro, ru, en} {
		if g := got.groups[e.Title]; g != first.Group {
			t.Errorf("%s edition announced with group %q, want %q", e.Lang, g, first.Group)
		}
	}
}

// hasParagraphs reports whether a's body holds every paragraph of want, in
// order (readability may keep a byline or the lead around them).
func hasParagraphs(a content.Article, want []string) bool {
	i := 0
	for _, p := range a.Body {
		if i < len(want) && p == want[i] {
			i++
		}
	}
	return i == len(want)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestPageGainsAlternatesLater(t *testing.T) {
	room := newNewsroom(t)
	store := newMapStore()
	var got announcements
	p, clock := newsroomPoller(t, room, store, storyAt.Add(-time.Minute), &got, "ro", "ru")

	ro := airport("ro", storyAt)
	room.publish(ro)
	next(t, p, clock)
	// The Russian edition appears before the site links the editions.
	ru := airport("ru", storyAt.Add(time.Minute))
	room.publish(ru)
	next(t, p, clock)
	gro, gru := stored(t, store, ro).Group, stored(t, store, ru).Group
	if gro == "" || gru == "" || gro == gru {
		t.Fatalf("groups ro %q ru %q: want two groups before the pages link", gro, gru)
	}

	// The site links the pages; the items do not change, so the poller
	// does not look at the pages again.
	room.link(ro.Path, paths(ro, ru)...)
	room.link(ru.Path, paths(ro, ru)...)
	if st := next(t, p, clock); st.NotModified != 2 {
		t.Fatalf("stats = %+v, want both feeds not modified", st)
	}
	if room.count(room.hits, ru.Path) != 1 {
		t.Fatal("a page was fetched again for an unchanged item")
	}

	// The Russian item changes: its page is read again, conditionally, and
	// the edition joins the older story.
	announcedRu := ru.Title
	room.edit(ru.Path, "Аэропорт Кишинёва открыл новый терминал",
		"Терминал, построенный за два года, принял первых пассажиров.")
	if st := next(t, p, clock); st.Updated != 1 || st.New != 0 {
		t.Fatalf("stats = %+v, want 1 updated", st)
	}
	if a := stored(t, store, ru); !hasParagraphs(a, ru.Body) || slices.Contains(a.Body, "Администрация аэропорта обещает, что ожидание на досмотре сократится до десяти минут.") {
		t.Errorf("body after the page changed = %q, want the page's new text only", a.Body)
	}
	if room.count(room.conditional, ru.Path) != 1 {
		t.Errorf("the changed item's page was asked for %d times with validators, want once", room.count(room.conditional, ru.Path))
	}
	a := stored(t, store, ru)
	if a.Group != gro || a.Version != 2 {
		t.Errorf("after its page gained alternates, ru is in %q (v%d), want %q (v2)", a.Group, a.Version, gro)
	}
	if !slices.Equal(otherEditions(t, store, stored(t, store, ro)), []string{"ru"}) {
		t.Errorf("ro lists %v, want [ru]", otherEditions(t, store, stored(t, store, ro)))
	}

	// A change in the feed that leaves the page as it was: the page
	// answers 304 and the story and the page's text stay.
	room.mu.Lock()
	ru.Category = "Транспорт"
	room.mu.Unlock()
	if st := next(t, p, clock); st.Updated != 1 {
		t.Fatalf("stats = %+v, want 1 updated", st)
	}
	if room.count(room.notModified, ru.Path) != 1 {
		t.Errorf("page answered 304 %d times, want once", room.count(room.notModified, ru.Path))
	}
	if a := stored(t, store, ru); a.Group != gro || !hasParagraphs(a, ru.Body) {
		t.Errorf("after a 304 page: group %q, body %q; want %q and the page's text", a.Group, a.Body, gro)
	}
	if got := got.list(); !slices.Equal(got, []string{ro.Title, announcedRu}) {
		t.Errorf("announced %q, want each edition once", got)
	}
}

func TestFirstPageUnavailable(t *testing.T) {
	room := newNewsroom(t)
	store := newMapStore()
	var got announcements
	p, clock := newsroomPoller(t, room, store, storyAt.Add(-time.Minute), &got, "ro", "ru")

	// The first edition's page cannot be had: the article is stored as the
	// feed gives it, under the group it would have had, so that the story
	// keeps one name when the translations join it.
	ro := airport("ro", storyAt)
	room.publish(ro)
	room.mu.Lock()
	room.down[ro.Path] = true
	room.mu.Unlock()
	next(t, p, clock)
	first := stored(t, store, ro)
	if first.Group == "" || len(first.Body) != 0 {
		t.Fatalf("first edition: group %q, body %q; want a group of its own and the feed's excerpt only", first.Group, first.Body)
	}
	ru := airport("ru", storyAt.Add(2*time.Second))
	room.publish(ru)
	room.link(ru.Path, paths(ro, ru)...)
	next(t, p, clock)
	if a := stored(t, store, ru); a.Group != first.Group {
		t.Errorf("ru edition group = %q, want the first edition's %q", a.Group, first.Group)
	}
	if got.groups[ro.Title] != first.Group || got.groups[ru.Title] != first.Group {
		t.Errorf("announced with groups %v, want both %q", got.groups, first.Group)
	}
}

func TestGroupsMerge(t *testing.T) {
	room := newNewsroom(t)
	store := newMapStore()
	var got announcements
	p, clock := newsroomPoller(t, room, store, storyAt.Add(-time.Minute), &got, "ro", "ru", "en")

	// The English edition is published first and the Romanian one later;
	// neither page lists the other, so each starts a story of its own.
	en := airport("en", storyAt)
	room.publish(en)
	next(t, p, clock)
	ro := airport("ro", storyAt.Add(5*time.Minute))
	room.publish(ro)
	next(t, p, clock)
	gen, gro := stored(t, store, en).Group, stored(t, store, ro).Group
	if gen == gro {
		t.Fatalf("one group %q before any page links the editions", gen)
	}

	// The Russian page lists all three: the two stories are one, and the
	// older one, English, keeps its group.
	ru := airport("ru", storyAt.Add(10*time.Minute))
	room.publish(ru)
	room.link(ru.Path, paths(ro, ru, en)...)
	next(t, p, clock)
	for _, e := range []*edition{en, ro, ru} {
		if a := stored(t, store, e); a.Group != gen {
			t.Errorf("%s edition group = %q, want the older story's %q", e.Lang, a.Group, gen)
		}
	}
	if a := stored(t, store, ro); a.Version != 2 {
		t.Errorf("moved edition at version %d, want 2", a.Version)
	}
	if eds, _ := store.Editions(context.Background(), gro); len(eds) != 0 {
		t.Errorf("the younger group still has %d editions", len(eds))
	}
	if got := got.list(); !slices.Equal(got, []string{en.Title, ro.Title, ru.Title}) {
		t.Errorf("announced %q, want each edition once", got)
	}
}

func TestNoBacklogFlood(t *testing.T) {
	room := newNewsroom(t)
	store := newMapStore()
	now := storyAt.Add(3 * time.Hour)
	// The feed holds hours of stories when the bot first polls it.
	for i, lang := range []string{"ro", "ro", "ru"} {
		e := tram(lang, storyAt.Add(time.Duration(i)*time.Hour))
		e.Path, e.GUID = e.Path+"-"+string(rune('a'+i)), e.GUID+string(rune('a'+i))
		e.Title += " " + string(rune('A'+i))
		room.publish(e)
	}
	var got announcements
	clock := clockAt(now)
	p := NewPoller(room.config("ro"), store, withClock(clock.now), WithListener(got.listener()))
	if st := pollOnce(t, p); st.New != 2 || st.Quiet != 2 {
		t.Fatalf("first poll: %+v, want the backlog of 2 stored quietly", st)
	}

	fresh := airport("ro", now.Add(30*time.Second))
	room.publish(fresh)
	// An item three days old that the feed shows only now.
	late := tram("ro", now.Add(-72*time.Hour))
	late.Path, late.GUID, late.Title = "/ro/story/2990", "newsroom-ro-2990", "Arhivă: tramvaiul în 1990"
	room.publish(late)
	if st := next(t, p, clock); st.New != 2 || st.Quiet != 1 {
		t.Fatalf("second poll: %+v, want 2 new, the old one quiet", st)
	}
	if got := got.list(); !slices.Equal(got, []string{fresh.Title}) {
		t.Fatalf("announced %q, want only %q", got, fresh.Title)
	}

	// A restart: the store remembers that the feed was polled, so the
	// next item is news. A feed added to the configuration meanwhile has
	// its backlog stored quietly.
	ru := airport("ru", now.Add(2*time.Minute))
	room.publish(ru)
	newer := airport("ro", now.Add(2*time.Minute))
	newer.Path, newer.GUID, newer.Title = "/ro/story/3010", "newsroom-ro-3010", "Primele zboruri din noul terminal"
	room.publish(newer)
	clock.advance(5 * time.Minute)
	restarted := NewPoller(room.config("ro", "ru"), store, withClock(clock.now), WithListener(got.listener()))
	if st := pollOnce(t, restarted); st.New != 3 || st.Quiet != 2 {
		t.Fatalf("poll after the restart: %+v, want 3 new, the added feed's 2 quiet", st)
	}
	if got := got.list(); !slices.Equal(got, []string{fresh.Title, newer.Title}) {
		t.Errorf("announced %q, want %q then %q", got, fresh.Title, newer.Title)
	}

	// A feed moved to another edition in the configuration: its items are
	// new articles of that edition, and its backlog.
	cfg := room.config()
	cfg.Sources = []Source{{Lang: "en", URL: room.URL + "/ro/rss.xml"}}
	moved := NewPoller(cfg, store, withClock(clock.now), WithListener(got.listener()))
	if st := pollOnce(t, moved); st.New == 0 || st.Quiet != st.New {
		t.Errorf("poll of a feed moved to another edition: %+v, want every new item quiet", st)
	}
	if n := len(got.list()); n != 2 {
		t.Errorf("%d announcements after the feed moved, want still 2", n)
	}
}

func TestFeedLogOption(t *testing.T) {
	room := newNewsroom(t)
	room.publish(airport("ro", storyAt))
	store := newMapStore()
	log := newMapStore()
	clock := clockAt(storyAt.Add(time.Minute))
	p := NewPoller(room.config("ro"), store, withClock(clock.now), WithFeedLog(log))
	if st := pollOnce(t, p); st.Quiet != 1 {
		t.Fatalf("stats = %+v, want the backlog quiet", st)
	}
	ctx := context.Background()
	if at, err := log.FeedPolled(ctx, "ro "+room.URL+"/ro/rss.xml"); err != nil || !at.Equal(clock.now().Truncate(time.Millisecond)) {
		t.Errorf("feed log says %v (%v), want %v", at, err, clock.now())
	}
	if at, _ := store.FeedPolled(ctx, "ro "+room.URL+"/ro/rss.xml"); !at.IsZero() {
		t.Errorf("the store's own feed log was written (%v) though WithFeedLog chose another", at)
	}
}
