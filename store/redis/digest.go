package redis

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

var _ core.DigestStore = (*Store)(nil)

// The digest keys are in the package doc's key schema. Every change is one
// Lua script over a chat's keys and the schedule, so that an item is held,
// sealed and removed atomically: it is never in two places or none,
// whatever process stops when.
func (s *Store) digestKeys(chat core.ChatRef) (held, sealed, sealDue, due string) {
	return s.key("digest", "held", chat.Platform, chat.ID), s.key("digest", "sealed", chat.Platform, chat.ID),
		s.key("digest", "sealdue", chat.Platform, chat.ID), s.key("digest", "due")
}

// digestOrderKey is the zset of chat's held item IDs by the time they were
// held, which finds the oldest when the cap is reached.
func (s *Store) digestOrderKey(chat core.ChatRef) string {
	return s.key("digest", "heldorder", chat.Platform, chat.ID)
}

// digestHoldScript adds an item unless it is held or sealed, drops the
// oldest held items past the cap, and schedules the chat unless it is due
// earlier. Equal times order by ID, as zset members of one score do. KEYS:
// held, sealed, due, heldorder. ARGV: item ID, item JSON, due (s), chat,
// held at (Unix µs), cap.
var digestHoldScript = goredis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
local over = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[6])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[4], 0, over - 1)
  for _, id in ipairs(old) do
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[4], id)
  end
end
local cur = redis.call('ZSCORE', KEYS[3], ARGV[4])
if not cur or tonumber(cur) > tonumber(ARGV[3]) then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4]) end
return 1
`)

// HoldDigestItem implements core.DigestStore.
func (s *Store) HoldDigestItem(ctx context.Context, chat core.ChatRef, item core.DigestItem, due time.Time) (bool, error) {
	if err := contract.CheckPlatform(chat.Platform); err != nil {
		return false, err
	}
	if item.ID == "" {
		return false, core.Errorf(core.CodeInvalid, "err_invalid_digest_item", nil)
	}
	buf, err := json.Marshal(item)
	if err != nil {
		return false, fmt.Errorf("redis: digest item: %w", err)
	}
	held, sealed, _, dueKey := s.digestKeys(chat)
	n, err := digestHoldScript.Run(ctx, s.rdb, []string{held, sealed, dueKey, s.digestOrderKey(chat)},
		item.ID, buf, due.Unix(), chat.String(), item.At.UnixMicro(), core.MaxHeldDigestItems).Int()
	if err != nil {
		return false, unavailable(err)
	}
	return n == 1, nil
}

// HeldDigestItems implements core.DigestStore.
func (s *Store) HeldDigestItems(ctx context.Context, chat core.ChatRef) ([]core.DigestItem, error) {
	held, _, _, _ := s.digestKeys(chat)
	vals, err := s.rdb.HVals(ctx, held).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	return decodeItems(held, vals)
}

// decodeItems decodes JSON items ordered by At, then ID.
func decodeItems(key string, vals []string) ([]core.DigestItem, error) {
	out := make([]core.DigestItem, 0, len(vals))
	for _, v := range vals {
		var it core.DigestItem
		if err := json.Unmarshal([]byte(v), &it); err != nil {
			return nil, fmt.Errorf("redis: %s: %w", key, err)
		}
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b core.DigestItem) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// DueDigests implements core.DigestStore.
func (s *Store) DueDigests(ctx context.Context, now time.Time, max int) ([]core.DigestDue, error) {
	if max <= 0 {
		max = 100
	}
	_, _, _, dueKey := s.digestKeys(core.ChatRef{})
	zs, err := s.rdb.ZRangeByScoreWithScores(ctx, dueKey, &goredis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.Unix(), 10), Count: int64(max),
	}).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]core.DigestDue, 0, len(zs))
	for _, z := range zs {
		member, _ := z.Member.(string)
		platform, id, ok := strings.Cut(member, ":")
		if !ok {
			continue
		}
		out = append(out, core.DigestDue{Chat: core.ChatRef{Platform: platform, ID: id}, Due: time.Unix(int64(z.Score), 0)})
	}
	return out, nil
}

// digestRescheduleScript schedules a chat that has held or sealed items.
// KEYS: held, sealed, due. ARGV: due (s), chat.
var digestRescheduleScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
end
return 1
`)

// RescheduleDigest implements core.DigestStore.
func (s *Store) RescheduleDigest(ctx context.Context, chat core.ChatRef, due time.Time) error {
	held, sealed, _, dueKey := s.digestKeys(chat)
	return unavailable(digestRescheduleScript.Run(ctx, s.rdb, []string{held, sealed, dueKey}, due.Unix(), chat.String()).Err())
}

// digestSealScript returns the sealed batch, or seals the held items when the
// chat is due at exactly the given time. It returns {due, items} or nil.
// The held items' order goes with them. KEYS: held, sealed, sealdue, due,
// heldorder. ARGV: due (s), chat.
var digestSealScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {redis.call('GET', KEYS[3]) or '', redis.call('HVALS', KEYS[2])}
end
local cur = redis.call('ZSCORE', KEYS[4], ARGV[2])
if not cur or tonumber(cur) ~= tonumber(ARGV[1]) then return false end
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[4], ARGV[2])
  return false
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('DEL', KEYS[5])
redis.call('SET', KEYS[3], ARGV[1])
return {ARGV[1], redis.call('HVALS', KEYS[2])}
`)

// SealDigest implements core.DigestStore.
func (s *Store) SealDigest(ctx context.Context, chat core.ChatRef, due time.Time) (core.DigestBatch, bool, error) {
	held, sealed, sealDue, dueKey := s.digestKeys(chat)
	res, err := digestSealScript.Run(ctx, s.rdb, []string{held, sealed, sealDue, dueKey, s.digestOrderKey(chat)}, due.Unix(), chat.String()).Slice()
	if errors.Is(err, goredis.Nil) {
		return core.DigestBatch{}, false, nil
	}
	if err != nil {
		return core.DigestBatch{}, false, unavailable(err)
	}
	if len(res) != 2 {
		return core.DigestBatch{}, false, fmt.Errorf("redis: %s: unexpected seal reply %v", sealed, res)
	}
	sec, err := strconv.ParseInt(fmt.Sprint(res[0]), 10, 64)
	if err != nil {
		return core.DigestBatch{}, false, fmt.Errorf("redis: %s: sealed batch without its due time", sealDue)
	}
	raw, _ := res[1].([]any)
	vals := make([]string, 0, len(raw))
	for _, v := range raw {
		str, _ := v.(string)
		vals = append(vals, str)
	}
	items, err := decodeItems(sealed, vals)
	if err != nil {
		return core.DigestBatch{}, false, err
	}
	return core.DigestBatch{Due: time.Unix(sec, 0), Items: items}, true, nil
}

// digestFinishScript deletes the batch sealed for the given due time and
// reschedules or unschedules the chat. KEYS: held, sealed, sealdue, due.
// ARGV: due (s), next (s), chat.
var digestFinishScript = goredis.NewScript(`
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
else
  redis.call('ZREM', KEYS[4], ARGV[3])
end
return 1
`)

// FinishDigest implements core.DigestStore.
func (s *Store) FinishDigest(ctx context.Context, chat core.ChatRef, due, next time.Time) error {
	held, sealed, sealDue, dueKey := s.digestKeys(chat)
	return unavailable(digestFinishScript.Run(ctx, s.rdb, []string{held, sealed, sealDue, dueKey},
		strconv.FormatInt(due.Unix(), 10), next.Unix(), chat.String()).Err())
}
