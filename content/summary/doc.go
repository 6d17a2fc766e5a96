// Package summary is newsbot's extractive summarizer for Romanian, Russian
// and English articles.
//
// Split cuts text into sentences with each language's abbreviations,
// initials, decimal numbers, quotes, ellipses and dashes in mind. A
// Summarizer first drops the dateline that opens wire copy and cuts source
// clauses off a sentence's start or end ("…, a anunțat luni ministerul.",
// "По данным прокуратуры, …"), keeping those of quotations. It then scores
// every sentence by its position (news puts the facts first), its
// centrality (TextRank over stemmed, stopword-free terms), the numbers it
// gives and whether it is direct speech, and keeps the best sentences that
// fit a character budget suited to a chat alert, in their original order,
// dropping near-duplicates. It implements core.Summarizer; core caches its results
// per article, language and version.
//
// Evaluate measures the summarizer against editor-written reference
// summaries with ROUGE-1, ROUGE-2 and ROUGE-L, next to the Lead-3 baseline.
// The evaluation set in testdata/eval has a tuning half, which the weights
// were chosen on, and a held-out half kept apart from that work;
// EvaluateHalves reports both.
package summary
