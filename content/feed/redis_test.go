package feed

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/newsbot/newsbot/store/redis"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

// TestRestartOnRedis runs the poller on store/redis across a restart: the
// feed log in Redis keeps the second process from taking a feed it never
// polled itself for a first poll, and an edition that arrives after the
// restart finds the first one by URL in Redis and joins its story.
func TestRestartOnRedis(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	open := func() *redis.Store {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s, err := redis.Open(ctx, redis.Config{URL: url, Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	ctx := context.Background()
	room := newNewsroom(t)
	backlog := tram("ro", storyAt.Add(-2*time.Hour))
	room.publish(backlog)
	var got announcements
	clock := clockAt(storyAt.Add(-time.Minute))

	first := NewPoller(room.config("ro", "ru"), open(), withClock(clock.now), WithListener(got.listener()))
	if st := pollOnce(t, first); st.New != 1 || st.Quiet != 1 {
		t.Fatalf("first poll: %+v, want the backlog stored quietly", st)
	}
	ro := airport("ro", storyAt)
	room.publish(ro)
	clock.advance(time.Minute)
	if st := pollOnce(t, first); st.New != 1 || st.Quiet != 0 {
		t.Fatalf("second poll: %+v, want 1 new, announced", st)
	}

	// Another process, after a restart, on the same Redis.
	store := open()
	ru := airport("ru", storyAt.Add(2*time.Second))
	room.publish(ru)
	room.link(ru.Path, paths(ro, ru)...)
	clock.advance(time.Minute)
	second := NewPoller(room.config("ro", "ru"), store, withClock(clock.now), WithListener(got.listener()))
	if st := pollOnce(t, second); st.New != 1 || st.Quiet != 0 || st.Unchanged != 2 {
		t.Fatalf("poll after the restart: %+v, want 1 new, announced, and 2 unchanged", st)
	}
	if titles := got.list(); !slices.Equal(titles, []string{ro.Title, ru.Title}) {
		t.Errorf("announced %q, want %q", titles, []string{ro.Title, ru.Title})
	}
	a, err := store.ArticleByURL(ctx, room.URL+ru.Path)
	if err != nil {
		t.Fatal(err)
	}
	eds, err := store.Editions(ctx, a.Group)
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, e := range eds {
		langs = append(langs, e.Lang)
	}
	slices.Sort(langs)
	if !slices.Equal(langs, []string{"ro", "ru"}) || a.Group != got.groups[ro.Title] {
		t.Errorf("ru edition in %q with editions %v; want the ro edition's group %q with ro and ru", a.Group, langs, got.groups[ro.Title])
	}
}
