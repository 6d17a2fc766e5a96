package core

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"time"
)

// BroadcastDigest is one chat's digest: the routine alerts held for it
// while it is in digest mode or in quiet hours, sent as one message. Its
// audience is the single chat named by its Chat field (see DigestChat); its
// ID comes from DigestID, so that a digest is started once however many
// processes try.
const BroadcastDigest BroadcastKind = "digest"

// MaxDigestItems is how many stories one digest message lists; the rest
// are counted ("and N more").
const MaxDigestItems = 20

// MaxHeldDigestItems is how many items a DigestStore holds for one chat:
// holding one more drops the oldest, so that a chat whose digest never goes
// out (its platform is down, say) does not grow without bound.
const MaxHeldDigestItems = 200

// DigestInterval is how often RunDigests looks for due digests.
const DigestInterval = time.Minute

// DigestItem is a routine alert held for a chat's digest.
type DigestItem struct {
	// ID is the alert's broadcast ID: a story is held once per chat.
	ID string `json:"id"`
	// ArticleID is the edition in the chat's language when there was one.
	ArticleID string `json:"article"`
	Section   string `json:"section,omitempty"`
	// Title is the title the chat would have seen, for when the article is
	// gone by the time the digest is sent.
	Title string    `json:"title,omitempty"`
	At    time.Time `json:"at"` // when it was held
}

// DigestDue is a chat whose digest is due.
type DigestDue struct {
	Chat ChatRef
	Due  time.Time
}

// DigestBatch is the items of one digest, sealed for sending: items held
// after the seal wait for the next digest.
type DigestBatch struct {
	// Due is the time the batch was sealed for; DigestID(chat, Due) is the
	// digest broadcast's ID.
	Due   time.Time
	Items []DigestItem // ordered by At, then ID
}

// DigestStore holds routine alerts for chats that want them later (digest
// mode, quiet hours) until their digest is due, durably: an item is removed
// only by FinishDigest, after its digest broadcast is recorded.
// store/memory and store/redis implement it; Chats finds it on its store
// with a type assertion. Times are kept to the second. Every method is
// atomic and safe for concurrent use by several processes.
//
// A chat's items are either held (collecting) or sealed (one batch being
// sent); a chat with either is scheduled at a due time.
type DigestStore interface {
	// HoldDigestItem adds item to chat's held items and reports true,
	// unless an item with its ID is held or sealed for chat (false). When
	// chat then holds more than MaxHeldDigestItems, the oldest (by At, then
	// ID; possibly item itself) are dropped. It schedules chat's digest at
	// due unless it is scheduled earlier. An empty item ID or an invalid
	// chat is a CodeInvalid error.
	HoldDigestItem(ctx context.Context, chat ChatRef, item DigestItem, due time.Time) (bool, error)
	// HeldDigestItems returns chat's held items, not the sealed ones,
	// ordered by At, then ID.
	HeldDigestItems(ctx context.Context, chat ChatRef) ([]DigestItem, error)
	// DueDigests returns up to max chats (100 when max <= 0) scheduled at
	// or before now, earliest first.
	DueDigests(ctx context.Context, now time.Time, max int) ([]DigestDue, error)
	// RescheduleDigest moves chat's digest to due when chat has held or
	// sealed items, and does nothing otherwise.
	RescheduleDigest(ctx context.Context, chat ChatRef, due time.Time) error
	// SealDigest returns the batch to send for chat's digest due at due.
	// A batch sealed before (by a process that stopped before finishing
	// it) is returned as it is, with its own Due. Otherwise, when chat is
	// scheduled at exactly due and has held items, they become the sealed
	// batch. It reports false, sealing nothing, when chat is scheduled at
	// another time or not at all (another process sent it), and when it has
	// nothing held (it is then unscheduled).
	SealDigest(ctx context.Context, chat ChatRef, due time.Time) (DigestBatch, bool, error)
	// FinishDigest deletes chat's sealed batch when it was sealed for due,
	// then schedules chat at next when it has held items and unschedules it
	// otherwise. When the sealed batch is another one or there is none (a
	// repeat), it does nothing.
	FinishDigest(ctx context.Context, chat ChatRef, due, next time.Time) error
}

// DigestID is the broadcast ID of chat's digest due at due: the same in
// every process, so that a digest is sent once.
func DigestID(chat ChatRef, due time.Time) string {
	h := sha1.Sum([]byte(chat.String() + "|" + due.UTC().Format(time.RFC3339)))
	return "d" + hex.EncodeToString(h[:])[:11]
}

// DigestChat returns the chat a digest broadcast goes to, and false when b
// is not a digest or names no chat.
func DigestChat(b Broadcast) (ChatRef, bool) {
	if b.Kind != BroadcastDigest || b.Chat == nil {
		return ChatRef{}, false
	}
	return *b.Chat, b.Chat.Platform != "" && b.Chat.ID != ""
}
