package core

import (
	"context"
	"time"
)

// BroadcastKind says what a broadcast does in each chat it reaches.
type BroadcastKind string

// The kinds of broadcast.
const (
	// BroadcastBreaking is a moderator's breaking news, sent to the chats
	// subscribed to content.Breaking.
	BroadcastBreaking BroadcastKind = "breaking"
	// BroadcastAlert is a new article, sent to the chats subscribed to its
	// section.
	BroadcastAlert BroadcastKind = "alert"
	// BroadcastCorrect edits every delivered message of Target.
	BroadcastCorrect BroadcastKind = "correct"
	// BroadcastRetract deletes every delivered message of Target.
	BroadcastRetract BroadcastKind = "retract"
)

// Priority orders the messages sent to a platform: interactive replies
// first, then breaking news and its corrections, then routine alerts and
// digests. A higher value goes first.
type Priority int

// The priorities.
const (
	PriorityRoutine  Priority = 0
	PriorityBreaking Priority = 1
	// PriorityReply is an answer to a user's command or button press. It is
	// never queued as a broadcast; it orders the platform's shared limiter.
	PriorityReply Priority = 2
)

type priorityKey struct{}

// WithPriority returns ctx carrying p. A Sender that sends one reply as
// several messages spaces the later ones at the priority ctx carries
// (PriorityOf).
func WithPriority(ctx context.Context, p Priority) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

// PriorityOf returns the priority ctx carries (WithPriority), or
// PriorityRoutine when none.
func PriorityOf(ctx context.Context) Priority {
	p, _ := ctx.Value(priorityKey{}).(Priority)
	return p
}

// Broadcast is one fan-out: the same news to many chats, each in its own
// language. The engine builds it (rendering every message up front, so that
// subscribers see exactly what the moderator previewed); a Broadcaster
// delivers it.
type Broadcast struct {
	ID       string        `json:"id"`
	Kind     BroadcastKind `json:"kind"`
	Priority Priority      `json:"prio"`
	// Section is the audience of a breaking news or alert broadcast: the
	// chats subscribed to it.
	Section string `json:"section,omitempty"`
	// Target is the broadcast whose delivered messages a correct or retract
	// broadcast edits or deletes.
	Target string `json:"target,omitempty"`
	// Chat is the audience of a broadcast to one chat (a digest); nil for
	// the others.
	Chat *ChatRef `json:"chat,omitempty"`
	// Messages are the rendered messages by chat language. A chat whose
	// language has none gets Messages[Fallback].
	Messages map[string]Reply `json:"messages,omitempty"`
	Fallback string           `json:"fallback,omitempty"`
	// Texts are the moderator's own texts by language, and ArticleID the
	// article sent, for the audit trail.
	Texts     map[string]string `json:"texts,omitempty"`
	ArticleID string            `json:"article,omitempty"`
	// By is who posted it (empty for section alerts), ByName their name.
	By      UserRef   `json:"by"`
	ByName  string    `json:"by_name,omitempty"`
	Created time.Time `json:"created"`
	// Seen is, for a section alert, when its story was first seen: a chat
	// that subscribed to the section later gets no alert of it (it is not
	// news it signed up for). Zero for the other kinds.
	Seen time.Time `json:"seen,omitzero"`
	// Confirmed is when the moderator confirmed (or the alert was started):
	// delivery lag is measured from it.
	Confirmed time.Time `json:"confirmed"`
	// Report is the moderator's preview message, edited with progress and
	// the final report; nil for none. ReportLang is its language.
	Report     *SentRef `json:"report,omitempty"`
	ReportLang string   `json:"report_lang,omitempty"`
}

// Message returns the message for a chat in lang.
func (b Broadcast) Message(lang string) Reply {
	if r, ok := b.Messages[lang]; ok {
		return r
	}
	return b.Messages[b.Fallback]
}

// BroadcastStatus is a broadcast's audit record: what was sent, to how many
// chats, and what came of it.
type BroadcastStatus struct {
	Broadcast Broadcast `json:"broadcast"`
	// Listed is true once every job is queued; Total is final from then on.
	Listed bool `json:"listed"`
	Total  int  `json:"total"`
	// Reach counts the queued chats by platform and language.
	Reach map[string]map[string]int `json:"reach,omitempty"`
	Sent  int                       `json:"sent"`
	// Failed counts failed chats by "<class>:<reason>", e.g.
	// "gone:blocked" or "transient:timeout".
	Failed map[string]int `json:"failed,omitempty"`
	// Gone counts chats unsubscribed because they are gone; Moved counts
	// chats whose subscriptions moved to a new chat ID.
	Gone      int       `json:"gone"`
	Moved     int       `json:"moved"`
	FirstSent time.Time `json:"first_sent"`
	Finished  time.Time `json:"finished"`
}

// FailedCount returns how many chats failed, for any reason.
func (s BroadcastStatus) FailedCount() int {
	n := 0
	for _, v := range s.Failed {
		n += v
	}
	return n
}

// Remaining returns how many queued chats have no outcome yet.
func (s BroadcastStatus) Remaining() int {
	if r := s.Total - s.Sent - s.FailedCount(); r > 0 {
		return r
	}
	return 0
}

// Done reports whether every chat of the broadcast has an outcome.
func (s BroadcastStatus) Done() bool { return s.Listed && s.Remaining() == 0 }

// Broadcaster delivers broadcasts; package delivery implements it on a
// durable queue. Implementations are safe for concurrent use.
type Broadcaster interface {
	// Start queues one delivery per chat of b's audience and returns once
	// b is recorded; listing the chats may go on in the background. Starting
	// an ID that was already started does nothing, so a double confirmation
	// or a repeated alert never sends twice.
	Start(ctx context.Context, b Broadcast) error
	// Status returns the broadcast's record, or ErrNotFound.
	Status(ctx context.Context, id string) (BroadcastStatus, error)
	// Recent returns up to n of the latest broadcasts, newest first.
	Recent(ctx context.Context, n int) ([]BroadcastStatus, error)
	// Superseded returns the latest correction of broadcast id, or its
	// retraction, and which of the two it is; "" when it has neither. A
	// correction or retraction is recorded by the time Start returns it,
	// and a retraction is final: no later correction replaces it.
	Superseded(ctx context.Context, id string) (by string, kind BroadcastKind, err error)
}

// Translator translates text between languages for breaking news and
// alerts that lack an edition in a chat's language. It is optional.
type Translator interface {
	Translate(ctx context.Context, text, from, to string) (string, error)
}
