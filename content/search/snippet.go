package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/newsbot/newsbot/core"
)

// SnippetRunes is the longest snippet, in characters, without the marks and
// the ellipses that show a cut.
const SnippetRunes = 160

// snippetContext is how many characters a snippet shows before its first
// match, when it must start inside its paragraph.
const snippetContext = 30

const (
	markStart = core.MarkStart
	markEnd   = core.MarkEnd
	ellipsis  = "…"
)

// span is a matched word: a byte range of a text.
type span struct{ start, end int }

// snippet returns the best short excerpt of hit for ws, with the matched
// words marked. It reads the stored text again with the hit's language's
// analyzers, so that the marks fall on whole words, as written, wherever
// an inflected or diacritic-free form of a query word appears. The lead
// and body paragraphs come first; the title, which readers see anyway, is
// the excerpt only when nothing else matches.
func (x *Index) snippet(hit *search.DocumentMatch, ws []words) string {
	lang, _ := hit.Fields[fieldLang].(string)
	p := profileFor(lang)
	var w *words
	for i := range ws {
		if ws[i].p.lang == p.lang {
			w = &ws[i]
			break
		}
	}
	field := func(name string) string { s, _ := hit.Fields[name].(string); return s }
	parts := []string{field(fieldLead)}
	parts = append(parts, strings.Split(field(fieldBody), "\n")...)
	parts = append(parts, field(fieldTitle))
	parts = slices.DeleteFunc(parts, func(s string) bool { return strings.TrimSpace(s) == "" })
	if len(parts) == 0 {
		return ""
	}
	if w == nil || len(w.terms) == 0 {
		return fragment(parts[0], nil)
	}
	terms := w.termWords()
	best, bestSpans, bestDistinct := 0, []span(nil), 0
	for i, text := range parts {
		if i == len(parts)-1 && bestDistinct > 0 {
			break // the title only when nothing else matched
		}
		spans, distinct := x.matches(text, p, terms)
		if distinct > bestDistinct || distinct == bestDistinct && len(spans) > len(bestSpans) {
			best, bestSpans, bestDistinct = i, spans, distinct
		}
		if bestDistinct == len(w.terms) {
			break // no later part can hold more of the words
		}
	}
	return fragment(parts[best], bestSpans)
}

// matches returns the words of text whose terms are among terms, in order,
// and how many different query words matched.
func (x *Index) matches(text string, p profile, terms map[string]int) ([]span, int) {
	var spans []span
	var found []int
	for _, t := range x.analyzers[p.analyzer].Analyze([]byte(text)) {
		if i, ok := terms[string(t.Term)]; ok {
			spans = append(spans, span{t.Start, t.End})
			if !slices.Contains(found, i) {
				found = append(found, i)
			}
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	return slices.Compact(spans), len(found)
}

// fragment cuts at most SnippetRunes characters of whole words out of text,
// around as many spans as fit, and marks the spans. Runs of white space
// become one space.
func fragment(text string, spans []span) string {
	// rs[i] is the byte offset of the i-th character; rs[n] = len(text).
	rs := make([]int, 0, len(text)+1)
	for i := range text {
		rs = append(rs, i)
	}
	n := len(rs)
	rs = append(rs, len(text))
	at := func(b int) int { i, _ := slices.BinarySearch(rs, b); return i }
	runeAt := func(i int) rune { r, _ := utf8.DecodeRuneInString(text[rs[i]:]); return r }
	space := func(i int) bool { return unicode.IsSpace(runeAt(i)) }

	from, to := 0, n
	if n > SnippetRunes {
		from = 0
		if len(spans) > 0 {
			var anchor int
			from, anchor = bestWindow(spans, at)
			// Start at a word's beginning.
			for from > 0 && !space(from-1) && from < anchor {
				from++
			}
		}
		to = min(n, from+SnippetRunes)
		if to < n && !space(to) {
			// End at a word's end, unless the window is one long word.
			end := to
			for end > from && !space(end-1) {
				end--
			}
			if end > from {
				to = end
			}
		}
	}

	var b strings.Builder
	if from > 0 {
		b.WriteString(ellipsis)
	}
	si := 0
	for si < len(spans) && at(spans[si].start) < from {
		si++
	}
	open := -1 // the end of the span being marked, in characters
	pendingSpace, started := false, false
	for i := from; i < to; i++ {
		r := runeAt(i)
		if r == markStart || r == markEnd {
			continue
		}
		if open >= 0 && i == open {
			b.WriteRune(markEnd)
			open = -1
		}
		if unicode.IsSpace(r) {
			pendingSpace = true
			continue
		}
		if pendingSpace && started {
			b.WriteByte(' ')
		}
		pendingSpace, started = false, true
		if open < 0 && si < len(spans) && at(spans[si].start) == i {
			if end := at(spans[si].end); end <= to {
				b.WriteRune(markStart)
				open = end
			}
			si++
		}
		b.WriteRune(r)
	}
	if open >= 0 {
		b.WriteRune(markEnd)
	}
	if to < n {
		b.WriteString(ellipsis)
	}
	return b.String()
}

// bestWindow returns the first character of the SnippetRunes-long window,
// starting a little before some span, that holds the most spans whole, and
// the first character of that span.
func bestWindow(spans []span, at func(int) int) (from, anchor int) {
	bestN := -1
	for i, s := range spans {
		start := at(s.start)
		f := max(0, start-snippetContext)
		count := 0
		for _, t := range spans[i:] {
			if at(t.end) > f+SnippetRunes {
				break
			}
			count++
		}
		if count > bestN {
			from, anchor, bestN = f, start, count
		}
	}
	return from, anchor
}
