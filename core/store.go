package core

import (
	"context"
	"time"

	"github.com/newsbot/newsbot/content"
)

// ChatRef names a chat on a platform. ID is the platform's own chat ID
// written as a string (Telegram's int64, a Discord channel snowflake, …).
type ChatRef struct {
	Platform string `json:"p"`
	ID       string `json:"c"`
}

func (c ChatRef) String() string { return c.Platform + ":" + c.ID }

// UserRef names a user on a platform.
type UserRef struct {
	Platform string
	ID       string
}

func (u UserRef) String() string { return u.Platform + ":" + u.ID }

// ArticleFilter selects articles for FindArticles. Zero fields select all.
type ArticleFilter struct {
	Lang    string
	Section string
	Offset  int
	Limit   int // 0 means the store's default (20)
}

// SaveResult tells what SaveArticle did.
type SaveResult struct {
	Created bool // the ID was new
	Updated bool // the ID existed and the content changed: Version moved up
	Version int  // the stored version
}

// ArticleStore keeps articles and their versions. Implementations are safe
// for concurrent use.
type ArticleStore interface {
	// SaveArticle stores a. A new ID is stored as version 1; an existing ID
	// with different content becomes the next version (keeping the first
	// Published time unless a sets one); identical content changes nothing.
	SaveArticle(ctx context.Context, a content.Article) (SaveResult, error)
	// Article returns the newest version of the article, or ErrNotFound.
	Article(ctx context.Context, id string) (content.Article, error)
	// FindArticles returns the newest articles matching f, newest first by
	// Published time.
	FindArticles(ctx context.Context, f ArticleFilter) ([]content.Article, error)
	// Editions returns every article of the translation group, in no
	// particular order; an empty group has none.
	Editions(ctx context.Context, group string) ([]content.Article, error)
	// ArticleByURL returns the newest version of the article last saved
	// with url as its URL, or ErrNotFound. URLs that differ only in scheme
	// (http or https), host case, a default port, the fragment or a
	// trailing slash name the same article; the query counts.
	ArticleByURL(ctx context.Context, url string) (content.Article, error)
}

// FeedLog remembers which feeds the bot has polled, across restarts and
// processes, so that the items a feed holds at its first poll (its
// backlog) are stored without being announced. Implementations are safe
// for concurrent use.
type FeedLog interface {
	// FeedPolled returns when the feed was first polled in full, or the
	// zero time if never. The caller names the feed (the poller: its
	// language and URL).
	FeedPolled(ctx context.Context, feed string) (time.Time, error)
	// MarkFeedPolled records t as the feed's first full poll unless one is
	// recorded already, and returns the recorded time.
	MarkFeedPolled(ctx context.Context, feed string, t time.Time) (time.Time, error)
}

// UserSettings are a user's choices.
type UserSettings struct {
	Lang string `json:"lang,omitempty"` // chosen with /lang; "" means none
}

// ChatSettings are a chat's choices.
type ChatSettings struct {
	Lang       string `json:"lang,omitempty"`        // language of pushed alerts; "" means the default
	NoBreaking bool   `json:"no_breaking,omitempty"` // the chat unsubscribed from breaking news
	// DigestAt is the daily digest's time of day, "HH:MM" in Zone: routine
	// alerts are held and sent together then. "" means alerts go out at once.
	DigestAt string `json:"digest_at,omitempty"`
	// QuietFrom and QuietTo are quiet hours, "HH:MM" in Zone: routine
	// alerts that come then are held until QuietTo. "" means none.
	QuietFrom string `json:"quiet_from,omitempty"`
	QuietTo   string `json:"quiet_to,omitempty"`
	// Zone is the IANA time zone of DigestAt and the quiet hours, e.g.
	// "Europe/Chisinau"; "" means the bot's configured zone.
	Zone string `json:"zone,omitempty"`
}

// SettingsStore keeps user and chat settings. Missing settings are returned
// as zero values, not as errors.
type SettingsStore interface {
	UserSettings(ctx context.Context, u UserRef) (UserSettings, error)
	SaveUserSettings(ctx context.Context, u UserRef, s UserSettings) error
	ChatSettings(ctx context.Context, c ChatRef) (ChatSettings, error)
	SaveChatSettings(ctx context.Context, c ChatRef, s ChatSettings) error
}

// SubscriptionStore keeps which chats get alerts of which sections, both
// ways: chat to sections and section to chats. Every method is atomic.
type SubscriptionStore interface {
	// Subscribe adds the sections to the chat and returns those that were
	// not there before.
	Subscribe(ctx context.Context, chat ChatRef, sections ...string) (added []string, err error)
	// Unsubscribe removes the sections from the chat and returns those that
	// were there.
	Unsubscribe(ctx context.Context, chat ChatRef, sections ...string) (removed []string, err error)
	// UnsubscribeAll removes every subscription of the chat and returns the
	// sections it had.
	UnsubscribeAll(ctx context.Context, chat ChatRef) (removed []string, err error)
	// ChatSections returns the chat's sections, sorted.
	ChatSections(ctx context.Context, chat ChatRef) ([]string, error)
	// SectionChats calls fn with the section's chats in batches of at most
	// batch chats (a default when batch <= 0), never loading every member at
	// once. It stops at and returns fn's first error. A chat may appear in
	// two batches if it is subscribed while the listing runs.
	SectionChats(ctx context.Context, section string, batch int, fn func([]ChatRef) error) error
	// CountSectionChats returns how many chats the section has.
	CountSectionChats(ctx context.Context, section string) (int, error)
	// SubscribedSince returns when chat subscribed to section, to the
	// second by the store's clock (a subscription that is already there
	// keeps its time); the zero time when it is not subscribed or the time
	// is unknown (a subscription stored before times were kept).
	SubscribedSince(ctx context.Context, chat ChatRef, section string) (time.Time, error)
}

// Cache keeps computed values, such as summaries, for a while.
type Cache interface {
	// Get returns the value and true, or false when the key is absent or
	// expired.
	Get(ctx context.Context, key string) ([]byte, bool, error)
	// Set stores the value; ttl <= 0 means no expiry.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// Store is every storage contract core needs, as one value. store/memory and
// store/redis implement it.
type Store interface {
	ArticleStore
	FeedLog
	SettingsStore
	SubscriptionStore
	Cache
}
