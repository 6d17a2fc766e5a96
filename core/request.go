package core

import (
	"time"

	"github.com/newsbot/newsbot/content"
)

// ChatKind tells where a request comes from.
type ChatKind string

// The kinds of chat.
const (
	ChatPrivate ChatKind = "private"
	ChatGroup   ChatKind = "group"
	ChatChannel ChatKind = "channel"
)

// User is who sends a request, as the adapter knows them.
type User struct {
	ID        string
	Name      string
	Locale    string // the platform's locale, e.g. "ru-RU"; may be empty
	Moderator bool   // the adapter's answer to "may this user post breaking news?"
}

// Chat is where a request comes from.
type Chat struct {
	ID        string
	Kind      ChatKind
	CanManage bool // the user may change this chat's subscriptions and language
	// Locale is the chat's own locale where the platform has one (a
	// Discord server's guild_locale), e.g. "ro"; may be empty. A chat
	// subscribed for the first time gets alerts in it, when it is one of
	// the bot's languages, rather than in the subscriber's.
	Locale string
}

// Request is one thing a user asked: a command line, or a button press.
type Request struct {
	Platform string
	User     User
	Chat     Chat
	Text     string // the message text, e.g. "/latest politics 3"
	Button   string // the payload of a pressed button; when set, Text is ignored
	// MessageID is the platform's ID of the message the pressed button is
	// on (for progress edits); empty for typed commands.
	MessageID string
	Time      time.Time
}

// ChatRef returns the request's chat reference.
func (r Request) ChatRef() ChatRef { return ChatRef{Platform: r.Platform, ID: r.Chat.ID} }

// MayManage reports whether the user may change the chat's subscriptions,
// language and alert settings: anyone in a private chat, else only those
// the adapter says manage the chat.
func (r Request) MayManage() bool {
	return r.Chat.Kind == ChatPrivate || r.Chat.Kind == "" || r.Chat.CanManage
}

// UserRef returns the request's user reference.
func (r Request) UserRef() UserRef { return UserRef{Platform: r.Platform, ID: r.User.ID} }

// Button is a button under a reply. Data is opaque to adapters and at most
// MaxButtonPayload bytes; pressing the button comes back as Request.Button.
type Button struct {
	Label string
	Data  string
}

// Item is one line of an article list.
type Item struct {
	ArticleID string
	Title     string
	Section   string // localized section name
	Time      string // localized publication time
	Lang      string // the edition's language when it differs from the reply's
	Snippet   string // search snippet; matched words are wrapped in Mark
}

// Mark is the pair of runes that Item.Snippet puts around matched words, so
// that adapters can highlight them in their own markup.
const (
	MarkStart = '\u2063' // invisible separator
	MarkEnd   = '\u2064' // invisible plus
)

// Edition is another language edition of an article.
type Edition struct {
	ArticleID string
	Lang      string
	LangName  string // localized name of the language
	Title     string
}

// Card is one article in full.
type Card struct {
	ArticleID string
	Title     string
	Section   string // localized section name
	Time      string // localized publication (and update) time
	Lead      string
	Summary   string
	Byline    string // localized "By …, translated by …"; may be empty
	URL       string
	Editions  []Edition
	// Image is the story's lead image: this edition's, with its alt text,
	// else another edition's without it (the alt text is in that edition's
	// language); zero when the story has none.
	Image content.Image
}

// Reply is what the engine answers, platform-neutral. Adapters render its
// parts in order: Title, Text, Items, Card, Footer, then Buttons.
type Reply struct {
	Lang      string   // the language the reply is written in
	Title     string   // a heading; may be empty
	Text      []string // paragraphs of plain text
	Items     []Item
	ItemLabel string // localized label of the open-article command, e.g. "read"
	Card      *Card
	Footer    string     // e.g. "Page 1 of 3"
	Buttons   [][]Button // rows of buttons
	// Edit asks the adapter to replace the message whose button was pressed
	// instead of sending a new one (pagination, toggles).
	Edit bool
	// Notice is a short text for the button press itself (Telegram shows it
	// as a toast); Alert makes it a dialog.
	Notice string
	Alert  bool
	// Error is the code of the error this reply explains, "" on success.
	Error Code
}
