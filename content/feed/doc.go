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
//   - with page fetching on, the article page's
//     <link rel="alternate" hreflang="…" href="…"> set: the editions of one
//     story list the same set of URLs, so the smallest of them (with the
//     page's own URL) is the story key.
//
// The story key is hashed into a group name ("g" and 10 base32 characters).
// An article that already has a group keeps it, so that groups set by hand
// with Link survive later polls.
//
// # Events
//
// Each article stored for the first time (not an update) is passed to every
// registered Listener, after it has been saved.
package feed
