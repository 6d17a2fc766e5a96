package core

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased, without diacritics, with compatibility forms
// unified (fullwidth "ｓｐｏｒｔ" is "sport") and with runs of spaces
// collapsed, for case- and diacritics-insensitive matching: "Internațional",
// "internaţional" and "INTERNATIONAL" fold alike, and so do "ё" and "е".
func Fold(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}
