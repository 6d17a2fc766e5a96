package memory

import (
	"context"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

// UserSettings returns the user's settings, or zero values when none are
// saved.
func (s *Store) UserSettings(_ context.Context, u core.UserRef) (core.UserSettings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.users[u], nil
}

// SaveUserSettings replaces the user's settings. It returns a
// core.CodeInvalid error for a platform that is empty or contains ':'.
func (s *Store) SaveUserSettings(_ context.Context, u core.UserRef, us core.UserSettings) error {
	if err := contract.CheckPlatform(u.Platform); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u] = us
	return nil
}

// ChatSettings returns the chat's settings, or zero values when none are
// saved.
func (s *Store) ChatSettings(_ context.Context, c core.ChatRef) (core.ChatSettings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.chats[c], nil
}

// SaveChatSettings replaces the chat's settings. It returns a
// core.CodeInvalid error for a platform that is empty or contains ':'.
func (s *Store) SaveChatSettings(_ context.Context, c core.ChatRef, cs core.ChatSettings) error {
	if err := contract.CheckPlatform(c.Platform); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats[c] = cs
	return nil
}
