package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Cut preferences, best first.
const (
	cutParagraph = iota
	cutLine
	cutSentence
	cutWord
	cutRune
	cutLevels
)

// splitHTML splits Telegram HTML s into texts of at most limit UTF-16 code
// units. It cuts at the last paragraph break that fits, else a line break,
// a sentence end, a space, or any character, but never inside a tag or an
// entity; tags open at a cut are closed before it and opened again after
// it. Chunks without any text are dropped.
func splitHTML(s string, limit int) []string {
	var out []string
	prefix := "" // the tags reopened from the previous chunk
	// A window of s holds more than limit UTF-16 units (a unit is at most
	// three bytes), so each cut looks at O(limit) bytes and splitting stays
	// linear in len(s).
	window := 3*limit + 64
	for {
		s = strings.TrimLeft(s, " \n")
		if s == "" {
			return out
		}
		win := s
		if len(win) > window {
			win = win[:window]
		}
		cur := prefix + win
		if len(win) == len(s) && utf16Len(cur) <= limit {
			if cur = strings.TrimRight(cur, " \n"); hasText(cur) {
				out = append(out, cur)
			}
			return out
		}
		cut, open := findCut(cur, limit)
		head := strings.TrimRight(cur[:cut], " \n") + closing(open)
		if hasText(head) {
			out = append(out, head)
		}
		s = s[max(cut-len(prefix), 0):]
		prefix = opening(open)
	}
}

type openTag struct {
	name string // e.g. "a"
	full string // e.g. `<a href="…">`
}

func closing(open []openTag) string {
	var b strings.Builder
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i].name + ">")
	}
	return b.String()
}

func opening(open []openTag) string {
	var b strings.Builder
	for _, t := range open {
		b.WriteString(t.full)
	}
	return b.String()
}

// findCut returns the byte offset to cut s at and the tags open there.
func findCut(s string, limit int) (int, []openTag) {
	var (
		stack    []openTag
		best     [cutLevels]int
		bestOpen [cutLevels][]openTag
		units    int  // UTF-16 units of s[:i]
		text     bool // text seen before i
		prev     rune // the last text rune before i
		prev2    rune
	)
	closeLen := 0 // units of closing(stack)
	consider := func(i int) {
		if !text || units+closeLen > limit {
			return
		}
		level := cutRune
		switch {
		case prev == '\n' && prev2 == '\n':
			level = cutParagraph
		case prev == '\n':
			level = cutLine
		case prev == ' ' && strings.ContainsRune(".!?…;", prev2):
			level = cutSentence
		case prev == ' ':
			level = cutWord
		}
		for l := level; l < cutLevels; l++ {
			best[l] = i
			bestOpen[l] = stack
		}
	}
	for i := 0; i < len(s) && units <= limit; {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				end = len(s) - i - 1
			}
			tag := s[i : i+end+1]
			// stack is never changed in place: candidates keep a reference
			// to the stack of their position.
			if strings.HasPrefix(tag, "</") {
				if len(stack) > 0 {
					stack = stack[: len(stack)-1 : len(stack)-1]
				}
			} else {
				name := strings.TrimSuffix(strings.TrimPrefix(tag, "<"), ">")
				if j := strings.IndexAny(name, " \t\n"); j >= 0 {
					name = name[:j]
				}
				stack = append(stack[:len(stack):len(stack)], openTag{name: name, full: tag})
			}
			closeLen = utf16Len(closing(stack))
			units += utf16Len(tag)
			i += end + 1
			consider(i)
		case '&':
			end := strings.IndexByte(s[i:], ';')
			if end < 0 {
				end = 0
			}
			units += end + 1
			i += end + 1
			prev2, prev, text = prev, '&', true
			consider(i)
		default:
			r, size := decodeRune(s[i:])
			units += runeUnits(r)
			i += size
			prev2, prev, text = prev, r, true
			consider(i)
		}
	}
	// Prefer the best kind of cut unless it leaves a chunk under a quarter
	// full; any-character cuts always exist once some text fits.
	for l := 0; l < cutLevels; l++ {
		if best[l] > 0 && utf16Len(s[:best[l]]) >= limit/4 {
			return best[l], bestOpen[l]
		}
	}
	if best[cutRune] > 0 {
		return best[cutRune], bestOpen[cutRune]
	}
	// Not even one character fits next to its open tags: cut after the
	// first character so that the loop progresses.
	return firstTextEnd(s), nil
}

// firstTextEnd is the offset just past the first text character of s,
// after any leading tags.
func firstTextEnd(s string) int {
	for i := 0; i < len(s); {
		if s[i] == '<' {
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return len(s)
			}
			i += end + 1
			continue
		}
		if s[i] == '&' {
			if end := strings.IndexByte(s[i:], ';'); end >= 0 {
				return i + end + 1
			}
		}
		_, size := decodeRune(s[i:])
		return i + size
	}
	return len(s)
}

// hasText reports whether HTML s has any non-space text outside tags.
func hasText(s string) bool {
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in && r != ' ' && r != '\n':
			return true
		}
	}
	return false
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1
}

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }
