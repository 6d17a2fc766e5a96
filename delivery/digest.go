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

// listDigest queues a digest's one job: to the chat its Target names, in
// the chat's language (the digest's own when the chat's is unknown).
func (e *Engine) listDigest(ctx context.Context, b core.Broadcast, deal dealFunc) error {
	chat, ok := core.DigestChat(b)
	if !ok {
		return errors.New("delivery: digest broadcast without a chat")
	}
	return deal([]core.ChatRef{chat}, func(chat core.ChatRef) (string, bool, error) {
		lang := b.Fallback
		l, err := e.chats.Lang(ctx, chat)
		if err != nil {
			return "", false, err
		}
		if _, has := b.Messages[l]; has {
			lang = l
		}
		return lang, false, nil
	})
}
