// Package search is newsbot's full-text search over articles, with bleve
// (github.com/blevesearch/bleve/v2). An Index implements core.Indexer: the
// engine tells it about stored articles and asks it for /search.
//
// # Use
//
// NewMemory gives an empty index that lasts until Close, the embedded
// default: index the bundled content into it after start. (It keeps its
// segments in a temporary directory, because bleve merges segments only
// there; see NewMemory.) Open keeps the index in a data
// directory and takes a Rebuild callback that feeds it every stored article
// when the index there is missing, corrupt, of an older schema or was never
// finished; the index is marked finished only after the callback succeeds,
// so a crash during a rebuild means another rebuild on the next start, not a
// silently partial index. Index adds articles (in batches of BatchSize) and
// replaces those already indexed under the same ID; a bulk load fills a
// batch per language and writes up to one batch per processor at once, and
// of an article given twice the later version stays. Index returns once
// its articles are searchable, and for an index Open keeps, on disk. An
// Index is safe for concurrent use.
//
// Analyzers remember what they made of recent words (see memoAnalyzer), and
// a query leaves out the terms no article has (see words.query), so that
// indexing and searching keep the speeds that BenchmarkIndex and
// BenchmarkSearch print next to their targets.
//
// # Languages
//
// Each language has its own fields (title_ro, lead_ro, body_ro, title_ru,
// …), analyzed by that language's analyzer, rather than one set of fields
// analyzed per document. A query is analyzed once per language, by the same
// analyzer as the fields it is matched against, and a query in every
// language is the union of those. This ranks correctly where shared fields
// would not: bleve picks one analyzer for a field at query time, so a shared
// "title" would stem a Russian query with the Romanian stemmer; and BM25's
// statistics (average field length, document frequency) would mix
// languages, so that how rare a Romanian word is would depend on how many
// English articles there are. Articles in other languages share a fallback
// set of fields (title_xx, …) that match lower-cased whole words without
// diacritics, filtered by the article's language.
//
// Romanian: bleve's Romanian stop list and Snowball stemmer (bleve v2.6.3,
// snowballstem v0.9.0) are written with the cedilla letters ş and ţ, not the
// correct comma-below ș and ț that most current text uses. Analysis
// therefore rewrites ș/ț to ş/ţ (not the other way round), so both spellings
// stem alike and stop words like "și" are dropped. Stored text is kept as
// written; snippets show it so. Readers often leave diacritics out, and the
// stemmer stems the two spellings differently ("știri" becomes "ştir",
// "stiri" becomes "stir"), so each Romanian word is indexed, in one set of
// fields, by the stem of its diacritic-free spelling, which is what a query
// typed without diacritics searches, and a word with diacritics also by its
// exact stem (marked, so it never equals a diacritic-free term). A query
// typed with diacritics matches either, the exact stem weighing twice as
// much, so "țara" ranks articles spelling "țara" above those spelling
// "tara". (Stemming first and folding after would not do: about one word
// with diacritics in twenty stems differently without them, "Chișinău"
// among them.) English is folded too ("Chisinau" finds "Chișinău"). Russian
// reads ё as е, as the stemmer and stop list expect; й stays й.
//
// Case forms: Snowball stems the basic form of many names apart from their
// other cases ("Кишинёв" to "кишин" but "Кишинёва" to "кишинев";
// "Унгены", "Cahul", "Moldova" and "Chișinău" likewise). A Russian or
// Romanian query word therefore also searches the terms of its likely case
// forms, made by a few rules of the language's noun endings (see forms);
// those that no article has are dropped before the search. Articles are
// indexed as before.
//
// # Queries
//
// The user's text is read as words, never as bleve query syntax, so no text
// makes Search fail: quotes, colons, "+", "-" and "*" are punctuation. Every
// word must match (in title, lead or body); when no article has them all,
// articles with any of them are returned, those with more first. Stop words
// are left out, and a text of stop words only matches nothing. Queries are
// cut at 1 KiB and 16 words.
//
// Ranking is BM25 with fields weighted lead 2, body 1 and the title so much
// more that an article with the query's words in its title, in any of their
// forms, ranks above one that has them only in its lead and body, whatever
// their counts (see textFields). Among equal scores the newer article comes
// first, on every page (see Index.page). Filters on language and section do
// not change scores. Pages are bounded by MaxLimit and MaxOffset.
//
// # Snippets
//
// A hit's snippet is at most SnippetRunes characters of whole words from the
// lead or the body paragraph with the most distinct query words (the title,
// which readers see anyway, only when nothing else matches), cut with "…".
// Matched words are found by analyzing the stored text again with the same
// analyzers, so inflected and diacritic-free forms are marked as written,
// between core.MarkStart and core.MarkEnd.
package search
