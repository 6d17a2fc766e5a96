package delivery

import (
	"context"
	"errors"
	"time"

	"github.com/newsbot/newsbot/core"
)

// DigestKeep is how long the Redis ledger keeps a digest broadcast: long
// enough that a digest started again the same day (by another process, or
// after a crash) is recognised, short enough that a daily message to every
// digest chat does not pile up for DefaultKeep.
const DigestKeep = 3 * 24 * time.Hour

// Holder is implemented by a Core that holds routine alerts for chats that
// want them later, in a digest (*core.Engine does). When the bound Core is
// a Holder, listing a routine section alert asks it, instead of ChatLang,
// for each chat: the chat's language, and whether the alert was held, in
// which case no job is queued for that chat. Breaking news, corrections and
// retractions are never offered to it.
type Holder interface {
	HoldAlert(ctx context.Context, chat core.ChatRef, b core.Broadcast) (lang string, held bool, err error)
}

// holder returns the Holder to ask about b's chats, or nil when b is not a
// routine alert or the Core holds nothing.
func (e *Engine) holder(b core.Broadcast) Holder {
	if b.Kind != core.BroadcastAlert || b.Priority != core.PriorityRoutine {
		return nil
	}
	h, _ := e.chatCore().(Holder)
	return h
}

// listDigest queues a digest's one job: to the chat its Target names, in
// the chat's language (the digest's own when the chat's is unknown).
func (e *Engine) listDigest(ctx context.Context, b core.Broadcast, deal dealFunc) error {
	chat, ok := core.DigestChat(b)
	if !ok {
		return errors.New("delivery: digest broadcast without a chat")
	}
	return deal([]core.ChatRef{chat}, func(chat core.ChatRef) (string, bool, error) {
		lang := b.Fallback
		if c := e.chatCore(); c != nil {
			l, err := c.ChatLang(ctx, chat)
			if err != nil {
				return "", false, err
			}
			if _, has := b.Messages[l]; has {
				lang = l
			}
		}
		return lang, false, nil
	})
}
