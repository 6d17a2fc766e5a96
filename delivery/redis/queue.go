package redis

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

var _ delivery.Queue = (*Queue)(nil)

// Queue is the production delivery.Queue on Redis Streams. With P the key
// prefix, each platform has two streams, P dq:{platform}:hi for breaking
// news and P dq:{platform}:lo for the rest, each with the consumer group
// "senders". Acknowledged entries are deleted, so a stream's length is its
// queued plus pending jobs. It is safe for concurrent use, and any number of
// processes may share the streams.
type Queue struct {
	c      goredis.UniversalClient
	prefix string
	groups sync.Map // stream key -> struct{}: group known to exist
	// cursors keeps each stream's XAUTOCLAIM cursor between calls: one
	// call scans at most ten times its count of pending entries, so a scan
	// that always began at 0-0 would never reach the jobs of a dead
	// consumer behind those of live ones.
	cursors sync.Map // stream key -> string
}

// Group is the consumer group of every delivery stream.
const Group = "senders"

// NewQueue returns a queue on c under key prefix.
func NewQueue(c goredis.UniversalClient, prefix string) *Queue {
	return &Queue{c: c, prefix: prefix}
}

func (q *Queue) stream(platform string, p core.Priority) string {
	if p >= core.PriorityBreaking {
		return q.prefix + "dq:" + platform + ":hi"
	}
	return q.prefix + "dq:" + platform + ":lo"
}

// ensure creates stream's group once per process.
func (q *Queue) ensure(ctx context.Context, stream string) error {
	if _, ok := q.groups.Load(stream); ok {
		return nil
	}
	err := q.c.XGroupCreateMkStream(ctx, stream, Group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return err
	}
	q.groups.Store(stream, struct{}{})
	return nil
}

// Enqueue implements delivery.Queue with one pipelined XADD per job.
func (q *Queue) Enqueue(ctx context.Context, jobs ...delivery.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	pipe := q.c.Pipeline()
	for _, j := range jobs {
		s := q.stream(j.Chat.Platform, j.Priority)
		if err := q.ensure(ctx, s); err != nil {
			return err
		}
		buf, err := json.Marshal(j)
		if err != nil {
			return err
		}
		pipe.XAdd(ctx, &goredis.XAddArgs{Stream: s, Values: []any{"j", buf}})
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Fetch implements delivery.Queue: a quick look at the breaking stream, then a
// blocking read of both, breaking first.
func (q *Queue) Fetch(ctx context.Context, platform, consumer string, max int, block time.Duration) ([]delivery.Delivery, error) {
	hi, lo := q.stream(platform, core.PriorityBreaking), q.stream(platform, core.PriorityRoutine)
	for _, s := range []string{hi, lo} {
		if err := q.ensure(ctx, s); err != nil {
			return nil, err
		}
	}
	out, err := q.read(ctx, consumer, ">", max, -1, hi)
	if err != nil || len(out) > 0 {
		return out, err
	}
	if block <= 0 {
		block = -1
	}
	out, err = q.read(ctx, consumer, ">", max, block, hi, lo)
	if err != nil || len(out) <= max {
		return out, err
	}
	// COUNT applies per stream: when jobs came on both during the wait, one
	// read holds up to max of each. Keep max, breaking first, and hand the
	// rest back: claimed as long idle, the next Reclaim of any consumer
	// takes them, and nobody works on them meanwhile.
	extra := out[max:]
	out = out[:max]
	// On error they stay pending on consumer and are reclaimed after the
	// usual idle time.
	_ = q.release(ctx, platform, consumer, extra)
	return out, nil
}

// releasedIdle is the idle time given to released jobs: any Reclaim takes
// them.
const releasedIdle = 365 * 24 * time.Hour

// release makes ds, read by consumer but not worked on, reclaimable at once.
func (q *Queue) release(ctx context.Context, platform, consumer string, ds []delivery.Delivery) error {
	pipe := q.c.Pipeline()
	for s, ids := range q.byStream(platform, ds) {
		args := []any{"XCLAIM", s, Group, consumer, 0}
		for _, id := range ids {
			args = append(args, id)
		}
		args = append(args, "IDLE", releasedIdle.Milliseconds(), "JUSTID")
		pipe.Do(ctx, args...)
	}
	_, err := pipe.Exec(ctx)
	return err
}

// read reads streams for consumer from ID from: ">" for new jobs, "0"
// for its own pending ones; at most max of each stream, in the order
// asked (breaking first).
func (q *Queue) read(ctx context.Context, consumer, from string, max int, block time.Duration, streams ...string) ([]delivery.Delivery, error) {
	args := &goredis.XReadGroupArgs{Group: Group, Consumer: consumer, Count: int64(max), Block: block}
	args.Streams = append(args.Streams, streams...)
	for range streams {
		args.Streams = append(args.Streams, from)
	}
	res, err := q.c.XReadGroup(ctx, args).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		if strings.HasPrefix(err.Error(), "NOGROUP") {
			// The stream was deleted under us: create it again next time.
			q.groups.Clear()
		}
		return nil, err
	}
	var out []delivery.Delivery
	for _, s := range res {
		p := core.PriorityRoutine
		if strings.HasSuffix(s.Stream, ":hi") {
			p = core.PriorityBreaking
		}
		out = q.taken(ctx, s.Stream, p, s.Messages, out)
	}
	return out, nil
}

// Held lists the jobs pending on consumer, breaking news first, at most
// max of each stream: its own history of each stream (XREADGROUP from 0),
// which a consumer compares with the jobs it works on after a failed
// fetch.
func (q *Queue) Held(ctx context.Context, platform, consumer string, max int) ([]delivery.Delivery, error) {
	hi, lo := q.stream(platform, core.PriorityBreaking), q.stream(platform, core.PriorityRoutine)
	for _, s := range []string{hi, lo} {
		if err := q.ensure(ctx, s); err != nil {
			return nil, err
		}
	}
	return q.read(ctx, consumer, "0", max, -1, hi, lo)
}

// taken appends to out the jobs of msgs, entries of stream s of priority
// p that a consumer took: an entry deleted while pending, or garbage, is
// acknowledged and dropped.
func (q *Queue) taken(ctx context.Context, s string, p core.Priority, msgs []goredis.XMessage, out []delivery.Delivery) []delivery.Delivery {
	for _, d := range decode(msgs) {
		if d.Broadcast == "" {
			q.c.XAck(ctx, s, Group, d.ID)
			continue
		}
		d.Priority = p
		out = append(out, d)
	}
	return out
}

func decode(msgs []goredis.XMessage) []delivery.Delivery {
	out := make([]delivery.Delivery, 0, len(msgs))
	for _, m := range msgs {
		d := delivery.Delivery{ID: m.ID}
		if v, ok := m.Values["j"].(string); ok {
			if json.Unmarshal([]byte(v), &d.Job) != nil {
				d.Job = delivery.Job{}
			}
		}
		out = append(out, d)
	}
	return out
}

// Reclaim implements delivery.Queue with XAUTOCLAIM, breaking news first. Each
// stream is scanned from its start, then, when that did not fill max, on
// from where the last call of this queue stopped: one XAUTOCLAIM looks at
// no more than ten times its count of pending entries.
func (q *Queue) Reclaim(ctx context.Context, platform, consumer string, minIdle time.Duration, max int) ([]delivery.Delivery, error) {
	var out []delivery.Delivery
	for _, p := range []core.Priority{core.PriorityBreaking, core.PriorityRoutine} {
		if len(out) >= max {
			break
		}
		s := q.stream(platform, p)
		// From the start first, where the jobs of a consumer that died a
		// while ago are; then on from where the last scan stopped.
		msgs, next, err := q.autoClaim(ctx, s, consumer, minIdle, "0-0", max-len(out))
		if err != nil {
			return out, err
		}
		cursor, _ := q.cursors.Load(s)
		if c, _ := cursor.(string); c == "" || c == "0-0" {
			q.cursors.Store(s, next)
		} else if len(msgs) < max-len(out) {
			more, next, err := q.autoClaim(ctx, s, consumer, minIdle, c, max-len(out)-len(msgs))
			if err != nil {
				return out, err
			}
			q.cursors.Store(s, next) // "0-0" again once the scan went round
			for _, m := range more {
				if !slices.ContainsFunc(msgs, func(x goredis.XMessage) bool { return x.ID == m.ID }) {
					msgs = append(msgs, m)
				}
			}
		}
		out = q.taken(ctx, s, p, msgs, out)
	}
	return out, nil
}

func (q *Queue) aliveKey(platform, consumer string) string {
	return q.prefix + "dq:" + platform + ":alive:" + consumer
}

// Heartbeat implements delivery.Queue: a key P dq:{platform}:alive:{consumer}
// that expires after ttl.
func (q *Queue) Heartbeat(ctx context.Context, platform, consumer string, ttl time.Duration) error {
	return q.c.Set(ctx, q.aliveKey(platform, consumer), 1, ttl).Err()
}

// claimScript moves every entry pending with one consumer to another, at
// once, so that two consumers claiming the same dead one never share an
// entry. KEYS: stream. ARGV: group, dead consumer, new consumer, count.
var claimScript = goredis.NewScript(`
local p = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', tonumber(ARGV[4]), ARGV[2])
if #p == 0 then return {} end
local ids = {}
for i, e in ipairs(p) do ids[i] = e[1] end
return redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, unpack(ids))
`)

// ClaimDead implements delivery.Queue: for each consumer of the group with
// pending entries (XINFO CONSUMERS) whose alive key is gone, its entries
// move to consumer (XPENDING + XCLAIM in one script), breaking news first.
func (q *Queue) ClaimDead(ctx context.Context, platform, consumer string, max int) ([]delivery.Delivery, error) {
	var out []delivery.Delivery
	for _, p := range []core.Priority{core.PriorityBreaking, core.PriorityRoutine} {
		s := q.stream(platform, p)
		cs, err := q.c.XInfoConsumers(ctx, s, Group).Result()
		if err != nil {
			if strings.HasPrefix(err.Error(), "NOGROUP") || strings.Contains(err.Error(), "no such key") {
				continue
			}
			return out, err
		}
		for _, c := range cs {
			if len(out) >= max {
				return out, nil
			}
			if c.Name == consumer || c.Pending == 0 {
				continue
			}
			if n, err := q.c.Exists(ctx, q.aliveKey(platform, c.Name)).Result(); err != nil {
				return out, err
			} else if n > 0 {
				continue
			}
			res, err := claimScript.Run(ctx, q.c, []string{s}, Group, c.Name, consumer, max-len(out)).Slice()
			if err != nil {
				return out, err
			}
			out = q.taken(ctx, s, p, claimed(res), out)
		}
	}
	return out, nil
}

// claimed reads XCLAIM's reply as a script returns it: entries of an ID
// and a flat list of fields, nil for an entry deleted meanwhile.
func claimed(res []any) []goredis.XMessage {
	var msgs []goredis.XMessage
	for _, r := range res {
		e, ok := r.([]any)
		if !ok || len(e) != 2 {
			continue
		}
		id, _ := e[0].(string)
		m := goredis.XMessage{ID: id, Values: map[string]any{}}
		fields, _ := e[1].([]any)
		for i := 0; i+1 < len(fields); i += 2 {
			k, _ := fields[i].(string)
			m.Values[k] = fields[i+1]
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// touchScript resets the idle time of the entries consumer still holds,
// leaving alone those another consumer reclaimed meanwhile.
// KEYS: stream. ARGV: group, consumer, entry IDs.
var touchScript = goredis.NewScript(`
local n = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
  if #p > 0 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
`)

// autoClaim runs one XAUTOCLAIM from start; a missing group is no error.
func (q *Queue) autoClaim(ctx context.Context, s, consumer string, minIdle time.Duration, start string, count int) ([]goredis.XMessage, string, error) {
	msgs, next, err := q.c.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
		Stream: s, Group: Group, Consumer: consumer, MinIdle: minIdle, Start: start, Count: int64(count),
	}).Result()
	if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
		return nil, "0-0", nil
	}
	if next == "" {
		next = "0-0"
	}
	return msgs, next, err
}

// Touch implements delivery.Queue: for each job that consumer still owns (XPENDING),
// XCLAIM with JUSTID resets its idle time, in one script per stream. A job
// another consumer took over stays with it.
func (q *Queue) Touch(ctx context.Context, platform, consumer string, ds ...delivery.Delivery) error {
	for s, ids := range q.byStream(platform, ds) {
		args := make([]any, 0, 2+len(ids))
		args = append(args, Group, consumer)
		for _, id := range ids {
			args = append(args, id)
		}
		if err := touchScript.Run(ctx, q.c, []string{s}, args...).Err(); err != nil {
			return err
		}
	}
	return nil
}

// Ack implements delivery.Queue: XACK and XDEL.
func (q *Queue) Ack(ctx context.Context, platform string, ds ...delivery.Delivery) error {
	pipe := q.c.Pipeline()
	for s, ids := range q.byStream(platform, ds) {
		pipe.XAck(ctx, s, Group, ids...)
		pipe.XDel(ctx, s, ids...)
	}
	_, err := pipe.Exec(ctx)
	return err
}

func (q *Queue) byStream(platform string, ds []delivery.Delivery) map[string][]string {
	m := map[string][]string{}
	for _, d := range ds {
		s := q.stream(platform, d.Priority)
		m[s] = append(m[s], d.ID)
	}
	return m
}

// Depth implements delivery.Queue.
func (q *Queue) Depth(ctx context.Context, platform string) (int, error) {
	pipe := q.c.Pipeline()
	hi := pipe.XLen(ctx, q.stream(platform, core.PriorityBreaking))
	lo := pipe.XLen(ctx, q.stream(platform, core.PriorityRoutine))
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, err
	}
	return int(hi.Val() + lo.Val()), nil
}

// ForgetConsumers deletes from platform's consumer groups the consumers
// other than keep that hold no pending job and have not been heard from
// for idle: every process start adds a consumer name, and nothing else
// removes it. It returns how many it deleted.
func (q *Queue) ForgetConsumers(ctx context.Context, platform, keep string, idle time.Duration) (int, error) {
	n := 0
	for _, p := range []core.Priority{core.PriorityBreaking, core.PriorityRoutine} {
		s := q.stream(platform, p)
		cs, err := q.c.XInfoConsumers(ctx, s, Group).Result()
		if err != nil {
			if strings.HasPrefix(err.Error(), "NOGROUP") || strings.Contains(err.Error(), "no such key") {
				continue
			}
			return n, err
		}
		for _, c := range cs {
			if c.Name == keep || c.Pending > 0 || c.Idle < idle {
				continue
			}
			// A consumer with nothing pending loses nothing when deleted.
			if err := q.c.XGroupDelConsumer(ctx, s, Group, c.Name).Err(); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
