package memory

import (
	"context"
	"sort"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

// Subscribe adds the sections to the chat and returns those it did not have,
// in the order given. It returns a core.CodeInvalid error for an empty
// section or an invalid platform.
func (s *Store) Subscribe(_ context.Context, chat core.ChatRef, sections ...string) ([]string, error) {
	if err := contract.CheckPlatform(chat.Platform); err != nil {
		return nil, err
	}
	sections, err := contract.Sections(sections)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var added []string
	for _, sec := range sections {
		if s.chatSubs[chat][sec] {
			continue
		}
		if s.chatSubs[chat] == nil {
			s.chatSubs[chat] = map[string]bool{}
		}
		if s.secSubs[sec] == nil {
			s.secSubs[sec] = map[core.ChatRef]time.Time{}
		}
		s.chatSubs[chat][sec] = true
		s.secSubs[sec][chat] = s.now().Truncate(time.Second)
		added = append(added, sec)
	}
	return added, nil
}

// Unsubscribe removes the sections from the chat and returns those it had,
// in the order given.
func (s *Store) Unsubscribe(_ context.Context, chat core.ChatRef, sections ...string) ([]string, error) {
	if err := contract.CheckPlatform(chat.Platform); err != nil {
		return nil, err
	}
	sections, err := contract.Sections(sections)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var removed []string
	for _, sec := range sections {
		if !s.chatSubs[chat][sec] {
			continue
		}
		s.remove(chat, sec)
		removed = append(removed, sec)
	}
	return removed, nil
}

// UnsubscribeAll removes every subscription of the chat and returns the
// sections it had, sorted.
func (s *Store) UnsubscribeAll(_ context.Context, chat core.ChatRef) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	removed := sortedKeys(s.chatSubs[chat])
	for _, sec := range removed {
		s.remove(chat, sec)
	}
	return removed, nil
}

// remove deletes one subscription; s.mu is held.
func (s *Store) remove(chat core.ChatRef, sec string) {
	delete(s.chatSubs[chat], sec)
	if len(s.chatSubs[chat]) == 0 {
		delete(s.chatSubs, chat)
	}
	delete(s.secSubs[sec], chat)
	if len(s.secSubs[sec]) == 0 {
		delete(s.secSubs, sec)
	}
}

// ChatSections returns the chat's sections, sorted.
func (s *Store) ChatSections(_ context.Context, chat core.ChatRef) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sortedKeys(s.chatSubs[chat]), nil
}

// SectionChats calls fn with the section's chats in batches of at most batch
// (contract.DefaultBatch when batch <= 0) and returns fn's first error. It
// copies the section's chat list first and holds no lock while fn runs, so fn
// may call the store.
func (s *Store) SectionChats(ctx context.Context, section string, batch int, fn func([]core.ChatRef) error) error {
	batch = contract.Batch(batch)
	s.mu.RLock()
	chats := make([]core.ChatRef, 0, len(s.secSubs[section]))
	for c := range s.secSubs[section] {
		chats = append(chats, c)
	}
	s.mu.RUnlock()
	for len(chats) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(batch, len(chats))
		if err := fn(chats[:n:n]); err != nil {
			return err
		}
		chats = chats[n:]
	}
	return nil
}

// SubscribedSince returns when chat subscribed to section (to the second),
// and the zero time when it is not subscribed.
func (s *Store) SubscribedSince(_ context.Context, chat core.ChatRef, section string) (time.Time, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.secSubs[section][chat], nil
}

// CountSectionChats returns how many chats the section has.
func (s *Store) CountSectionChats(_ context.Context, section string) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.secSubs[section]), nil
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
