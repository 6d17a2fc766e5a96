package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

// UserSettings returns the user's settings, or zero values when none are
// saved.
func (s *Store) UserSettings(ctx context.Context, u core.UserRef) (core.UserSettings, error) {
	var us core.UserSettings
	err := s.getJSON(ctx, s.key("user", u.Platform, u.ID), &us)
	return us, err
}

// SaveUserSettings replaces the user's settings. It returns a
// core.CodeInvalid error for a platform that is empty or contains ':'.
func (s *Store) SaveUserSettings(ctx context.Context, u core.UserRef, us core.UserSettings) error {
	if err := contract.CheckPlatform(u.Platform); err != nil {
		return err
	}
	return s.setJSON(ctx, s.key("user", u.Platform, u.ID), us)
}

// ChatSettings returns the chat's settings, or zero values when none are
// saved.
func (s *Store) ChatSettings(ctx context.Context, c core.ChatRef) (core.ChatSettings, error) {
	var cs core.ChatSettings
	err := s.getJSON(ctx, s.key("chat", c.Platform, c.ID), &cs)
	return cs, err
}

// SaveChatSettings replaces the chat's settings. It returns a
// core.CodeInvalid error for a platform that is empty or contains ':'.
func (s *Store) SaveChatSettings(ctx context.Context, c core.ChatRef, cs core.ChatSettings) error {
	if err := contract.CheckPlatform(c.Platform); err != nil {
		return err
	}
	return s.setJSON(ctx, s.key("chat", c.Platform, c.ID), cs)
}

// getJSON decodes the value at key into v, leaving v alone when key is
// absent.
func (s *Store) getJSON(ctx context.Context, key string, v any) error {
	raw, err := s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil
	}
	if err != nil {
		return unavailable(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("redis: %s: %w", key, err)
	}
	return nil
}

// setJSON stores v at key as JSON, with no expiry.
func (s *Store) setJSON(ctx context.Context, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("redis: %s: %w", key, err)
	}
	return unavailable(s.rdb.Set(ctx, key, raw, 0).Err())
}
