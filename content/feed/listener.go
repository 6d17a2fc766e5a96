package feed

import (
	"context"

	"github.com/newsbot/newsbot/content"
)

// Listener is told about the articles the poller stores for the first
// time, with their translation group already decided; updates of stored
// articles (among them editions moved into another group) are not
// announced, nor is a feed's backlog at its first poll nor an item older
// than Config.MaxAlertAge (see the package documentation). The section
// alerts (push.Alerts) implement it.
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
