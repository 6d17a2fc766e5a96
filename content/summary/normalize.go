package summary

import (
	"strings"
	"unicode"
)

// normalizer lowercases and folds the variants that search folds too:
// Romanian ş/ţ with cedilla become ș/ț with comma below, Russian ё becomes е.
var normalizer = strings.NewReplacer(
	"ş", "ș", "Ş", "ș", "ţ", "ț", "Ţ", "ț",
	"ё", "е", "Ё", "е",
)

// Normalize returns s lowercased, with ş/ţ folded to ș/ț and ё to е: the
// normalisation content/search applies, so that ROUGE and term matching
// agree with it.
func Normalize(s string) string {
	return normalizer.Replace(strings.ToLower(s))
}

// normalizeRune is Normalize for one rune.
func normalizeRune(r rune) rune {
	switch r {
	case 'ş', 'Ş':
		return 'ș'
	case 'ţ', 'Ţ':
		return 'ț'
	case 'ё', 'Ё':
		return 'е'
	}
	return unicode.ToLower(r)
}

// isWordRune reports whether r belongs inside a word: letters, digits and
// combining marks of any script.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Words returns the normalised words of s in order: maximal runs of letters,
// digits and combining marks of any script, so Cyrillic and Romanian
// diacritics count as letters.
func Words(s string) []string {
	var out []string
	var b strings.Builder
	for _, r := range s {
		if isWordRune(r) {
			b.WriteRune(normalizeRune(r))
			continue
		}
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}
