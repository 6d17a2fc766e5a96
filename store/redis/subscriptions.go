package redis

import (
	"context"
	"fmt"
	"sort"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

// The subscription scripts keep both directions in step atomically. A chat's
// set holds small integer section IDs rather than names, so that Redis keeps
// it as a compact intset; the hashes at section:ids and section:names map
// between the two, and section:seq hands out IDs.
//
// Subscribe and Unsubscribe take KEYS = chat set, section:ids,
// section:names, section:seq, then the set of each section ARGV[i] (i >= 2)
// at KEYS[i+3]; ARGV[1] is the chat as a section member. They return the
// sections that changed. The section side is written even when the chat side
// did not change, which repairs any drift.
var (
	subscribeScript = goredis.NewScript(`
local changed = {}
for i = 2, #ARGV do
  local id = redis.call('HGET', KEYS[2], ARGV[i])
  if not id then
    id = redis.call('INCR', KEYS[4])
    redis.call('HSET', KEYS[2], ARGV[i], id)
    redis.call('HSET', KEYS[3], id, ARGV[i])
  end
  if redis.call('SADD', KEYS[1], id) == 1 then changed[#changed + 1] = ARGV[i] end
  redis.call('SADD', KEYS[i + 3], ARGV[1])
end
return changed`)
	unsubscribeScript = goredis.NewScript(`
local changed = {}
for i = 2, #ARGV do
  local id = redis.call('HGET', KEYS[2], ARGV[i])
  if id and redis.call('SREM', KEYS[1], id) == 1 then changed[#changed + 1] = ARGV[i] end
  redis.call('SREM', KEYS[i + 3], ARGV[1])
end
return changed`)
	// KEYS = chat set, section:names; ARGV = the chat as a member, the
	// prefix of section sets. The section keys come from the chat's set, so
	// they cannot be declared up front: this script assumes one Redis (or
	// that all of the prefix lives in one cluster slot).
	unsubscribeAllScript = goredis.NewScript(`
local names = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local name = redis.call('HGET', KEYS[2], id)
  if name then
    names[#names + 1] = name
    redis.call('SREM', ARGV[2] .. name, ARGV[1])
  end
end
redis.call('DEL', KEYS[1])
return names`)
	// KEYS = chat set, section:names. Returns the chat's section names.
	chatSectionsScript = goredis.NewScript(`
local names = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local name = redis.call('HGET', KEYS[2], id)
  if name then names[#names + 1] = name end
end
return names`)
)

// member encodes chat as a member of a section's set.
func member(chat core.ChatRef) string { return chat.Platform + ":" + chat.ID }

// parseMember decodes a member of a section's set.
func parseMember(m string) core.ChatRef {
	p, id, _ := strings.Cut(m, ":")
	return core.ChatRef{Platform: p, ID: id}
}

func (s *Store) chatKey(chat core.ChatRef) string {
	return s.key("subs", "chat", chat.Platform, chat.ID)
}

func (s *Store) sectionKey(section string) string { return s.key("subs", "section", section) }

// Subscribe adds the sections to the chat and returns those it did not have,
// in the order given. It returns a core.CodeInvalid error for an empty
// section or an invalid platform.
func (s *Store) Subscribe(ctx context.Context, chat core.ChatRef, sections ...string) ([]string, error) {
	return s.change(ctx, subscribeScript, chat, sections)
}

// Unsubscribe removes the sections from the chat and returns those it had,
// in the order given.
func (s *Store) Unsubscribe(ctx context.Context, chat core.ChatRef, sections ...string) ([]string, error) {
	return s.change(ctx, unsubscribeScript, chat, sections)
}

// change runs a subscription script.
func (s *Store) change(ctx context.Context, script *goredis.Script, chat core.ChatRef, sections []string) ([]string, error) {
	keys, args, err := s.scriptArgs(chat, sections)
	if err != nil || len(args) == 1 {
		return nil, err
	}
	res, err := script.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return nil, unavailable(err)
	}
	return res, nil
}

// scriptArgs checks a change and returns its script keys and arguments.
func (s *Store) scriptArgs(chat core.ChatRef, sections []string) (keys []string, args []any, err error) {
	if err := contract.CheckPlatform(chat.Platform); err != nil {
		return nil, nil, err
	}
	sections, err = contract.Sections(sections)
	if err != nil {
		return nil, nil, err
	}
	keys = make([]string, 4, len(sections)+4)
	keys[0] = s.chatKey(chat)
	keys[1], keys[2], keys[3] = s.key("section", "ids"), s.key("section", "names"), s.key("section", "seq")
	args = make([]any, 1, len(sections)+1)
	args[0] = member(chat)
	for _, sec := range sections {
		keys = append(keys, s.sectionKey(sec))
		args = append(args, sec)
	}
	return keys, args, nil
}

// UnsubscribeAll removes every subscription of the chat and returns the
// sections it had, sorted.
func (s *Store) UnsubscribeAll(ctx context.Context, chat core.ChatRef) ([]string, error) {
	keys := []string{s.chatKey(chat), s.key("section", "names")}
	res, err := unsubscribeAllScript.Run(ctx, s.rdb, keys, member(chat), s.sectionKey("")).StringSlice()
	if err != nil {
		return nil, unavailable(err)
	}
	sort.Strings(res)
	if len(res) == 0 {
		return nil, nil
	}
	return res, nil
}

// ChatSections returns the chat's sections, sorted.
func (s *Store) ChatSections(ctx context.Context, chat core.ChatRef) ([]string, error) {
	keys := []string{s.chatKey(chat), s.key("section", "names")}
	res, err := chatSectionsScript.Run(ctx, s.rdb, keys).StringSlice()
	if err != nil {
		return nil, unavailable(err)
	}
	if len(res) == 0 {
		return nil, nil
	}
	sort.Strings(res)
	return res, nil
}

// SectionChats calls fn with the section's chats in batches of at most batch
// (contract.DefaultBatch when batch <= 0), read with SSCAN so that no more
// than about one batch is in memory at a time. It returns fn's first error.
// As SSCAN promises, a chat may come twice, and a chat subscribed or
// unsubscribed meanwhile may or may not come.
func (s *Store) SectionChats(ctx context.Context, section string, batch int, fn func([]core.ChatRef) error) error {
	batch = contract.Batch(batch)
	key := s.sectionKey(section)
	buf := make([]core.ChatRef, 0, batch)
	var cursor uint64
	for {
		members, next, err := s.rdb.SScan(ctx, key, cursor, "", scanCount(batch)).Result()
		if err != nil {
			return unavailable(err)
		}
		for _, m := range members {
			buf = append(buf, parseMember(m))
			if len(buf) == batch {
				if err := fn(buf); err != nil {
					return err
				}
				buf = make([]core.ChatRef, 0, batch)
			}
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return nil
}

// CountSectionChats returns how many chats the section has.
func (s *Store) CountSectionChats(ctx context.Context, section string) (int, error) {
	n, err := s.rdb.SCard(ctx, s.sectionKey(section)).Result()
	if err != nil {
		return 0, unavailable(err)
	}
	return int(n), nil
}

// Subscription is one chat's sections, for SubscribeMany and
// UnsubscribeMany.
type Subscription struct {
	Chat     core.ChatRef
	Sections []string
}

// bulkChunk is how many changes SubscribeMany sends per pipeline.
const bulkChunk = 1000

// SubscribeMany subscribes many chats at once, for imports and bulk tools:
// each chat's change is atomic, as with Subscribe, and they travel to Redis
// in pipelines. It returns how many subscriptions were new. When it fails
// part-way, the chats before the failure are subscribed; repeating the
// call is safe.
func (s *Store) SubscribeMany(ctx context.Context, subs []Subscription) (added int, err error) {
	return s.changeMany(ctx, subscribeScript, subs)
}

// UnsubscribeMany is the bulk Unsubscribe; it returns how many subscriptions
// were removed. When it fails part-way, repeating the call is safe.
func (s *Store) UnsubscribeMany(ctx context.Context, subs []Subscription) (removed int, err error) {
	return s.changeMany(ctx, unsubscribeScript, subs)
}

func (s *Store) changeMany(ctx context.Context, script *goredis.Script, subs []Subscription) (int, error) {
	type change struct {
		keys []string
		args []any
	}
	changes := make([]change, 0, len(subs))
	for _, sub := range subs {
		keys, args, err := s.scriptArgs(sub.Chat, sub.Sections)
		if err != nil {
			return 0, err
		}
		if len(args) > 1 {
			changes = append(changes, change{keys, args})
		}
	}
	total := 0
	for start := 0; start < len(changes); start += bulkChunk {
		chunk := changes[start:min(start+bulkChunk, len(changes))]
		for attempt := 0; ; attempt++ {
			cmds, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for _, c := range chunk {
					script.EvalSha(ctx, p, c.keys, c.args...)
				}
				return nil
			})
			// A restarted Redis has forgotten the script: load it and send
			// the chunk again, which the scripts make harmless.
			if err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") && attempt == 0 {
				if err := script.Load(ctx, s.rdb).Err(); err != nil {
					return total, unavailable(err)
				}
				continue
			}
			if err != nil {
				return total, unavailable(err)
			}
			for _, cmd := range cmds {
				res, err := cmd.(*goredis.Cmd).StringSlice()
				if err != nil {
					return total, unavailable(fmt.Errorf("bulk change: %w", err))
				}
				total += len(res)
			}
			break
		}
	}
	return total, nil
}

// scanCount is the COUNT hint of SectionChats' SSCAN: about one batch, but
// at least a few thousand members a round trip, so that small batches do
// not cost a round trip each, and at most 10,000 at a time.
func scanCount(batch int) int64 {
	return int64(min(max(batch, 4000), 10000))
}
