package summary

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence compression: wire copy wraps its facts in parts that a chat
// alert does without. A dateline ("CHIȘINĂU, 1 decembrie /Newsbot/.")
// opens the first paragraph, and a report's sentences end in their source
// (", a anunțat luni Ministerul Educației.", ", the bureau said on
// Monday.") or open with it ("Potrivit procurorilor, …", "По данным
// прокуратуры, …"). Cutting those leaves the fact, and room in the budget
// for another one. What is cut is always a whole clause at the start or
// the end of a sentence, so the rest reads as written.

// maxDateline is the longest dateline, in runes, that stripDateline looks
// for: a place, a country, a date and an agency's name.
const maxDateline = 60

// stripDateline returns para without a leading dateline: a place in capital
// letters, a comma, and up to an agency marker ("/Newsbot/.", "(Reuters)
// -") or a dash. Text without one is returned as is.
func stripDateline(para string) string {
	rest := strings.TrimLeft(para, " ")
	// The place: words in capitals, at least one of two letters or more.
	i, letters := 0, 0
	for i < len(rest) {
		r, size := utf8.DecodeRuneInString(rest[i:])
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return para
			}
			letters++
		} else if r != ' ' && r != '-' && r != '\'' && r != '.' {
			break
		}
		i += size
	}
	if letters < 2 || i >= len(rest) || rest[i] != ',' {
		return para
	}
	// The rest of the dateline, up to its end marker.
	n := 0
	for j := i + 1; j < len(rest) && n < maxDateline; n++ {
		r, size := utf8.DecodeRuneInString(rest[j:])
		switch r {
		case '/', '(':
			closer := byte('/')
			if r == '(' {
				closer = ')'
			}
			k := strings.IndexByte(rest[j+1:], closer)
			if k <= 0 || k > 40 {
				return para
			}
			end := j + 1 + k + 1
			tail := strings.TrimLeft(rest[end:], " ")
			tail = strings.TrimLeft(tail, ".-—–")
			return strings.TrimLeft(tail, " ")
		case '—', '–', '-':
			if j > 0 && rest[j-1] == ' ' && j+size < len(rest) && rest[j+size] == ' ' {
				return strings.TrimLeft(rest[j+size:], " ")
			}
		}
		j += size
	}
	return para
}

// attribution lists, per language, the words that open a clause naming a
// sentence's source: speech verbs and "according to". A clause opening with
// one of them (after at most two other words, such as "a anunțat luni" or
// "в понедельник сообщило") is a source clause. Russian words are stems:
// any word that starts with one counts.
var attribution = map[string]struct {
	words   map[string]bool
	stems   []string
	leading []string // phrases that open a sentence with its source
}{
	"ro": {
		words: setOf("anunțat", "declarat", "spus", "precizat", "informat", "comunicat", "transmis",
			"adăugat", "explicat", "subliniat", "afirmat", "menționat", "relatat", "raportat",
			"potrivit", "conform", "arată", "susține", "susțin", "spune", "spun", "estimează", "notează", "anunță", "declară"),
		leading: []string{"potrivit", "conform", "în opinia", "după cum"},
	},
	"ru": {
		stems: []string{"сообщ", "заяв", "сказал", "рассказ", "уточн", "отметил", "добавил", "пояснил",
			"подчеркн", "говорится", "переда", "информир", "считают", "полагают", "соглас"},
		leading: []string{"по данным", "по словам", "по информации", "по мнению", "согласно", "как сообщил", "как сообщила", "как сообщили"},
	},
	"en": {
		words: setOf("said", "says", "told", "announced", "reported", "according", "stated", "added",
			"estimated", "noted"),
		leading: []string{"according to"},
	},
}

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// isAttributionWord reports whether the normalised word w names a source
// in lang.
func isAttributionWord(lang, w string) bool {
	a := attribution[lang]
	if a.words[w] {
		return true
	}
	for _, s := range a.stems {
		if strings.HasPrefix(w, s) {
			return true
		}
	}
	return false
}

// maxSourceWords is the longest source clause, in words, that compress
// cuts: a verb, a day and a long institution's name.
const maxSourceWords = 10

// minKeptWords is the fewest words a sentence keeps after a cut.
const minKeptWords = 6

// compress returns s without a leading or trailing source clause (see the
// notes above). A sentence that quotes someone keeps its source, and so
// does one that would be left too short.
func compress(lang, s string) string {
	if _, ok := attribution[lang]; !ok || hasQuote(s) {
		return s
	}
	s = cutLeadingSource(lang, s)
	return cutTrailingSource(lang, s)
}

// hasQuote reports whether s holds a quotation mark or opens with a
// dialogue dash.
func hasQuote(s string) bool {
	return isQuote(s) || strings.ContainsAny(s, "«»„“”\"")
}

// cutLeadingSource turns "Potrivit procurorilor, cei doi…" into "Cei doi…".
func cutLeadingSource(lang, s string) string {
	for _, p := range attribution[lang].leading {
		if len(s) <= len(p) || s[len(p)] != ' ' || !strings.EqualFold(s[:len(p)], p) {
			continue
		}
		comma := strings.Index(s, ", ")
		if comma < 0 || countWords(s[:comma]) > maxSourceWords {
			return s
		}
		rest := s[comma+2:]
		if countWords(rest) < minKeptWords {
			return s
		}
		r, size := utf8.DecodeRuneInString(rest)
		if up := unicode.ToUpper(r); unicode.ToLower(up) == r {
			r = up
		}
		return string(r) + rest[size:]
	}
	return s
}

// cutTrailingSource turns "…au fost închise, a anunțat luni ministerul."
// into "…au fost închise." and "…rose 4%, the bureau said on Monday." into
// "…rose 4%.".
func cutTrailingSource(lang, s string) string {
	end, size := utf8.DecodeLastRuneInString(s)
	if end != '.' {
		return s
	}
	body := s[:len(s)-size]
	comma := strings.LastIndex(body, ", ")
	if comma < 0 {
		return s
	}
	n := countWords(body[comma+2:])
	if n == 0 || n > maxSourceWords || countWords(body[:comma]) < minKeptWords {
		return s
	}
	if !isSourceClause(lang, strings.Fields(body[comma+2:])) {
		return s
	}
	return strings.TrimRight(body[:comma], " ,;:") + "."
}

// isSourceClause reports whether the words of a sentence's last clause
// name its source.
func isSourceClause(lang string, tail []string) bool {
	norm := func(w string) string { return Normalize(strings.Trim(w, ".,;:()")) }
	if lang == "en" {
		// "the ministry said (on Monday)", "said the mayor", "according
		// to the police": the verb is first or among the last words.
		switch norm(tail[0]) {
		case "which", "who", "that", "and", "but", "while", "as", "after", "before", "when":
			return false
		}
		for i, w := range tail {
			if isAttributionWord(lang, norm(w)) && (i == 0 || len(tail)-i <= 4) {
				return true
			}
		}
		return false
	}
	for _, w := range tail[:min(3, len(tail))] {
		if isAttributionWord(lang, norm(w)) {
			return true
		}
	}
	return false
}

// countWords returns the number of space-separated words in s.
func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		space := s[i] == ' '
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}
