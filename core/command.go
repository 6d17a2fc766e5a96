package core

import (
	"strings"
	"unicode"
)

// MaxInputRunes is the longest message the engine reads. Longer messages
// get a translated "too long" answer.
const MaxInputRunes = 2000

// Command is a parsed command line.
type Command struct {
	Name string   // lower-case, without the slash, e.g. "latest"
	Bot  string   // the bot it is addressed to, from "/latest@newsbot"; may be empty
	Args []string // the words after the name
	Rest string   // everything after the name, trimmed, with inner spacing kept
}

// ParseCommand parses a message that starts with '/'. It accepts
// "/name@bot args", Telegram-style "/read_<id>" shortcuts (as "read" with the
// id as argument), any Unicode spacing between words, and strips control and
// invisible formatting characters. ok is false when text is not a command.
func ParseCommand(text string) (cmd Command, ok bool) {
	text = cleanText(text)
	if !strings.HasPrefix(text, "/") {
		return Command{}, false
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 {
		head, rest = head[:i], head[i:]+" "+rest
	}
	name, bot, _ := strings.Cut(head, "@")
	if name == "" || !isCommandName(name) {
		return Command{}, false
	}
	name = strings.ToLower(name)
	cmd = Command{Name: name, Bot: bot, Rest: strings.TrimSpace(rest)}
	if base, _, found := strings.Cut(name, "_"); found && readShortcuts[base] {
		// "/read_w1ro" is how Telegram users tap an article; IDs keep their
		// case. "/read_" alone is /read without its argument.
		cmd.Name = base
		_, origArg, _ := strings.Cut(head, "_")
		origArg, _, _ = strings.Cut(origArg, "@")
		cmd.Rest = strings.TrimSpace(origArg + " " + cmd.Rest)
	}
	cmd.Args = strings.Fields(cmd.Rest)
	return cmd, true
}

// readShortcuts are the commands that may be written "/name_arg".
var readShortcuts = map[string]bool{"read": true, "lang": true}

func isCommandName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
