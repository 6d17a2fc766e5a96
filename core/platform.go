package core

import (
	"strings"
	"time"
)

// Rate is Count sends per Per, with bursts of up to Burst sends (at least
// one). A zero Rate is no limit.
type Rate struct {
	Count int
	Per   time.Duration
	Burst int
}

// Platform describes a chat platform: what the engine and delivery need to
// know of it, and nothing they hard-code. Each adapter exports one value
// (telegram.Traits, for example); core and delivery read it and hold no
// platform facts of their own. Two traits are not here because neither
// reads them: the longest message (each adapter splits its own replies)
// and whether sent messages can be edited or deleted (a sender that can
// implements core.Editor or core.Deleter, which delivery asks).
type Platform struct {
	// Name is the platform's name in requests and chat references.
	Name string
	// Global is the platform's limit on every message the bot sends,
	// shared by every process.
	Global Rate
	// ChatRates are the per-chat limits by kind of chat; a kind missing
	// here is not limited per chat.
	ChatRates map[ChatKind]Rate
	// KindOf tells the kind of a chat from its ID, for a platform whose IDs
	// say it; nil means every chat is ChatPrivate.
	KindOf func(chatID string) ChatKind
	// MaxButtonData is the longest button payload the platform takes, in
	// bytes; 0 means the platform has no buttons.
	MaxButtonData int
	// ArticleCommand writes the command that opens an article as one
	// tappable word, e.g. "/read_%s"; "" when the platform has none (the
	// engine then writes "/read <id>").
	ArticleCommand string
}

// ChatRate returns the per-chat limit of chat.
func (p Platform) ChatRate(chatID string) Rate {
	kind := ChatPrivate
	if p.KindOf != nil {
		kind = p.KindOf(chatID)
	}
	return p.ChatRates[kind]
}

// ReadCommand returns the command that opens article id on p.
func (p Platform) ReadCommand(id string) string {
	if p.ArticleCommand != "" && strings.Contains(p.ArticleCommand, "%s") {
		return strings.Replace(p.ArticleCommand, "%s", id, 1)
	}
	return "/read " + id
}
