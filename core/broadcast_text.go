package core

import (
	"strings"
	"unicode"
)

// ParseTexts splits a moderator's news into texts by language:
// "ro: … | ru: … | en: …" with any subset of langs, in any order, the codes
// in any case. A "|" separates two texts when it has a space (or the end of
// the text) on both sides, or when a language code follows it
// ("ro: a|ru: b"); any other "|" belongs to the text ("Scorul 2|1"), and
// "||" is always one "|" of the text.
//
// Text that does not start with a language code is one text, returned
// under the key "". So is text that starts with an upper-case abbreviation
// that is no language ("EU: …"), unless another part names a language; a
// lower-case code of two or three letters that is no language ("xx: …")
// is refused, as a mistyped code. order lists the languages as written.
//
// The error is an *Error with CodeInvalid whose key says what is wrong: no
// words at all (bc_text_blank), a part without a language code
// (bc_texts_untagged), an unknown code (bc_lang_unknown), a language
// given twice (bc_texts_repeated) or a language without text
// (bc_texts_blank).
func ParseTexts(s string, langs []string) (texts map[string]string, order []string, err error) {
	s = strings.TrimSpace(s)
	if !HasWords(s) {
		return nil, nil, Errorf(CodeInvalid, "bc_text_blank", nil)
	}
	parts := splitTexts(s, langs)
	tagged := false
	for _, p := range parts {
		if k, _, _ := textTag(p, langs); k == tagKnown || k == tagCode {
			tagged = true
			break
		}
	}
	if !tagged {
		return map[string]string{"": unescapePipes(s)}, []string{""}, nil
	}
	codes := make([]string, len(langs))
	for i, l := range langs {
		codes[i] = l + ":"
	}
	texts = map[string]string{}
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue // "ro: a | ru: b |": a stray separator at an end
		}
		kind, code, text := textTag(p, langs)
		switch kind {
		case tagNone:
			return nil, nil, Errorf(CodeInvalid, "bc_texts_untagged", map[string]any{"Part": Clip(strings.TrimSpace(p), 40)})
		case tagCode, tagAbbrev:
			return nil, nil, Errorf(CodeInvalid, "bc_lang_unknown", map[string]any{"Code": code, "Codes": strings.Join(codes, ", ")})
		}
		if _, dup := texts[code]; dup {
			return nil, nil, Errorf(CodeInvalid, "bc_texts_repeated", map[string]any{"Code": code})
		}
		if !HasWords(text) {
			return nil, nil, Errorf(CodeInvalid, "bc_texts_blank", map[string]any{"Code": code})
		}
		texts[code] = text
		order = append(order, code)
	}
	return texts, order, nil
}

// HasWords reports whether s has a letter, a digit or a symbol such as an
// emoji: "| |" or "…" alone is no news.
func HasWords(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.So, r)
	}) >= 0
}

// splitTexts cuts s at its separating pipes (see ParseTexts), turning
// every "||" into "|".
func splitTexts(s string, langs []string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c != '|':
			cur.WriteByte(c)
		case i+1 < len(s) && s[i+1] == '|':
			cur.WriteByte('|')
			i++
		case (i == 0 || isBlank(s[i-1])) && (i+1 == len(s) || isBlank(s[i+1])), startsTagged(s[i+1:], langs):
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte('|')
		}
	}
	return append(parts, cur.String())
}

func isBlank(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }

// unescapePipes turns every "||" of s into "|".
func unescapePipes(s string) string { return strings.ReplaceAll(s, "||", "|") }

// startsTagged reports whether s starts with what looks like a language
// code and a colon.
func startsTagged(s string, langs []string) bool {
	k, _, _ := textTag(s, langs)
	return k != tagNone
}

// tagKind is what precedes the first colon of a text.
type tagKind int

const (
	tagNone   tagKind = iota // no code: plain text
	tagKnown                 // one of the languages
	tagCode                  // two or three letters, not all upper case: a mistyped code
	tagAbbrev                // two or three upper-case letters: an abbreviation such as "EU"
)

// textTag classifies the head of s before its first colon and returns the
// code (in lower case for a known language, else as written) and the text
// after the colon, trimmed.
func textTag(s string, langs []string) (kind tagKind, code, text string) {
	head, rest, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found {
		return tagNone, "", ""
	}
	head = strings.TrimSpace(head)
	lower := strings.ToLower(head)
	for _, l := range langs {
		if lower == l {
			return tagKnown, l, strings.TrimSpace(rest)
		}
	}
	if len(head) < 2 || len(head) > 3 || strings.Trim(lower, "abcdefghijklmnopqrstuvwxyz") != "" {
		return tagNone, "", ""
	}
	if head == strings.ToUpper(head) {
		return tagAbbrev, head, strings.TrimSpace(rest)
	}
	return tagCode, head, strings.TrimSpace(rest)
}
