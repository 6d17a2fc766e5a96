package core

import "context"

// DefaultLang returns the configured default language.
func (e *Engine) DefaultLang() string { return e.cfg.DefaultLang }

// ForgetChat removes every subscription of a chat the bot can no longer
// post to (removed from a group, blocked by a user). Its settings are kept,
// so that a chat that comes back finds its language again.
func (e *Engine) ForgetChat(ctx context.Context, chat ChatRef) error {
	if _, err := e.store.UnsubscribeAll(ctx, chat); err != nil {
		return Unavailable(err)
	}
	return nil
}

// MoveChat gives chat to the subscriptions of chat from, which it
// replaces (a Telegram group upgraded to a supergroup gets a new ID), and
// from's settings unless to has settings of its own. from is left with no
// subscriptions; its settings stay, as with ForgetChat. Moving again, or
// moving a chat that has nothing, changes nothing. Errors are Unavailable.
func (e *Engine) MoveChat(ctx context.Context, from, to ChatRef) error {
	if from == to {
		return nil
	}
	secs, err := e.store.ChatSections(ctx, from)
	if err != nil {
		return Unavailable(err)
	}
	if len(secs) > 0 {
		if _, err := e.store.Subscribe(ctx, to, secs...); err != nil {
			return Unavailable(err)
		}
	}
	set, err := e.store.ChatSettings(ctx, from)
	if err != nil {
		return Unavailable(err)
	}
	if set != (ChatSettings{}) {
		have, err := e.store.ChatSettings(ctx, to)
		if err != nil {
			return Unavailable(err)
		}
		if have == (ChatSettings{}) {
			if err := e.store.SaveChatSettings(ctx, to, set); err != nil {
				return Unavailable(err)
			}
		}
	}
	// Last, so that a failure above leaves from as it was, to move again.
	if _, err := e.store.UnsubscribeAll(ctx, from); err != nil {
		return Unavailable(err)
	}
	return nil
}
