package feed

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// IngestOnce fetches every feed of cfg once, stores the articles, and
// prints to w one line per article stored ("new 7k2m9xqa ro politics
// Title", "updated … (v2)"), one per failed feed, and a summary line that
// also says how many new articles were announced to the listeners (none
// of a feed's first poll; see the package documentation). It is `bot
// ingest`. It returns an error when a feed failed (after storing
// what the others gave) or ctx ended; opts are as for NewPoller.
func IngestOnce(ctx context.Context, cfg Config, store core.ArticleStore, w io.Writer, opts ...Option) error {
	if len(cfg.Sources) == 0 {
		return fmt.Errorf("feed: no feeds configured")
	}
	p := NewPoller(cfg, store, opts...)
	var mu sync.Mutex
	var werr error
	printf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if _, err := fmt.Fprintf(w, format, args...); err != nil && werr == nil {
			werr = err
		}
	}
	p.onStored = func(kind string, a content.Article) {
		if kind == kindUpdated {
			printf("%s %s %s %s %s (v%d)\n", kind, a.ID, a.Lang, a.Section, a.Title, a.Version)
			return
		}
		printf("%s %s %s %s %s\n", kind, a.ID, a.Lang, a.Section, a.Title)
	}
	st, err := p.PollOnce(ctx)
	for _, fe := range st.Errors {
		printf("failed %s %s: %v\n", fe.Lang, fe.URL, fe.Err)
	}
	printf("%s: %d not modified, %d failed; articles: %d new (%d announced), %d updated, %d unchanged\n",
		feeds(st.Feeds), st.NotModified, st.Failed, st.New, st.New-st.Quiet, st.Updated, st.Unchanged)
	switch {
	case err != nil:
		return err
	case st.Failed > 0:
		return fmt.Errorf("feed: %d of %s failed: %w", st.Failed, feeds(st.Feeds), st.Errors[0])
	}
	return werr
}

// feeds is "1 feed" or "n feeds", for the operator's (English) summary.
func feeds(n int) string {
	if n == 1 {
		return "1 feed"
	}
	return fmt.Sprintf("%d feeds", n)
}
