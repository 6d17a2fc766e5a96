package core

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// CleanLine makes s valid UTF-8, drops control and invisible formatting
// runes, and collapses every run of spaces into one.
func CleanLine(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), r == '\u200b', r == '\ufeff', unicode.In(r, unicode.Co):
			continue
		case unicode.In(r, unicode.Cf) && r != '\u200d':
			// Bidi overrides and the like; ZWJ stays for emoji sequences.
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanText cleans each line of s like CleanLine, keeping the line breaks
// (a moderator's text may have paragraphs), and trims s.
func cleanText(s string) string {
	if !strings.Contains(s, "\n") {
		return CleanLine(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = CleanLine(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

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

// JoinNonEmpty joins the parts that are not blank with sep.
func JoinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}
