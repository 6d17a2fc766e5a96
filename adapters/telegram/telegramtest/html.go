package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// allowedTags are the tags Telegram's HTML parse mode accepts, mapped to
// whether the tag needs an href attribute.
var allowedTags = map[string]bool{
	"b": false, "strong": false, "i": false, "em": false, "u": false, "ins": false,
	"s": false, "strike": false, "del": false, "a": true, "code": false, "pre": false,
	"tg-spoiler": false, "blockquote": false,
}

// ParseHTML checks s the way Telegram parses a message in HTML parse mode
// and returns its plain text: tags must be among those Telegram supports,
// properly nested and closed; every '<', '>' and '&' that is not part of a
// tag must be written as an entity (&lt; &gt; &amp; &quot; or numeric). The
// error reads like Telegram's description after "Bad Request: ".
func ParseHTML(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("can't parse entities: strings must be encoded in UTF-8")
	}
	var (
		text  strings.Builder
		stack []string
	)
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("can't parse entities: unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			if strings.HasPrefix(tag, "/") {
				name := strings.ToLower(strings.TrimSpace(tag[1:]))
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return "", fmt.Errorf("can't parse entities: unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top(stack), name)
				}
				stack = stack[:len(stack)-1]
			} else {
				name, attrs, err := parseStartTag(tag)
				if err != nil {
					return "", fmt.Errorf("can't parse entities: %v at byte offset %d", err, i)
				}
				needHref, ok := allowedTags[name]
				if !ok {
					return "", fmt.Errorf("can't parse entities: unsupported start tag \"%s\" at byte offset %d", name, i)
				}
				if needHref && attrs["href"] == "" {
					return "", fmt.Errorf("can't parse entities: tag \"a\" must have an href attribute at byte offset %d", i)
				}
				stack = append(stack, name)
			}
			i += end + 1
		case '>':
			return "", fmt.Errorf("can't parse entities: character '>' is reserved and must be escaped with \"&gt;\" at byte offset %d", i)
		case '&':
			r, n, err := parseEntity(s[i:])
			if err != nil {
				return "", fmt.Errorf("can't parse entities: %v at byte offset %d", err, i)
			}
			text.WriteRune(r)
			i += n
		default:
			text.WriteByte(c)
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't parse entities: can't find end tag corresponding to start tag \"%s\"", top(stack))
	}
	return text.String(), nil
}

func top(stack []string) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}

// parseStartTag parses `name attr="value" attr='v'`.
func parseStartTag(tag string) (string, map[string]string, error) {
	name := tag
	rest := ""
	if i := strings.IndexAny(tag, " \t\n"); i >= 0 {
		name, rest = tag[:i], tag[i:]
	}
	name = strings.ToLower(name)
	if name == "" {
		return "", nil, fmt.Errorf("empty tag name")
	}
	attrs := map[string]string{}
	for {
		rest = strings.TrimLeft(rest, " \t\n")
		if rest == "" {
			return name, attrs, nil
		}
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return "", nil, fmt.Errorf("expected equal sign in declaration of an attribute of the tag \"%s\"", name)
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t\n")
		if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
			return "", nil, fmt.Errorf("expected quoted value of the attribute \"%s\"", key)
		}
		q := rest[0]
		end := strings.IndexByte(rest[1:], q)
		if end < 0 {
			return "", nil, fmt.Errorf("unclosed value of the attribute \"%s\"", key)
		}
		raw := rest[1 : 1+end]
		var val strings.Builder
		for j := 0; j < len(raw); {
			if raw[j] == '&' {
				r, n, err := parseEntity(raw[j:])
				if err != nil {
					return "", nil, err
				}
				val.WriteRune(r)
				j += n
				continue
			}
			if raw[j] == '<' || raw[j] == '>' {
				return "", nil, fmt.Errorf("character '%c' must be escaped in attribute values", raw[j])
			}
			val.WriteByte(raw[j])
			j++
		}
		attrs[key] = val.String()
		rest = rest[2+end:]
	}
}

// parseEntity decodes the entity at the start of s and returns its rune and
// length in bytes.
func parseEntity(s string) (rune, int, error) {
	end := strings.IndexByte(s, ';')
	if end < 0 || end > 12 {
		return 0, 0, fmt.Errorf("character '&' must be escaped with \"&amp;\"")
	}
	name := s[1:end]
	switch name {
	case "lt":
		return '<', end + 1, nil
	case "gt":
		return '>', end + 1, nil
	case "amp":
		return '&', end + 1, nil
	case "quot":
		return '"', end + 1, nil
	}
	if strings.HasPrefix(name, "#") {
		num, base := name[1:], 10
		if strings.HasPrefix(num, "x") || strings.HasPrefix(num, "X") {
			num, base = num[1:], 16
		}
		v, err := strconv.ParseUint(num, base, 32)
		if err == nil && num != "" && utf8.ValidRune(rune(v)) && v != 0 {
			return rune(v), end + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("unsupported HTML entity \"&%s;\"", name)
}

// TextLen is the length of s as Telegram counts message length: in UTF-16
// code units.
func TextLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
