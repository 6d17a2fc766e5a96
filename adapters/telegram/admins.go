package telegram

import (
	"context"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// adminCache keeps each group's administrators for a short while, so that
// a busy group costs one getChatAdministrators per TTL. It is safe for
// concurrent use.
type adminCache struct {
	ttl   time.Duration
	fetch func(ctx context.Context, chat int64) (map[int64]bool, error)
	now   func() time.Time

	mu      sync.Mutex
	entries map[int64]adminEntry
}

type adminEntry struct {
	admins  map[int64]bool
	expires time.Time
}

func newAdminCache(ttl time.Duration, fetch func(ctx context.Context, chat int64) (map[int64]bool, error)) *adminCache {
	return &adminCache{ttl: ttl, fetch: fetch, now: time.Now, entries: map[int64]adminEntry{}}
}

// isAdmin reports whether user administers chat.
func (c *adminCache) isAdmin(ctx context.Context, chat, user int64) (bool, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[chat]
	c.mu.Unlock()
	if !ok || now.After(e.expires) {
		admins, err := c.fetch(ctx, chat)
		if err != nil {
			return false, err
		}
		e = adminEntry{admins: admins, expires: now.Add(c.ttl)}
		c.mu.Lock()
		if len(c.entries) > 10000 {
			for id, old := range c.entries {
				if now.After(old.expires) {
					delete(c.entries, id)
				}
			}
		}
		c.entries[chat] = e
		c.mu.Unlock()
	}
	return e.admins[user], nil
}

// forget drops chat's cached administrators, e.g. when the bot leaves it.
func (c *adminCache) forget(chat int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, chat)
}

func (b *Bot) fetchAdmins(ctx context.Context, chat int64) (map[int64]bool, error) {
	members, err := b.call(ctx).GetChatAdministrators(tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: chat}})
	if err != nil {
		return nil, redact(err, b.cfg.Token)
	}
	admins := map[int64]bool{}
	for _, m := range members {
		if m.User != nil && (m.Status == "creator" || m.Status == "administrator") {
			admins[m.User.ID] = true
		}
	}
	return admins, nil
}
