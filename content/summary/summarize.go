package summary

import (
	"context"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// DefaultBudget is the default length of a summary in characters: about what
// a chat alert shows without a "read more".
const DefaultBudget = 400

// Version identifies the summarizing algorithm. Caches key summaries by it
// (with the article's ID, language and version) so that a new algorithm does
// not serve old summaries.
const Version = 2

// Summarizer writes extractive summaries of articles. The zero value is not
// usable; call New. A Summarizer is safe for concurrent use.
type Summarizer struct {
	budget int
}

var _ core.Summarizer = (*Summarizer)(nil)

// Option configures a Summarizer.
type Option func(*Summarizer)

// WithBudget sets the longest summary in characters (Unicode code points).
// Values below 1 keep DefaultBudget.
func WithBudget(chars int) Option {
	return func(s *Summarizer) {
		if chars > 0 {
			s.budget = chars
		}
	}
}

// New returns a Summarizer with DefaultBudget unless an option says
// otherwise.
func New(opts ...Option) *Summarizer {
	s := &Summarizer{budget: DefaultBudget}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Budget returns the longest summary s writes, in characters.
func (s *Summarizer) Budget() int { return s.budget }

// Summarize returns a summary of a in its language (a.Lang; a language
// other than ro, ru and en gets the generic splitter and no stemming). The
// summary is made of sentences of the lead and body, in their order, at
// most Budget characters long; a dateline and the source clauses that
// compress cuts are left out. Only when no sentence fits is the best one
// cut at a word boundary and ended with "…". An article without a body is
// summarised by its lead, trimmed to the budget the same way; one without
// body and lead has an empty summary. The only error is ctx's.
func (s *Summarizer) Summarize(ctx context.Context, a content.Article) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var sents []string
	for i, p := range a.Body {
		if i == 0 {
			p = stripDateline(p)
		}
		sents = append(sents, Split(a.Lang, p)...)
	}
	if len(sents) == 0 {
		return s.fit(a.Lang, a.Lead), nil
	}
	sents = append(Split(a.Lang, stripDateline(a.Lead)), sents...)
	return s.extract(a.Lang, sents), nil
}

// fit returns text when it fits the budget, else as many of its first
// sentences as fit, else its start cut at a word boundary with "…".
func (s *Summarizer) fit(lang, text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= s.budget {
		return text
	}
	var b strings.Builder
	n := 0
	for _, sent := range Split(lang, text) {
		m := utf8.RuneCountInString(sent)
		if n > 0 {
			m++
		}
		if n+m > s.budget {
			break
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(sent)
		n += m
	}
	if n > 0 {
		return b.String()
	}
	return cut(text, s.budget)
}

// cut returns the start of text, cut at a word boundary and ended with "…",
// at most budget characters long in all.
func cut(text string, budget int) string {
	if budget <= 1 {
		return "…"
	}
	limit := budget - 1 // room for "…"
	end, n, lastSpace := 0, 0, -1
	for i, r := range text {
		if n == limit {
			break
		}
		if unicode.IsSpace(r) {
			lastSpace = i
		}
		n++
		end = i + utf8.RuneLen(r)
	}
	if lastSpace > 0 && end < len(text) && !unicode.IsSpace(rune(text[end])) {
		end = lastSpace
	}
	out := strings.TrimRightFunc(text[:end], func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '»' && r != '"'
	})
	return out + "…"
}

// The parts of a sentence's score. Position counts most because news puts
// the facts first; centrality pulls in the later sentences that carry the
// story; a number marks a fact (a sum, a count, a date) that chat alerts
// keep. Direct speech and fragments weigh less. Overlap with the title is
// not a part: the lead already repeats the title, and favouring the
// sentences that do so too crowded out new facts. Chosen with Evaluate on
// the tuning half of testdata/eval.
const (
	weightPosition   = 0.45 // times 1/(i+1)^positionDecay for the i-th sentence
	positionDecay    = 1.0
	weightCentrality = 0.05 // times TextRank, 1 for the most central sentence
	weightNumber     = 0.20 // added when the sentence has a digit
	factorQuote      = 0.6  // multiplies a sentence that opens with a quote or a dash
	factorInnerQuote = 0.7  // multiplies a sentence that quotes someone inside it
	factorFragment   = 0.5  // multiplies a sentence with fewer than three terms
	// weightRedundancy is subtracted per share of a candidate's terms
	// that a chosen sentence already has (maximal marginal relevance).
	weightRedundancy = 0.3
	// minShare drops filler: a sentence scoring below this share of the
	// best one is added only while the summary fills less than half the
	// budget, which a short news item's one long lead sentence leaves.
	minShare = 0.4
)

// duplicate is the share of shared terms from which a sentence repeats one
// already chosen and is never added.
const duplicate = 0.6

// sentence is one candidate of an extract.
type sentence struct {
	text  string
	runes int
	terms []int // sorted, unique term IDs
	score float64
	// openQuote marks a piece of a quotation that goes on in another
	// sentence; alone, it would leave the reader a dangling quote mark.
	openQuote bool
}

// extract picks the summary's sentences out of sents.
func (s *Summarizer) extract(lang string, sents []string) string {
	an := analyzerFor(lang)
	ids := make(map[string]int, 8*len(sents))
	termIDs := func(text string, buf []string) ([]int, []string) {
		buf = an.terms(buf[:0], text)
		out := make([]int, 0, len(buf))
		for _, t := range buf {
			id, ok := ids[t]
			if !ok {
				id = len(ids)
				ids[t] = id
			}
			out = append(out, id)
		}
		slices.Sort(out)
		return slices.Compact(out), buf
	}
	var buf []string
	cands := make([]sentence, len(sents))
	for i, text := range sents {
		text = compress(lang, text)
		cands[i].text = text
		cands[i].runes = utf8.RuneCountInString(text)
		cands[i].terms, buf = termIDs(text, buf)
		cands[i].openQuote = unbalancedQuotes(text)
	}

	rank := textRank(cands)
	for i := range cands {
		c := &cands[i]
		pos := 1 / math.Pow(float64(i+1), positionDecay)
		c.score = weightPosition*pos + weightCentrality*rank[i]
		if isQuote(c.text) {
			c.score *= factorQuote
		} else if hasQuote(c.text) {
			c.score *= factorInnerQuote
		}
		if hasDigit(c.text) {
			c.score += weightNumber
		}
		if len(c.terms) < 3 {
			// Fragments and one-word quotes say little on their own.
			c.score *= factorFragment
		}
	}

	// Greedy selection with maximal marginal relevance: each step takes the
	// sentence whose score, less its overlap with what is already chosen,
	// is highest among those that still fit.
	best := 0
	for i := range cands {
		if cands[i].score > cands[best].score {
			best = i
		}
	}
	floor := minShare * cands[best].score
	var chosen []int
	taken := make([]bool, len(cands))
	used := 0
	for {
		pick, pickGain := -1, math.Inf(-1)
		for i, c := range cands {
			if taken[i] || c.openQuote || (c.score < floor && 2*used >= s.budget) {
				continue
			}
			need := c.runes
			if len(chosen) > 0 {
				need++
			}
			if used+need > s.budget {
				continue
			}
			red := redundancy(c, cands, chosen)
			if red >= duplicate {
				continue
			}
			if gain := c.score - weightRedundancy*red; gain > pickGain {
				pick, pickGain = i, gain
			}
		}
		if pick < 0 {
			break
		}
		taken[pick] = true
		if len(chosen) > 0 {
			used++
		}
		used += cands[pick].runes
		chosen = append(chosen, pick)
	}
	if len(chosen) == 0 {
		return cut(cands[best].text, s.budget)
	}
	slices.Sort(chosen)
	var b strings.Builder
	for k, i := range chosen {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(cands[i].text)
	}
	return b.String()
}

// redundancy returns how much of c one of the chosen sentences already
// says: the largest share of the smaller sentence's terms found in the
// other.
func redundancy(c sentence, cands []sentence, chosen []int) float64 {
	red := 0.0
	for _, j := range chosen {
		o := cands[j]
		small := min(len(c.terms), len(o.terms))
		if small == 0 {
			if c.text == o.text {
				return 1
			}
			continue
		}
		red = max(red, float64(shared(c.terms, o.terms))/float64(small))
	}
	return red
}

// shared returns the number of IDs in both sorted lists.
func shared(a, b []int) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

func hasDigit(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// isQuote reports whether text is mostly direct speech: it opens with a
// quotation mark or a dialogue dash.
func isQuote(text string) bool {
	r, _ := utf8.DecodeRuneInString(text)
	switch r {
	case '«', '„', '“', '"', '—', '–', '‘':
		return true
	}
	return false
}

// unbalancedQuotes reports whether text opens a quotation it does not close
// or closes one it did not open.
func unbalancedQuotes(text string) bool {
	opens, closes, straight := 0, 0, 0
	for _, r := range text {
		switch r {
		case '«', '„', '“':
			opens++
		case '»', '”':
			closes++
		case '"':
			straight++
		}
	}
	return opens != closes || straight%2 != 0
}
