package core

import (
	"context"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/locales"
)

// Chats is the one owner of the decisions about a chat that the request
// engine, the push side and delivery all make: the language of the alerts
// pushed to it, whether a routine alert waits for its digest or the end of
// its quiet hours, and what happens to a chat that is gone or has moved to
// a new ID. It is safe for concurrent use.
type Chats struct {
	store       ChatsStore
	cat         *locales.Catalog
	defaultLang string
	loc         *time.Location
	now         func() time.Time
}

// ChatsStore is the part of Store that Chats uses.
type ChatsStore interface {
	SettingsStore
	SubscriptionStore
}

// ChatsConfig configures Chats.
type ChatsConfig struct {
	DefaultLang string         // a chat's language when it chose none; the catalog's first when empty
	Location    *time.Location // the zone of digests and quiet hours when a chat set none; UTC when nil
	Now         func() time.Time
}

// NewChats returns the chat policy over store. Held alerts are kept when
// store is also a DigestStore; otherwise nothing is ever held.
func NewChats(cfg ChatsConfig, store ChatsStore, cat *locales.Catalog) (*Chats, error) {
	if store == nil || cat == nil {
		return nil, fmt.Errorf("core: NewChats needs a store and a catalog")
	}
	if cfg.DefaultLang == "" {
		cfg.DefaultLang = cat.Langs()[0]
	}
	if !cat.Has(cfg.DefaultLang) {
		return nil, fmt.Errorf("core: default language %q is not one of %v", cfg.DefaultLang, cat.Langs())
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Chats{store: store, cat: cat, defaultLang: cfg.DefaultLang, loc: cfg.Location, now: cfg.Now}, nil
}

// DefaultLang returns the configured default language.
func (c *Chats) DefaultLang() string { return c.defaultLang }

// LangOf returns the alert language that settings s give: the chat's
// choice when it is a configured language, else the default.
func (c *Chats) LangOf(s ChatSettings) string {
	if c.cat.Has(s.Lang) {
		return s.Lang
	}
	return c.defaultLang
}

// Lang returns the language of alerts pushed to chat.
func (c *Chats) Lang(ctx context.Context, chat ChatRef) (string, error) {
	s, err := c.store.ChatSettings(ctx, chat)
	if err != nil {
		return "", err
	}
	return c.LangOf(s), nil
}

// Digests returns the store as a DigestStore, and false when it keeps no
// digests.
func (c *Chats) Digests() (DigestStore, bool) {
	ds, ok := c.store.(DigestStore)
	return ds, ok
}

// HoldAlert is asked by delivery for each chat of a broadcast's audience as
// it lists it. It returns the chat's language and whether the chat gets no
// job now: b, a section alert, was first seen before the chat subscribed to
// its section (so it is not sent at all), or b, a routine section alert,
// was held for the chat's digest (digest mode or quiet hours). Breaking
// news, corrections and retractions are never held. A held alert is stored
// before HoldAlert returns, so it is not lost if the process stops.
func (c *Chats) HoldAlert(ctx context.Context, chat ChatRef, b Broadcast) (lang string, held bool, err error) {
	s, err := c.store.ChatSettings(ctx, chat)
	if err != nil {
		return "", false, err
	}
	lang = c.LangOf(s)
	if b.Kind == BroadcastAlert && !b.Seen.IsZero() {
		since, err := c.store.SubscribedSince(ctx, chat, b.Section)
		if err != nil {
			return "", false, err
		}
		// Times are the store's, to the second: a chat that subscribed in
		// the second the story was seen gets it.
		if since.After(b.Seen) {
			return lang, true, nil
		}
	}
	if b.Kind != BroadcastAlert || b.Priority != PriorityRoutine || b.Section == content.Breaking {
		return lang, false, nil
	}
	ds, ok := c.Digests()
	if !ok {
		return lang, false, nil
	}
	now := c.now()
	due, hold := c.HoldUntil(s, now)
	if !hold {
		return lang, false, nil
	}
	item := DigestItem{ID: b.ID, ArticleID: b.ArticleID, Section: b.Section, At: now}
	if m := b.Message(lang); m.Card != nil {
		item.ArticleID, item.Title = m.Card.ArticleID, m.Card.Title
	}
	if _, err := ds.HoldDigestItem(ctx, chat, item, due); err != nil {
		return lang, false, err
	}
	return lang, true, nil
}

// Forget removes every subscription of a chat the bot can no longer post
// to (removed from a group, blocked by a user). Its settings are kept, so
// that a chat that comes back finds its language again. Errors are
// Unavailable.
func (c *Chats) Forget(ctx context.Context, chat ChatRef) error {
	if _, err := c.store.UnsubscribeAll(ctx, chat); err != nil {
		return Unavailable(err)
	}
	return nil
}

// Move gives chat to the subscriptions of chat from, which it replaces (a
// group upgraded to a supergroup gets a new ID), and from's settings unless
// to has settings of its own. from is left with no subscriptions; its
// settings stay, as with Forget. Moving again, or moving a chat that has
// nothing, changes nothing. Errors are Unavailable.
func (c *Chats) Move(ctx context.Context, from, to ChatRef) error {
	if from == to {
		return nil
	}
	secs, err := c.store.ChatSections(ctx, from)
	if err != nil {
		return Unavailable(err)
	}
	if len(secs) > 0 {
		if _, err := c.store.Subscribe(ctx, to, secs...); err != nil {
			return Unavailable(err)
		}
	}
	set, err := c.store.ChatSettings(ctx, from)
	if err != nil {
		return Unavailable(err)
	}
	if set != (ChatSettings{}) {
		have, err := c.store.ChatSettings(ctx, to)
		if err != nil {
			return Unavailable(err)
		}
		if have == (ChatSettings{}) {
			if err := c.store.SaveChatSettings(ctx, to, set); err != nil {
				return Unavailable(err)
			}
		}
	}
	// Last, so that a failure above leaves from as it was, to move again.
	if _, err := c.store.UnsubscribeAll(ctx, from); err != nil {
		return Unavailable(err)
	}
	return nil
}
