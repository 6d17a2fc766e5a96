package redis

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

// Bucket counts of the subscription layout (see the package doc). A chat's
// bucket is the FNV-1a hash of its member string; its chat bucket is that
// hash modulo ChatBuckets and its section bucket the hash modulo
// SectionBuckets. Changing either moves every chat: it needs a new
// SchemaVersion.
const (
	// ChatBuckets is how many hashes hold the chat-to-sections direction.
	// At 128 chats or fewer a hash is a listpack, about 30 bytes a chat;
	// 65,536 buckets keep them so up to about 6,000,000 chats (a Poisson
	// tail past 128 is rare below a mean of about 95), and past that the
	// fuller buckets turn into hashtables, about 90 bytes a chat, still
	// correct. An empty bucket is no key, so a small bot pays nothing for
	// the count.
	ChatBuckets = 65536
	// SectionBuckets is how many hashes each section's chats are spread
	// over. It keeps buckets listpacks up to about 400,000 chats in one
	// section, and each bucket small enough to read in one command however
	// big the section grows. A section bitmap names the buckets that hold
	// chats, so listing a small section reads only its few buckets.
	SectionBuckets = 4096
)

// The subscription scripts keep both directions, the section counts and the
// bucket bitmaps in step atomically. A chat's field holds its sections as a
// bitmask of small integer section IDs (bit id%8 of byte id/8); the hashes
// at section:ids and section:names map between names and IDs, and
// section:seq hands out IDs.
//
// luaMask is the bitmask code the scripts share (with Redis's LuaBitOp
// library, bit): a mask is a Lua table of bytes, which pack turns back into
// a string without trailing zero bytes, or nil for no sections.
const luaMask = `
local function unpackmask(v) if not v then return {} end return {string.byte(v, 1, -1)} end
local function pack(m)
  local n = #m
  while n > 0 and m[n] == 0 do m[n] = nil; n = n - 1 end
  if n == 0 then return nil end
  return string.char(unpack(m))
end
`

// luaIDs lists the section IDs of a mask.
const luaIDs = `
local function ids(m)
  local out = {}
  for j = 1, #m do
    local byte = m[j]
    for b = 0, 7 do
      if bit.band(byte, bit.lshift(1, b)) ~= 0 then out[#out + 1] = (j - 1) * 8 + b end
    end
  end
  return out
end
`

// luaLeave removes member from a section bucket: the count goes down, the
// bucket's bit is cleared when the bucket empties, and the bitmap goes when
// the section has no chats left.
const luaLeave = `
local function leave(bucket, bitmap, counts, sec, member, k)
  if redis.call('HDEL', bucket, member) == 0 then return end
  if redis.call('HINCRBY', counts, sec, -1) <= 0 then
    redis.call('HDEL', counts, sec)
    redis.call('DEL', bitmap)
  elseif redis.call('EXISTS', bucket) == 0 then
    redis.call('SETBIT', bitmap, k, 0)
  end
end
`

// Subscribe and Unsubscribe take KEYS = chat bucket, section:ids,
// section:names, section:seq, subs:counts, then for the section ARGV[i]
// (i >= 3) its bucket at KEYS[2i] and its bitmap at KEYS[2i+1]; ARGV[1] is
// the chat's member string and ARGV[2] its section bucket. They return the
// sections that changed. The section side is written even when the chat
// side did not change, which repairs any drift.
var (
	subscribeScript = goredis.NewScript(luaMask + `
local member, k = ARGV[1], tonumber(ARGV[2])
local now = redis.call('TIME')[1]
local mask = unpackmask(redis.call('HGET', KEYS[1], member))
local changed = {}
for i = 3, #ARGV do
  local sec = ARGV[i]
  local id = redis.call('HGET', KEYS[2], sec)
  if not id then
    id = redis.call('INCR', KEYS[4])
    redis.call('HSET', KEYS[2], sec, id)
    redis.call('HSET', KEYS[3], id, sec)
  end
  id = tonumber(id)
  local j, b = bit.rshift(id, 3) + 1, bit.lshift(1, bit.band(id, 7))
  for n = #mask + 1, j do mask[n] = 0 end
  if bit.band(mask[j], b) == 0 then
    mask[j] = bit.bor(mask[j], b)
    changed[#changed + 1] = sec
  end
  if redis.call('HSETNX', KEYS[2 * i], member, now) == 1 then
    redis.call('HINCRBY', KEYS[5], sec, 1)
    redis.call('SETBIT', KEYS[2 * i + 1], k, 1)
  end
end
if #changed > 0 then redis.call('HSET', KEYS[1], member, pack(mask)) end
return changed`)
	unsubscribeScript = goredis.NewScript(luaMask + luaLeave + `
local member, k = ARGV[1], tonumber(ARGV[2])
local mask = unpackmask(redis.call('HGET', KEYS[1], member))
local changed = {}
for i = 3, #ARGV do
  local sec = ARGV[i]
  local id = redis.call('HGET', KEYS[2], sec)
  if id then
    id = tonumber(id)
    local j, b = bit.rshift(id, 3) + 1, bit.lshift(1, bit.band(id, 7))
    if bit.band(mask[j] or 0, b) ~= 0 then
      mask[j] = mask[j] - b
      changed[#changed + 1] = sec
    end
  end
  leave(KEYS[2 * i], KEYS[2 * i + 1], KEYS[5], sec, member, k)
end
if #changed > 0 then
  local v = pack(mask)
  if v then redis.call('HSET', KEYS[1], member, v) else redis.call('HDEL', KEYS[1], member) end
end
return changed`)
	// KEYS = chat bucket, section:names, subs:counts; ARGV = the chat's
	// member string, its section bucket, the key prefix of section buckets,
	// the key prefix of section bitmaps. The section keys come from the
	// chat's mask, so they cannot be declared up front: this script assumes
	// one Redis (or that all of the prefix lives in one cluster slot).
	unsubscribeAllScript = goredis.NewScript(luaMask + luaIDs + luaLeave + `
local member, k = ARGV[1], tonumber(ARGV[2])
local v = redis.call('HGET', KEYS[1], member)
if not v then return {} end
local names = {}
for _, id in ipairs(ids(unpackmask(v))) do
  local sec = redis.call('HGET', KEYS[2], id)
  if sec then
    names[#names + 1] = sec
    leave(ARGV[3] .. sec .. ':' .. ARGV[2], ARGV[4] .. sec, KEYS[3], sec, member, k)
  end
end
redis.call('HDEL', KEYS[1], member)
return names`)
	// KEYS = chat bucket, section:names; ARGV = the chat's member string.
	// Returns the chat's section names.
	chatSectionsScript = goredis.NewScript(luaMask + luaIDs + `
local names = {}
for _, id in ipairs(ids(unpackmask(redis.call('HGET', KEYS[1], ARGV[1])))) do
  local name = redis.call('HGET', KEYS[2], id)
  if name then names[#names + 1] = name end
end
return names`)
)

// member encodes chat as a field of its chat bucket and its section
// buckets.
func member(chat core.ChatRef) string { return chat.Platform + ":" + chat.ID }

// parseMember decodes a member string.
func parseMember(m string) core.ChatRef {
	p, id, _ := strings.Cut(m, ":")
	return core.ChatRef{Platform: p, ID: id}
}

// bucketHash is the 32-bit FNV-1a hash of a member string, which places a
// chat in its buckets.
func bucketHash(m string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(m); i++ {
		h ^= uint32(m[i])
		h *= 16777619
	}
	return h
}

// subKeys are the subscription keys and key prefixes, made once at Open.
type subKeys struct {
	ids, names, seq, counts string
	chats                   string // prefix of chat buckets
	section                 string // prefix of section buckets
	bitmap                  string // prefix of section bitmaps
}

func (s *Store) subKeys() subKeys {
	return subKeys{
		ids: s.key("section", "ids"), names: s.key("section", "names"), seq: s.key("section", "seq"),
		counts: s.key("subs", "counts"),
		chats:  s.key("subs", "chats", ""), section: s.key("subs", "section", ""), bitmap: s.key("subs", "buckets", ""),
	}
}

// chatKey returns the chat bucket of member m.
func (s *Store) chatKey(m string) string {
	return s.sub.chats + strconv.FormatUint(uint64(bucketHash(m)%ChatBuckets), 10)
}

// sectionBucket returns the section bucket of member m.
func sectionBucket(m string) string {
	return strconv.FormatUint(uint64(bucketHash(m)%SectionBuckets), 10)
}

func (s *Store) sectionBucketKey(section, bucket string) string {
	return s.sub.section + section + ":" + bucket
}

func (s *Store) bitmapKey(section string) string { return s.sub.bitmap + section }

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
	if err != nil || len(args) == 2 {
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
	m := member(chat)
	bucket := sectionBucket(m)
	keys = make([]string, 5, 2*len(sections)+5)
	keys[0] = s.chatKey(m)
	keys[1], keys[2], keys[3], keys[4] = s.sub.ids, s.sub.names, s.sub.seq, s.sub.counts
	args = make([]any, 2, len(sections)+2)
	args[0], args[1] = m, bucket
	for _, sec := range sections {
		keys = append(keys, s.sectionBucketKey(sec, bucket), s.bitmapKey(sec))
		args = append(args, sec)
	}
	return keys, args, nil
}

// UnsubscribeAll removes every subscription of the chat and returns the
// sections it had, sorted.
func (s *Store) UnsubscribeAll(ctx context.Context, chat core.ChatRef) ([]string, error) {
	m := member(chat)
	keys := []string{s.chatKey(m), s.sub.names, s.sub.counts}
	args := []any{m, sectionBucket(m), s.sub.section, s.sub.bitmap}
	res, err := unsubscribeAllScript.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return nil, unavailable(err)
	}
	if len(res) == 0 {
		return nil, nil
	}
	sort.Strings(res)
	return res, nil
}

// ChatSections returns the chat's sections, sorted.
func (s *Store) ChatSections(ctx context.Context, chat core.ChatRef) ([]string, error) {
	m := member(chat)
	keys := []string{s.chatKey(m), s.sub.names}
	res, err := chatSectionsScript.Run(ctx, s.rdb, keys, m).StringSlice()
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
// (contract.DefaultBatch when batch <= 0). It reads the section's bitmap,
// then the buckets it names with HKEYS, pipelined a few at a time so that
// each round trip brings about one batch (at least a few thousand chats, at
// most about ten thousand, or one bucket): no more than that is in memory at
// once. It returns fn's first error. A chat subscribed or unsubscribed
// meanwhile may or may not come, and a chat comes once otherwise.
func (s *Store) SectionChats(ctx context.Context, section string, batch int, fn func([]core.ChatRef) error) error {
	batch = contract.Batch(batch)
	buckets, count, err := s.sectionBuckets(ctx, section)
	if err != nil || len(buckets) == 0 {
		return err
	}
	perTrip := bucketsPerTrip(batch, count, len(buckets))
	buf := make([]core.ChatRef, 0, batch)
	cmds := make([]*goredis.StringSliceCmd, 0, perTrip)
	for start := 0; start < len(buckets); start += perTrip {
		group := buckets[start:min(start+perTrip, len(buckets))]
		cmds = cmds[:0]
		_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for _, k := range group {
				cmds = append(cmds, p.HKeys(ctx, s.sectionBucketKey(section, strconv.Itoa(k))))
			}
			return nil
		})
		if err != nil {
			return unavailable(err)
		}
		for _, cmd := range cmds {
			for _, m := range cmd.Val() {
				buf = append(buf, parseMember(m))
				if len(buf) == batch {
					if err := fn(buf); err != nil {
						return err
					}
					buf = make([]core.ChatRef, 0, batch)
				}
			}
		}
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return nil
}

// sectionBuckets returns the buckets that hold the section's chats, in
// order, and how many chats it has, in one round trip.
func (s *Store) sectionBuckets(ctx context.Context, section string) (buckets []int, count int, err error) {
	var bitmap, n *goredis.StringCmd
	// The commands' own errors are checked below, where a missing key
	// (goredis.Nil) is no error.
	_, _ = s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		bitmap = p.Get(ctx, s.bitmapKey(section))
		n = p.HGet(ctx, s.sub.counts, section)
		return nil
	})
	for _, cmd := range []*goredis.StringCmd{bitmap, n} {
		if err := cmd.Err(); err != nil && !errors.Is(err, goredis.Nil) {
			return nil, 0, unavailable(err)
		}
	}
	count, _ = n.Int()
	bits := bitmap.Val()
	for i := 0; i < len(bits); i++ {
		// SETBIT numbers bits from the most significant bit of byte 0.
		for b := byte(0); b < 8; b++ {
			if bits[i]&(0x80>>b) != 0 {
				buckets = append(buckets, i*8+int(b))
			}
		}
	}
	return buckets, count, nil
}

// bucketsPerTrip is how many buckets SectionChats reads per round trip:
// enough for about one batch of chats (scanCount), judged from the
// section's average bucket, between 1 and 512.
func bucketsPerTrip(batch, count, buckets int) int {
	avg := max(count/max(buckets, 1), 1)
	return min(max(scanCount(batch)/avg, 1), 512)
}

// SubscribedSince implements core.SubscriptionStore: the time is the Redis
// server's, kept as the chat's value in its section bucket. Subscriptions
// stored before times were kept have an empty value: the zero time.
func (s *Store) SubscribedSince(ctx context.Context, chat core.ChatRef, section string) (time.Time, error) {
	m := member(chat)
	v, err := s.rdb.HGet(ctx, s.sectionBucketKey(section, sectionBucket(m)), m).Result()
	if errors.Is(err, goredis.Nil) || (err == nil && v == "") {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, unavailable(err)
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		// Not a time this store wrote: read it like a subscription older
		// than subscription times, rather than fail every alert's listing.
		return time.Time{}, nil
	}
	return time.Unix(sec, 0), nil
}

// CountSectionChats returns how many chats the section has, from the count
// the subscription scripts keep.
func (s *Store) CountSectionChats(ctx context.Context, section string) (int, error) {
	n, err := s.rdb.HGet(ctx, s.sub.counts, section).Int()
	if errors.Is(err, goredis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, unavailable(err)
	}
	return n, nil
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
		if len(args) > 2 {
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

// scanCount is how many chats SectionChats aims to bring per round trip:
// about one batch, but at least a few thousand, so that small batches do
// not cost a round trip each, and at most 10,000 at a time.
func scanCount(batch int) int {
	return min(max(batch, 4000), 10000)
}
