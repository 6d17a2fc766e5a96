package redis

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

var _ delivery.Ledger = (*Ledger)(nil)

// Ledger is the production delivery.Ledger. With P the key prefix:
//
//	P bc:{id}          string  the broadcast as JSON
//	P bc:{id}:st       hash    counters: listed, total, reach (JSON), sent,
//	                           failed, f:<class>:<reason>, gone, moved,
//	                           first and finished (Unix ms)
//	                           sup and supk: the broadcast that last
//	                           corrected or retracted this one, its kind
//	P bc:{id}:out      hash    chat "platform:id" -> delivery.Outcome
//	                           as JSON
//	P bc:{id}:ls       hash    while listing: chat -> "q:<lang>" (job
//	                           queued) or "h" (held for a digest)
//	P bc:{id}:lock     string  while listing: the lister's consumer name
//	P bc:recent        list    broadcast IDs, newest first, the last 200
//	P bc:unlisted      zset    IDs of broadcasts not yet listed, by creation
//	                           time (Unix ms)
//
// Broadcast keys expire after the keep given to NewLedger, a digest's after
// delivery.DigestKeep (its outcome hash, one field, after keep); digests
// stay out of bc:recent. Creating a broadcast and finishing a job are each
// one Lua script, so a record and its counters change together or not at
// all.
type Ledger struct {
	c      goredis.UniversalClient
	prefix string
	keep   time.Duration
}

// NewLedger returns a ledger on c under key prefix, keeping records for
// keep (delivery.DefaultKeep when 0).
func NewLedger(c goredis.UniversalClient, prefix string, keep time.Duration) *Ledger {
	if keep <= 0 {
		keep = delivery.DefaultKeep
	}
	return &Ledger{c: c, prefix: prefix, keep: keep}
}

func (l *Ledger) key(id, part string) string { return l.prefix + "bc:" + id + part }

// createScript records a broadcast whole, once.
// KEYS: bc, st, recent, unlisted. ARGV: JSON, keep (ms), "1" for a digest,
// now (ms), id.
var createScript = goredis.NewScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], 'total', 0)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if ARGV[3] ~= '1' then
  redis.call('LPUSH', KEYS[3], ARGV[5])
  redis.call('LTRIM', KEYS[3], 0, 199)
end
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[5])
return 1
`)

// Create implements delivery.Ledger with one script.
func (l *Ledger) Create(ctx context.Context, b core.Broadcast) (bool, error) {
	buf, err := json.Marshal(b)
	if err != nil {
		return false, err
	}
	keep := l.keep
	digest := "0"
	if b.Kind == core.BroadcastDigest { // one per chat a day: not for /broadcasts
		keep, digest = min(keep, delivery.DigestKeep), "1"
	}
	n, err := createScript.Run(ctx, l.c, []string{l.key(b.ID, ""), l.key(b.ID, ":st"), l.prefix + "bc:recent", l.unlistedKey()},
		buf, keep.Milliseconds(), digest, time.Now().UnixMilli(), b.ID).Int()
	return n == 1, err
}

func (l *Ledger) unlistedKey() string { return l.prefix + "bc:unlisted" }

// Unlisted implements delivery.Ledger. IDs whose broadcast expired are dropped.
func (l *Ledger) Unlisted(ctx context.Context) ([]string, error) {
	ids, err := l.c.ZRange(ctx, l.unlistedKey(), 0, 999).Result()
	if err != nil {
		return nil, err
	}
	out := ids[:0]
	for _, id := range ids {
		n, err := l.c.Exists(ctx, l.key(id, "")).Result()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			l.c.ZRem(ctx, l.unlistedKey(), id)
			continue
		}
		out = append(out, id)
	}
	return out, nil
}

// lockScript takes or renews a lock. KEYS: lock. ARGV: owner, ttl (ms).
var lockScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)

// LockListing implements delivery.Ledger.
func (l *Ledger) LockListing(ctx context.Context, id, owner string, ttl time.Duration) (bool, error) {
	n, err := lockScript.Run(ctx, l.c, []string{l.key(id, ":lock")}, owner, max(ttl.Milliseconds(), 1)).Int()
	return n == 1, err
}

// MarkListed implements delivery.Ledger.
func (l *Ledger) MarkListed(ctx context.Context, id string, es []delivery.ListEntry) error {
	if len(es) == 0 {
		return nil
	}
	vals := make([]any, 0, 2*len(es))
	for _, e := range es {
		v := "q:" + e.Lang
		if e.Held {
			v = "h"
		}
		vals = append(vals, e.Chat.String(), v)
	}
	pipe := l.c.Pipeline()
	pipe.HSet(ctx, l.key(id, ":ls"), vals...)
	pipe.Expire(ctx, l.key(id, ":ls"), l.keep)
	_, err := pipe.Exec(ctx)
	return err
}

// ListedChats implements delivery.Ledger.
func (l *Ledger) ListedChats(ctx context.Context, id string, chats []core.ChatRef) ([]delivery.ListEntry, error) {
	if len(chats) == 0 {
		return nil, nil
	}
	fields := make([]string, len(chats))
	for i, c := range chats {
		fields[i] = c.String()
	}
	vals, err := l.c.HMGet(ctx, l.key(id, ":ls"), fields...).Result()
	if err != nil {
		return nil, err
	}
	var out []delivery.ListEntry
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		e := delivery.ListEntry{Chat: chats[i], Held: s == "h"}
		e.Lang, _ = strings.CutPrefix(s, "q:")
		if e.Held {
			e.Lang = ""
		}
		out = append(out, e)
	}
	return out, nil
}

// supersedeScript marks a broadcast superseded unless it was retracted.
// KEYS: st. ARGV: by, kind.
var supersedeScript = goredis.NewScript(`
if redis.call('HGET', KEYS[1], 'supk') == 'retract' then return 0 end
redis.call('HSET', KEYS[1], 'sup', ARGV[1], 'supk', ARGV[2])
return 1
`)

// Supersede implements delivery.Ledger.
func (l *Ledger) Supersede(ctx context.Context, target, by string, kind core.BroadcastKind) error {
	return supersedeScript.Run(ctx, l.c, []string{l.key(target, ":st")}, by, string(kind)).Err()
}

// Superseded implements delivery.Ledger.
func (l *Ledger) Superseded(ctx context.Context, id string) (string, core.BroadcastKind, error) {
	v, err := l.c.HMGet(ctx, l.key(id, ":st"), "sup", "supk").Result()
	if err != nil {
		return "", "", err
	}
	by, _ := v[0].(string)
	kind, _ := v[1].(string)
	return by, core.BroadcastKind(kind), nil
}

// finishScript records one outcome and its counters, once. An alias is
// recorded uncounted, with a field "a:<chat>" that the chat's own outcome
// removes to count it instead.
// KEYS: out, st. ARGV: chat, outcome JSON, failed, gone, moved, at (ms),
// keep (ms), "1" for an alias.
var finishScript = goredis.NewScript(`
if ARGV[8] == '1' then
  if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
  redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], '1')
  if redis.call('TTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[7]) end
  return 1
end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  if redis.call('HDEL', KEYS[1], 'a:' .. ARGV[1]) == 0 then return 0 end
end
if ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[2], 'f:' .. ARGV[3], 1)
  redis.call('HINCRBY', KEYS[2], 'failed', 1)
else
  redis.call('HINCRBY', KEYS[2], 'sent', 1)
  local f = redis.call('HGET', KEYS[2], 'first')
  if not f or tonumber(f) > tonumber(ARGV[6]) then redis.call('HSET', KEYS[2], 'first', ARGV[6]) end
end
if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[2], 'gone', 1) end
if ARGV[5] == '1' then redis.call('HINCRBY', KEYS[2], 'moved', 1) end
local s = redis.call('HMGET', KEYS[2], 'listed', 'total', 'sent', 'failed', 'finished')
if s[1] == '1' and not s[5] and tonumber(s[3] or 0) + tonumber(s[4] or 0) >= tonumber(s[2] or 0) then
  redis.call('HSET', KEYS[2], 'finished', ARGV[6])
end
if redis.call('TTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[7]) end
return 1
`)

// listedScript records the total and, when every job already has an
// outcome, the finish, and ends the listing. KEYS: st, unlisted, ls, lock.
// ARGV: total, reach JSON, at (ms), id.
var listedScript = goredis.NewScript(`
redis.call('ZREM', KEYS[2], ARGV[4])
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('HSET', KEYS[1], 'listed', '1', 'total', ARGV[1], 'reach', ARGV[2])
local s = redis.call('HMGET', KEYS[1], 'sent', 'failed', 'finished')
if not s[3] and tonumber(s[1] or 0) + tonumber(s[2] or 0) >= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'finished', ARGV[3])
end
return 1
`)

// Listed implements delivery.Ledger.
func (l *Ledger) Listed(ctx context.Context, id string, total int, reach map[string]map[string]int) error {
	buf, err := json.Marshal(reach)
	if err != nil {
		return err
	}
	return listedScript.Run(ctx, l.c, []string{l.key(id, ":st"), l.unlistedKey(), l.key(id, ":ls"), l.key(id, ":lock")},
		total, buf, time.Now().UnixMilli(), id).Err()
}

// Broadcast implements delivery.Ledger.
func (l *Ledger) Broadcast(ctx context.Context, id string) (core.Broadcast, error) {
	var b core.Broadcast
	buf, err := l.c.Get(ctx, l.key(id, "")).Bytes()
	if errors.Is(err, goredis.Nil) {
		return b, core.ErrNotFound
	}
	if err != nil {
		return b, err
	}
	return b, json.Unmarshal(buf, &b)
}

// Outcome implements delivery.Ledger.
func (l *Ledger) Outcome(ctx context.Context, id string, chat core.ChatRef) (delivery.Outcome, bool, error) {
	var o delivery.Outcome
	buf, err := l.c.HGet(ctx, l.key(id, ":out"), chat.String()).Bytes()
	if errors.Is(err, goredis.Nil) {
		return o, false, nil
	}
	if err != nil {
		return o, false, err
	}
	return o, true, json.Unmarshal(buf, &o)
}

// Finish implements delivery.Ledger.
func (l *Ledger) Finish(ctx context.Context, id string, chat core.ChatRef, o delivery.Outcome) (bool, error) {
	buf, err := json.Marshal(o)
	if err != nil {
		return false, err
	}
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	n, err := finishScript.Run(ctx, l.c, []string{l.key(id, ":out"), l.key(id, ":st")},
		chat.String(), buf, o.Failed, flag(o.Gone), flag(o.Moved), o.At.UnixMilli(), l.keep.Milliseconds(), flag(o.Alias)).Int()
	return n == 1, err
}

// Records implements delivery.Ledger with HSCAN.
func (l *Ledger) Records(ctx context.Context, id string, fn func([]delivery.Record) error) error {
	iter := l.c.HScan(ctx, l.key(id, ":out"), 0, "", 500).Iterator()
	var batch []delivery.Record
	for iter.Next(ctx) {
		field := iter.Val()
		if !iter.Next(ctx) {
			break
		}
		var o delivery.Outcome
		if json.Unmarshal([]byte(iter.Val()), &o) != nil || o.Ref == nil || o.Alias {
			continue
		}
		platform, chatID, _ := strings.Cut(field, ":")
		batch = append(batch, delivery.Record{Chat: core.ChatRef{Platform: platform, ID: chatID}, Ref: *o.Ref, Lang: o.Lang, Version: o.Version})
		if len(batch) == 500 {
			if err := fn(batch); err != nil {
				return err
			}
			batch = nil
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// Status implements delivery.Ledger.
func (l *Ledger) Status(ctx context.Context, id string) (core.BroadcastStatus, error) {
	b, err := l.Broadcast(ctx, id)
	if err != nil {
		return core.BroadcastStatus{}, err
	}
	m, err := l.c.HGetAll(ctx, l.key(id, ":st")).Result()
	if err != nil {
		return core.BroadcastStatus{}, err
	}
	num := func(k string) int { n, _ := strconv.Atoi(m[k]); return n }
	ms := func(k string) time.Time {
		if n, err := strconv.ParseInt(m[k], 10, 64); err == nil && n > 0 {
			return time.UnixMilli(n)
		}
		return time.Time{}
	}
	st := core.BroadcastStatus{
		Broadcast: b, Listed: m["listed"] == "1", Total: num("total"), Sent: num("sent"),
		Gone: num("gone"), Moved: num("moved"), FirstSent: ms("first"), Finished: ms("finished"),
	}
	if r := m["reach"]; r != "" {
		_ = json.Unmarshal([]byte(r), &st.Reach)
	}
	for k, v := range m {
		if reason, ok := strings.CutPrefix(k, "f:"); ok {
			if st.Failed == nil {
				st.Failed = map[string]int{}
			}
			st.Failed[reason], _ = strconv.Atoi(v)
		}
	}
	return st, nil
}

// Recent implements delivery.Ledger.
func (l *Ledger) Recent(ctx context.Context, n int) ([]core.BroadcastStatus, error) {
	ids, err := l.c.LRange(ctx, l.prefix+"bc:recent", 0, int64(n-1)).Result()
	if err != nil {
		return nil, err
	}
	var out []core.BroadcastStatus
	for _, id := range ids {
		st, err := l.Status(ctx, id)
		if core.ErrorCode(err) == core.CodeNotFound {
			continue // expired
		}
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
