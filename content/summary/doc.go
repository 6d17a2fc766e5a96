// Package summary is newsbot's extractive summarizer for Romanian, Russian
// and English articles.
//
// Split cuts text into sentences with each language's abbreviations,
// initials, decimal numbers, quotes, ellipses and dashes in mind. A
// Summarizer scores every sentence by its position (news puts the facts
// first), its centrality (TextRank over stemmed, stopword-free terms) and
// its overlap with the title, then keeps the best sentences that fit a
// character budget suited to a chat alert, whole and in their original
// order, dropping near-duplicates. It implements core.Summarizer; core
// caches its results per article, language and version.
//
// Evaluate measures the summarizer against editor-written reference
// summaries with ROUGE-1, ROUGE-2 and ROUGE-L, next to the Lead-3 baseline.
package summary
