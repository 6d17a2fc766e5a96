package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

var _ delivery.Limiter = (*Limiter)(nil)

// Limiter is a delivery.Limiter shared by every process on one Redis: the
// same GCRA buckets as delivery.MemoryLimiter (see delivery.Rate.Interval
// and Rate.Tolerance), kept in keys P rl:{platform}:g (global) and
// P rl:{platform}:c:{chat} and updated by one Lua script per send, on the
// Redis server's clock. The braces keep a platform's keys in one cluster
// slot.
type Limiter struct {
	c      goredis.UniversalClient
	prefix string
	limits map[string]delivery.Limits
}

// NewLimiter returns a limiter on c under key prefix enforcing limits
// by platform; a platform without limits is not limited.
func NewLimiter(c goredis.UniversalClient, prefix string, limits map[string]delivery.Limits) *Limiter {
	return &Limiter{c: c, prefix: prefix, limits: limits}
}

// gcraScript reserves (or penalizes) a send. Times are microseconds.
// KEYS: global, chat. ARGV: global interval, global tolerance, chat
// interval, chat tolerance, mode ("r" or "p"), penalty, penalty sends.
// It returns {wait, reserved}.
var gcraScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local gi, gt, ci, ct = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local gtat = tonumber(redis.call('GET', KEYS[1]) or '0')
local ctat = tonumber(redis.call('GET', KEYS[2]) or '0')
local function put(k, tat)
  local ttl = math.floor((tat - now) / 1000) + 60000
  redis.call('SET', k, string.format('%.0f', tat), 'PX', ttl)
end
if ARGV[5] == 'p' then
  if ci > 0 then put(KEYS[2], math.max(ctat, now + tonumber(ARGV[6]) + ct)) end
  if gi > 0 then put(KEYS[1], math.max(gtat, now) + gt + tonumber(ARGV[7]) * gi) end
  return {0, 1}
end
local gat = now
if gi > 0 then gat = math.max(now, gtat - gt) end
if ci > 0 then
  local cat = ctat - ct
  if cat > gat then return {cat - now, 0} end
  put(KEYS[2], math.max(ctat, gat) + ci)
end
if gi > 0 then put(KEYS[1], math.max(gtat, now) + gi) end
return {gat - now, 1}
`)

func (l *Limiter) run(ctx context.Context, chat core.ChatRef, mode string, penalty time.Duration) (time.Duration, bool, error) {
	lim, ok := l.limits[chat.Platform]
	if !ok {
		return 0, true, nil
	}
	c := delivery.Rate{}
	if lim.Chat != nil {
		c = lim.Chat(chat)
	}
	g := lim.Global
	base := l.prefix + "rl:{" + chat.Platform + "}:"
	res, err := gcraScript.Run(ctx, l.c, []string{base + "g", base + "c:" + chat.ID},
		g.Interval().Microseconds(), g.Tolerance().Microseconds(), c.Interval().Microseconds(), c.Tolerance().Microseconds(),
		mode, penalty.Microseconds(), delivery.PenaltySends).Int64Slice()
	if err != nil {
		return 0, false, err
	}
	return time.Duration(res[0]) * time.Microsecond, res[1] == 1, nil
}

// Reserve implements delivery.Limiter.
func (l *Limiter) Reserve(ctx context.Context, chat core.ChatRef) (time.Duration, bool, error) {
	return l.run(ctx, chat, "r", 0)
}

// Penalize implements delivery.Limiter.
func (l *Limiter) Penalize(ctx context.Context, chat core.ChatRef, d time.Duration) error {
	_, _, err := l.run(ctx, chat, "p", d)
	return err
}
