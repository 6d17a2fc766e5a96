// Package feed brings articles in from the newsroom's RSS 2.0, Atom and
// JSON Feed feeds, one or more per language edition.
//
// A Poller fetches every configured Source on its interval with conditional
// GET (ETag, Last-Modified), a timeout and a size cap per response, honours
// 429/503 Retry-After and backs off exponentially, with jitter, from a feed
// that fails. A broken, slow or hostile feed never stops the others, and
// nothing already stored is ever deleted: items only become new articles or
// new versions of existing ones through core.ArticleStore.SaveArticle.
//
// # Identity and versions
//
// An item is known by its GUID, else by its URL (fragment and utm_*
// parameters dropped), else by its title and date. Its article ID is the
// first 8 characters of a lowercase base32 (Crockford alphabet: no i, l, o,
// u) SHA-256 of the edition's language and that key, so the same item always
// maps to the same short, typeable ID (see content.ValidID). An item whose
// content changed is saved under the same ID: the store makes it the next
// version and the poller moves its Updated time.
//
// # Translation groups
//
// The editions of one story share content.Article.Group. The poller takes
// the group, in this order, from:
//
//   - the Source's GroupPattern (config file): a regular expression matched
//     against the item's GUID, then its URL; its first submatch (or the
//     whole match) is the story key, e.g. `/story/(\d+)` for outlets whose
//     editions share a numeric story ID;
//   - the outlet's own story identifier in the feed: in RSS and Atom the
//     element <newsbot:group> in the namespace
//     xmlns:newsbot="https://github.com/newsbot/newsbot/ns/feed" (the
//     prefix must be "newsbot"), in JSON Feed the item extension
//     "_newsbot": {"group": "…"};
//   - else the article page's <link rel="alternate" hreflang="…" href="…">
//     set, which multilingual sites publish for search engines.
//
// Article pages are fetched (Config.FetchPages, on unless turned off) for
// new items that the feed gives no story key or only an excerpt, and again,
// with a conditional GET, when such an item changes; never for an item
// that did not change. Page fetches share the feed's timeout and size cap,
// and at most a few run at once across all feeds.
//
// A page's alternates are looked up in the store by URL
// (core.ArticleStore.ArticleByURL). An edition that lists a stored edition
// of another language joins its group; when the alternates name several
// groups (editions that arrived unlinked), they merge: the oldest group,
// the one whose first edition was published first, wins, and every edition
// of the others moves into it (as Link moves them, saved as new versions).
// An edition whose page names no stored edition yet (it came first, its
// page lists no alternates, or the page cannot be had) gets a group of its
// own, which the later editions join, so the first edition's group, and
// the key of the story's alert, does not change when the translations
// arrive. A page that gains alternates later links its article
// when the item next changes. Groups never hold two editions of one
// language: a story that would is left apart. A poller makes one link at a
// time; processes that poll different feeds of one store may link at the
// same moment, and in the rare case that two editions of one story arrive
// together in two processes, each naming only the other, they can end in
// two groups until either item changes.
//
// The story key of the first two ways is hashed into a group name ("g" and
// 10 base32 characters). An article that already has a group keeps it, so
// that groups set by hand with Link survive later polls, unless its page
// links it to an older story, which its whole group then joins.
//
// # Events
//
// Each article stored for the first time (not an update) is passed to every
// registered Listener, after it has been saved, except:
//
//   - the items a feed holds at its first poll, its backlog, which are
//     stored quietly; whether a feed was polled before is kept by a
//     core.FeedLog (the store's, see WithFeedLog), so it survives restarts
//     and is shared by processes that share a store;
//   - items published more than Config.MaxAlertAge ago (24 hours by
//     default), however late they are first seen.
package feed
