package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// feed returns a Rebuild that gives as and counts its calls.
func feed(as []content.Article, calls *int) Rebuild {
	return func(ctx context.Context, add func(content.Article) error) error {
		*calls++
		for _, a := range as {
			if err := add(a); err != nil {
				return err
			}
		}
		return nil
	}
}

// mustFind fails unless x finds exactly want for text.
func mustFind(t *testing.T, x *Index, text string, want ...string) {
	t.Helper()
	r, err := x.Search(context.Background(), core.SearchQuery{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(r); !sameSet(got, want) {
		t.Errorf("%q: hits = %v, want %v", text, got, want)
	}
}

func TestPersistRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	calls := 0
	x, err := Open(ctx, dir, feed(nil, &calls))
	if err != nil {
		t.Fatal(err)
	}
	if !x.Fresh() || calls != 1 {
		t.Errorf("new index: Fresh = %v, rebuild calls = %d; want true, 1", x.Fresh(), calls)
	}
	if err := x.Index(ctx, testArticles(t)...); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	x, err = Open(ctx, dir, feed(nil, &calls))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if x.Fresh() || calls != 1 {
		t.Errorf("reopened index: Fresh = %v, rebuild calls = %d; want false, 1", x.Fresh(), calls)
	}
	mustFind(t, x, "stiri", "ro-sport", "ro-alegeri", "ro-energie")
	mustFind(t, x, "ёлка", "ru-elka")
}

// TestPersistDurable checks that what Open and Index return from is on
// disk: a copy of the index directory taken while the index is still open,
// as a crash would leave it, opens complete and holds the articles.
func TestPersistDurable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	calls := 0
	x, err := Open(ctx, dir, feed(testArticles(t)[:2], &calls))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.Index(ctx, testArticles(t)[2:]...); err != nil {
		t.Fatal(err)
	}
	crashed := t.TempDir()
	if err := os.CopyFS(filepath.Join(crashed, IndexDir), os.DirFS(filepath.Join(dir, IndexDir))); err != nil {
		t.Fatal(err)
	}
	y, err := Open(ctx, crashed, feed(nil, &calls))
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if y.Fresh() || calls != 1 {
		t.Errorf("copy of the open index: Fresh = %v, rebuild calls = %d; want false, 1", y.Fresh(), calls)
	}
	mustFind(t, y, "stiri", "ro-sport", "ro-alegeri", "ro-energie")
	mustFind(t, y, "ёлка", "ru-elka")
}

func TestPersistRebuild(t *testing.T) {
	ctx := context.Background()
	articles := testArticles(t)
	// Each case damages a complete index in dir.
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"missing", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, IndexDir)); err != nil {
				t.Fatal(err)
			}
		}},
		{"empty directory", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, IndexDir)); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(dir, IndexDir), 0o750); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage metadata", func(t *testing.T, dir string) {
			overwrite(t, filepath.Join(dir, IndexDir, "index_meta.json"), "{not json")
		}},
		{"garbage root", func(t *testing.T, dir string) {
			overwrite(t, filepath.Join(dir, IndexDir, "store", "root.bolt"), "garbage")
		}},
		{"truncated segments", func(t *testing.T, dir string) {
			segs, _ := filepath.Glob(filepath.Join(dir, IndexDir, "store", "*.zap"))
			if len(segs) == 0 {
				t.Fatal("no segment files")
			}
			for _, s := range segs {
				if err := os.Truncate(s, 10); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"older schema", func(t *testing.T, dir string) {
			x, err := Open(ctx, dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.setInternal(context.Background(), keySchema, "newsbot-search-0"); err != nil {
				t.Fatal(err)
			}
			if err := x.Close(); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			calls := 0
			x, err := Open(ctx, dir, feed(articles, &calls))
			if err != nil {
				t.Fatal(err)
			}
			if err := x.Close(); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, dir)

			x, err = Open(ctx, dir, feed(articles, &calls))
			if err != nil {
				t.Fatalf("Open after damage: %v", err)
			}
			defer x.Close()
			if !x.Fresh() || calls != 2 {
				t.Errorf("Fresh = %v, rebuild calls = %d; want true, 2", x.Fresh(), calls)
			}
			mustFind(t, x, "stiri", "ro-sport", "ro-alegeri", "ro-energie")
		})
	}
}

func overwrite(t *testing.T, path, data string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPersistRebuildFails checks that an index whose rebuild failed is
// rebuilt at the next Open.
func TestPersistRebuildFails(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	articles := testArticles(t)
	boom := errors.New("store unavailable")
	_, err := Open(ctx, dir, func(ctx context.Context, add func(content.Article) error) error {
		if err := add(articles[0]); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Open = %v, want %v", err, boom)
	}
	calls := 0
	x, err := Open(ctx, dir, feed(articles, &calls))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if !x.Fresh() || calls != 1 {
		t.Errorf("Fresh = %v, rebuild calls = %d; want true, 1", x.Fresh(), calls)
	}
	mustFind(t, x, "ёлка", "ru-elka")
}

// TestPersistLocked checks that an index in use is neither opened twice nor
// rebuilt from under its user.
func TestPersistLocked(t *testing.T) {
	defer func(d string) { openTimeout = d }(openTimeout)
	openTimeout = "50ms"
	ctx := context.Background()
	dir := t.TempDir()
	calls := 0
	x, err := Open(ctx, dir, feed(testArticles(t), &calls))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if y, err := Open(ctx, dir, feed(nil, &calls)); err == nil {
		_ = y.Close()
		t.Fatal("opened an index in use")
	}
	if calls != 1 {
		t.Errorf("rebuild calls = %d, want 1", calls)
	}
	mustFind(t, x, "ёлка", "ru-elka")
	entries, err := os.ReadDir(filepath.Join(dir, IndexDir))
	if err != nil || !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() == "index_meta.json" }) {
		t.Errorf("index files gone: %v %v", entries, err)
	}
}

// TestPersistFailure checks that a write the disk refuses fails, rather
// than waiting for ever: bleve keeps retrying and never calls back.
func TestPersistFailure(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	x, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := os.RemoveAll(x.path); err != nil {
		t.Fatal(err)
	}
	err = x.Index(ctx, testArticles(t)[0])
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Index on a removed index directory: %v, want a persist error", err)
	}
	t.Log(err)
}

// TestSearchWhileClosing checks that searches running while the index is
// closed end with results or an error, not a panic.
func TestSearchWhileClosing(t *testing.T) {
	x := testIndex(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if _, err := x.Search(context.Background(), core.SearchQuery{Text: "știri"}); err != nil {
					return
				}
			}
		})
	}
	time.Sleep(5 * time.Millisecond)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if _, err := x.Search(context.Background(), core.SearchQuery{Text: "știri"}); err == nil {
		t.Error("Search on a closed index succeeded")
	}
}
