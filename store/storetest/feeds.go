package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
)

func testFeedLog(t *testing.T, newStore func(t *testing.T) core.Store) {
	runAll(t, newStore, []subtest{
		{"FirstMarkStays", feedLogFirstMarkStays},
		{"ConcurrentMarks", feedLogConcurrentMarks},
	})
}

func feedLogFirstMarkStays(t *testing.T, s core.Store) {
	ctx := context.Background()
	const ro, ru = "https://news.example/ro/rss.xml", "https://news.example/ru/rss.xml"
	got, err := s.FeedPolled(ctx, ro)
	must(t, err)
	if !got.IsZero() {
		t.Fatalf("FeedPolled of a new feed = %v, want the zero time", got)
	}
	first := base.Add(1234567 * time.Microsecond)
	want := first.Truncate(time.Millisecond)
	got, err = s.MarkFeedPolled(ctx, ro, first)
	must(t, err)
	if !got.Equal(want) {
		t.Fatalf("MarkFeedPolled = %v, want %v", got, want)
	}
	got, err = s.MarkFeedPolled(ctx, ro, first.Add(time.Hour))
	must(t, err)
	if !got.Equal(want) {
		t.Fatalf("a second MarkFeedPolled = %v, want the first mark %v", got, want)
	}
	got, err = s.FeedPolled(ctx, ro)
	must(t, err)
	if !got.Equal(want) {
		t.Fatalf("FeedPolled = %v, want %v", got, want)
	}
	got, err = s.FeedPolled(ctx, ru)
	must(t, err)
	if !got.IsZero() {
		t.Fatalf("FeedPolled of another feed = %v, want the zero time", got)
	}
}

func feedLogConcurrentMarks(t *testing.T, s core.Store) {
	ctx := context.Background()
	const feed = "https://news.example/en/feed.json"
	results := make([]time.Time, 8)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.MarkFeedPolled(ctx, feed, base.Add(time.Duration(i)*time.Second))
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	got, err := s.FeedPolled(ctx, feed)
	must(t, err)
	if got.IsZero() {
		t.Fatal("FeedPolled after concurrent marks is the zero time")
	}
	for i, r := range results {
		if !r.Equal(got) {
			t.Fatalf("mark %d returned %v, but the recorded time is %v", i, r, got)
		}
	}
}
