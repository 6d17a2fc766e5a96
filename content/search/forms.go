package search

import (
	"strings"
	"unicode/utf8"
)

// Case forms of a query word.
//
// Snowball stems some nouns' basic form differently from their other case
// forms, most of all proper names: Russian "Кишинёв", "Киев" and "Ростов"
// stem to "кишин", "ки" and "рост" (the stemmer reads -ев/-ов as a
// genitive plural ending) but "Кишинёва", "Киева" and "Ростова" to
// "кишинев", "киев", "ростов"; "Унгены" stems to "унг" (read as a verb's
// -ены) but "Унгенах" to "унген". Romanian "Cahul" stems to "cah" but
// "Cahulului" to "cahul", "Moldova" to "moldov" but "Moldovei" to
// "moldove", and the exact stem of "Chișinău" is "chişinău" but that of
// "Chișinăului" is "chişin".
//
// So that a reader finds an article in whatever case form they type the
// name, a query word also searches the terms of its likely case forms:
// forms builds them with a few rules of each language's noun endings (the
// basic form, and the genitive, dative, locative and instrumental that
// news uses most), and Index.read analyzes them with the same analyzer as
// the word. The index itself is unchanged: an article keeps the terms of
// the forms it wrote, and the query looks for all of them. A form's terms
// that no article has are dropped before the search (see
// words.dropAbsent), so the rules cost a few dictionary lookups and never
// dilute a word's score with clauses that cannot match.

// minBase is the shortest base, in letters, that forms adds endings to:
// shorter ones make forms of unrelated words.
const minBase = 3

// forms returns other case forms of the lower-cased word w of lang, or nil
// for a language without rules. They may include w and words that do not
// exist; the caller keeps only the terms the index has.
func forms(lang, w string) []string {
	switch lang {
	case "ru":
		return ruForms(w)
	case "ro":
		return roForms(w)
	}
	return nil
}

// ruForms returns Russian case forms of w: w without its case ending, and
// each base that ends in a consonant with the endings of the nominative,
// genitive, dative, locative and instrumental singular and the nominative
// and locative plural.
func ruForms(w string) []string {
	bases := []string{w}
	for _, end := range []string{"ами", "ями", "ах", "ях", "ам", "ям", "ом", "ем", "ой", "ей", "а", "я", "ы", "и", "е", "у", "ю", "о"} {
		if b, ok := strings.CutSuffix(w, end); ok && utf8.RuneCountInString(b) >= minBase {
			bases = append(bases, b)
		}
	}
	var out []string
	for _, b := range bases {
		out = append(out, b)
		if !ruConsonantEnd(b) || utf8.RuneCountInString(b) < minBase {
			continue
		}
		for _, end := range []string{"а", "у", "е", "ом", "ы", "ах"} {
			out = append(out, b+end)
		}
	}
	return out
}

// ruConsonantEnd reports whether w ends in a consonant letter that takes
// case endings directly: not a vowel, й, ь or ъ.
func ruConsonantEnd(w string) bool {
	r, _ := utf8.DecodeLastRuneInString(w)
	return r >= 'а' && r <= 'я' && !strings.ContainsRune("аеёиоуыэюяйьъ", r)
}

// roForms returns Romanian case forms of w: w without its article or case
// ending, and each base with the endings of the definite article (-ul,
// -ului after a consonant or -i; -l, -lui after -u) and of the feminine
// (-a, and the genitive -ei).
func roForms(w string) []string {
	bases := []string{w}
	for _, end := range []string{"ului", "lui", "ul", "ei", "a", "ă"} {
		if b, ok := strings.CutSuffix(w, end); ok && utf8.RuneCountInString(b) >= minBase {
			bases = append(bases, b)
		}
	}
	var out []string
	for _, b := range bases {
		out = append(out, b)
		if utf8.RuneCountInString(b) < minBase {
			continue
		}
		r, size := utf8.DecodeLastRuneInString(b)
		switch {
		case r == 'u':
			out = append(out, b+"l", b+"lui")
		case r == 'i':
			// Masculine in -i (Bălți, Bălțiului) or feminine in -ia
			// (Rusia, Rusiei).
			out = append(out, b+"ul", b+"ului", b+"a", b+"ei")
		case r == 'a' || r == 'ă':
			stem := b[:len(b)-size]
			out = append(out, stem+"a", stem+"ei")
		case roConsonant(r):
			out = append(out, b+"ul", b+"ului", b+"a", b+"ei")
		}
	}
	return out
}

// roConsonant reports whether r is a Romanian consonant letter.
func roConsonant(r rune) bool {
	if r >= 'a' && r <= 'z' {
		return !strings.ContainsRune("aeiouy", r)
	}
	return strings.ContainsRune("șşțţ", r)
}
