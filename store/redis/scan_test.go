package redis_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/store/redis"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

func TestScanArticles(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	s := openPrefix(t, redis.Config{URL: url, Prefix: prefix, LatestDepth: 10})
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	const n = 1203 // more than one SCAN batch, far more than the lists keep
	for i := range n {
		a := content.Article{ID: fmt.Sprintf("s%d", i), Lang: "ro", Section: "sport", Title: "T", Published: base.Add(time.Duration(i) * time.Minute)}
		if _, err := s.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	// A second version must come back as the newest, once.
	if _, err := s.SaveArticle(ctx, content.Article{ID: "s0", Lang: "ro", Section: "sport", Title: "T2", Published: base}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	err := s.ScanArticles(ctx, func(a content.Article) error {
		seen[a.ID]++
		if a.ID == "s0" && (a.Title != "T2" || a.Version != 2) {
			t.Errorf("s0 = %q v%d, want the newest version", a.Title, a.Version)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Errorf("scanned %d articles, want %d", len(seen), n)
	}
	stop := errors.New("stop")
	calls := 0
	if err := s.ScanArticles(ctx, func(content.Article) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("fn's error: got %v after %d calls", err, calls)
	}
}
