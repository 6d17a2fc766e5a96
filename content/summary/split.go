package summary

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Split returns the sentences of text, a plain-text article in lang ("ro",
// "ru", "en"; any other value gets a generic splitter that knows no
// abbreviations). Blank lines always end a sentence. A period, "!", "?",
// "…" or "..." ends one when whitespace and then an uppercase letter or a
// digit follow, possibly after opening quotes or a dash; a known
// abbreviation, an initial ("V. Putin", "В. Путин"), a dotted acronym
// ("U.S.", "т.е."), a decimal number ("3.5%", "3,5%") and a lowercase
// continuation (`"Why?" he asked`, «Едем!» — сказал он) do not.
//
// Each sentence keeps its closing quotes and brackets, has its runs of
// whitespace collapsed to one space and is otherwise the input unchanged:
// the sentences, concatenated, hold the non-space text of the input in
// order. Split is safe for concurrent use.
func Split(lang, text string) []string {
	abbr := abbreviations[lang]
	var out []string
	for len(text) > 0 {
		para, rest := nextParagraph(text)
		out = splitParagraph(out, lang, abbr, para)
		text = rest
	}
	return out
}

// nextParagraph returns the text up to the first blank line and the text
// after it.
func nextParagraph(text string) (para, rest string) {
	off := 0
	for {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return text, ""
		}
		lineEnd := off + i + 1
		j := lineEnd
		for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
			j++
		}
		if j < len(text) && text[j] == '\n' {
			return text[:off+i], text[j+1:]
		}
		if j == len(text) {
			return text, ""
		}
		off = lineEnd
	}
}

// isTerminal reports whether r can end a sentence.
func isTerminal(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '…'
}

// isCloser reports whether r closes a quote or a bracket.
func isCloser(r rune) bool {
	switch r {
	case '»', '”', '"', '\'', '’', '“', ')', ']', '}', '›':
		return true
	}
	return false
}

// isOpener reports whether r can come before the first word of a sentence:
// an opening quote or bracket, or a dash that starts a line of dialogue.
func isOpener(r rune) bool {
	switch r {
	case '«', '„', '“', '”', '"', '\'', '‘', '‚', '(', '[', '{', '‹', '—', '–', '-', '…':
		return true
	}
	return false
}

// splitParagraph appends the sentences of para to out.
func splitParagraph(out []string, lang string, abbr map[string]abbrevClass, para string) []string {
	start := 0
	for i := 0; i < len(para); {
		r, size := utf8.DecodeRuneInString(para[i:])
		if !isTerminal(r) {
			i += size
			continue
		}
		// The run of terminal marks and closing quotes after them.
		runStart := i
		onlyPeriod := true
		j := i
		for j < len(para) {
			r, size := utf8.DecodeRuneInString(para[j:])
			if isTerminal(r) {
				if r != '.' || j > runStart {
					onlyPeriod = false
				}
				j += size
				continue
			}
			if isCloser(r) {
				j += size
				continue
			}
			break
		}
		end := j
		// Whitespace must follow; "3.5", "U.S." and "example.com" go on.
		k := j
		for k < len(para) {
			r, size := utf8.DecodeRuneInString(para[k:])
			if !unicode.IsSpace(r) {
				break
			}
			k += size
		}
		if k == j || k == len(para) {
			i = j
			continue
		}
		if endsSentence(lang, abbr, para[start:runStart], onlyPeriod, para[k:]) {
			out = appendSentence(out, para[start:end])
			start = k
		}
		i = k
	}
	return appendSentence(out, para[start:])
}

// maxLookahead bounds the quotes, dashes and spaces skipped to find the
// first letter of the next sentence.
const maxLookahead = 8

// endsSentence decides whether the terminal marks after before end the
// sentence, given the text after the whitespace that follows them.
// onlyPeriod is true when the marks are a single period, which may belong to
// an abbreviation or an initial.
func endsSentence(lang string, abbr map[string]abbrevClass, before string, onlyPeriod bool, after string) bool {
	// The first letter or digit of the next word, past opening quotes and
	// dashes.
	// The look is bounded so that a run of dashes or ellipses costs no
	// more than a few runes per candidate.
	var next rune = -1
	seen := 0
	for _, r := range after {
		if seen++; seen > maxLookahead {
			break
		}
		if isOpener(r) || unicode.IsSpace(r) {
			continue
		}
		next = r
		break
	}
	upper := unicode.IsUpper(next) || unicode.IsTitle(next)
	digit := unicode.IsDigit(next)
	if unicode.IsLower(next) {
		return false
	}
	if !onlyPeriod {
		return upper || digit || !unicode.IsLetter(next)
	}
	word, prev := lastWord(before)
	if word == "" {
		return upper || digit
	}
	key := Normalize(word)
	switch abbr[key] {
	case prefixAbbrev:
		return false
	case suffixAbbrev:
		return upper
	}
	if lang == "ru" && (key == "г" || key == "гг") {
		// "г." is "город" before a name and "год" after a number.
		if isNumber(prev) {
			return upper
		}
		return false
	}
	if n := utf8.RuneCountInString(word); n == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		if unicode.IsUpper(r) {
			// An initial: "V. Putin", "В. Путин".
			return !upper
		}
		if unicode.IsLetter(r) {
			return upper
		}
	}
	if isDotted(word) {
		if strings.ToUpper(word) == word {
			// "U.S.", "S.U.A.", "В.В." before a name.
			return false
		}
		return upper
	}
	return upper || digit || !unicode.IsLetter(next)
}

// lastWord returns the last whitespace-separated token of s without its
// leading quotes and brackets, and the token before it.
func lastWord(s string) (word, prev string) {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	word = s[i+1:]
	word = strings.TrimLeftFunc(word, func(r rune) bool { return !isWordRune(r) })
	if i >= 0 {
		rest := strings.TrimRightFunc(s[:i], unicode.IsSpace)
		prev = rest[strings.LastIndexFunc(rest, unicode.IsSpace)+1:]
	}
	return word, prev
}

// isNumber reports whether s is a number such as "2024" or "2024-2025".
func isNumber(s string) bool {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return !isWordRune(r) })
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '-' && r != '–' {
			return false
		}
	}
	return true
}

// isDotted reports whether s is a dotted abbreviation such as "U.S", "т.е"
// or "ș.a.m.d": short runs of letters joined by periods.
func isDotted(s string) bool {
	if !strings.Contains(s, ".") {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		n := 0
		for _, r := range part {
			if !unicode.IsLetter(r) {
				return false
			}
			n++
		}
		if n == 0 || n > 3 {
			return false
		}
	}
	return true
}

// appendSentence appends s with its whitespace collapsed, unless it is blank.
func appendSentence(out []string, s string) []string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return out
	}
	return append(out, strings.Join(f, " "))
}
