package feed

import (
	"context"

	"github.com/newsbot/newsbot/content"
)

// Listener is told about every article the poller stores for the first
// time; updates of stored articles are not announced. The delivery alerts
// implement it.
//
// ArticleAdded is called after the article is saved, from the goroutine
// polling its feed, one article at a time per feed; it should hand the
// article off (to a queue) rather than deliver it inline, because the feed
// waits for it. It may be called concurrently for articles of different
// feeds.
type Listener interface {
	ArticleAdded(ctx context.Context, a content.Article)
}

// ListenerFunc adapts a function to a Listener.
type ListenerFunc func(ctx context.Context, a content.Article)

// ArticleAdded calls f(ctx, a).
func (f ListenerFunc) ArticleAdded(ctx context.Context, a content.Article) { f(ctx, a) }
