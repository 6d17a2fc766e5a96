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
