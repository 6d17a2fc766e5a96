package core

import (
	"strings"
)

// ParseTexts splits a moderator's breaking news into texts by language:
// "ro: … | ru: … | en: …" with any subset of langs, in any order. Text that
// does not start with a language prefix is one text, returned under the key
// "" with ok true. ok is false when the text starts like a multi-language
// one but a part lacks its prefix, repeats a language or is empty. order
// lists the languages as written.
func ParseTexts(s string, langs []string) (texts map[string]string, order []string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil, false
	}
	if _, _, has := langPrefix(s, langs); !has {
		return map[string]string{"": s}, []string{""}, true
	}
	texts = map[string]string{}
	for _, part := range strings.Split(s, "|") {
		l, text, has := langPrefix(strings.TrimSpace(part), langs)
		if !has || text == "" {
			return nil, nil, false
		}
		if _, dup := texts[l]; dup {
			return nil, nil, false
		}
		texts[l] = text
		order = append(order, l)
	}
	return texts, order, true
}

// langPrefix cuts "xx:" off s when xx is one of langs, in any case.
func langPrefix(s string, langs []string) (lang, rest string, ok bool) {
	head, rest, found := strings.Cut(s, ":")
	if !found {
		return "", "", false
	}
	head = strings.ToLower(strings.TrimSpace(head))
	for _, l := range langs {
		if head == l {
			return l, strings.TrimSpace(rest), true
		}
	}
	return "", "", false
}
