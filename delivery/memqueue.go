package delivery

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
)

var _ Queue = (*MemoryQueue)(nil)

// MemoryQueue is the embedded Queue: the same semantics as the Redis one
// (priorities, pending jobs, reclaim), lost when the process stops. It is
// safe for concurrent use.
type MemoryQueue struct {
	mu        sync.Mutex
	platforms map[string]*memPlatform
	seq       uint64
	wake      chan struct{} // closed and replaced on every Enqueue
	now       func() time.Time
	alive     map[string]time.Time // platform + "\x00" + consumer -> end of its heartbeat
}

type memPlatform struct {
	ready   [2][]Delivery // by priority: [0] routine, [1] breaking
	pending map[string]*memPending
}

type memPending struct {
	d        Delivery
	consumer string
	since    time.Time
}

// NewMemoryQueue returns an empty queue.
func NewMemoryQueue() *MemoryQueue {
	return &MemoryQueue{platforms: map[string]*memPlatform{}, wake: make(chan struct{}), now: time.Now, alive: map[string]time.Time{}}
}

func (q *MemoryQueue) platform(p string) *memPlatform {
	mp := q.platforms[p]
	if mp == nil {
		mp = &memPlatform{pending: map[string]*memPending{}}
		q.platforms[p] = mp
	}
	return mp
}

func prioIndex(p core.Priority) int {
	if p >= core.PriorityBreaking {
		return 1
	}
	return 0
}

// Enqueue adds jobs.
func (q *MemoryQueue) Enqueue(_ context.Context, jobs ...Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range jobs {
		q.seq++
		mp := q.platform(j.Chat.Platform)
		i := prioIndex(j.Priority)
		mp.ready[i] = append(mp.ready[i], Delivery{Job: j, ID: strconv.FormatUint(q.seq, 10)})
	}
	close(q.wake)
	q.wake = make(chan struct{})
	return nil
}

// Fetch takes up to max jobs, breaking news first, waiting up to block.
func (q *MemoryQueue) Fetch(ctx context.Context, platform, consumer string, max int, block time.Duration) ([]Delivery, error) {
	var timer <-chan time.Time
	for {
		q.mu.Lock()
		mp := q.platform(platform)
		var out []Delivery
		for i := 1; i >= 0 && len(out) < max; i-- {
			n := min(max-len(out), len(mp.ready[i]))
			out = append(out, mp.ready[i][:n]...)
			mp.ready[i] = mp.ready[i][n:]
		}
		now := q.now()
		for _, d := range out {
			mp.pending[d.ID] = &memPending{d: d, consumer: consumer, since: now}
		}
		wake := q.wake
		q.mu.Unlock()
		if len(out) > 0 || block <= 0 {
			return out, nil
		}
		if timer == nil {
			t := time.NewTimer(block)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer:
			return nil, nil
		case <-wake:
		}
	}
}

// Reclaim takes over jobs pending longer than minIdle.
func (q *MemoryQueue) Reclaim(_ context.Context, platform, consumer string, minIdle time.Duration, max int) ([]Delivery, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	mp := q.platform(platform)
	now := q.now()
	var out []Delivery
	for _, p := range mp.pending {
		if len(out) >= max {
			break
		}
		if now.Sub(p.since) >= minIdle {
			p.consumer, p.since = consumer, now
			out = append(out, p.d)
		}
	}
	return out, nil
}

// Heartbeat marks consumer alive for ttl.
func (q *MemoryQueue) Heartbeat(_ context.Context, platform, consumer string, ttl time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.alive[platform+"\x00"+consumer] = q.now().Add(ttl)
	return nil
}

// ClaimDead takes over jobs pending with consumers whose heartbeat lapsed.
func (q *MemoryQueue) ClaimDead(_ context.Context, platform, consumer string, max int) ([]Delivery, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	mp := q.platform(platform)
	now := q.now()
	var out []Delivery
	for i := 1; i >= 0; i-- {
		for _, p := range mp.pending {
			if len(out) >= max {
				return out, nil
			}
			if prioIndex(p.d.Priority) != i || p.consumer == consumer || now.Before(q.alive[platform+"\x00"+p.consumer]) {
				continue
			}
			p.consumer, p.since = consumer, now
			out = append(out, p.d)
		}
	}
	return out, nil
}

// Touch resets the idle time of ds that consumer holds.
func (q *MemoryQueue) Touch(_ context.Context, platform, consumer string, ds ...Delivery) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	mp := q.platform(platform)
	now := q.now()
	for _, d := range ds {
		if p := mp.pending[d.ID]; p != nil && p.consumer == consumer {
			p.since = now
		}
	}
	return nil
}

// Ack removes finished jobs.
func (q *MemoryQueue) Ack(_ context.Context, platform string, ds ...Delivery) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	mp := q.platform(platform)
	for _, d := range ds {
		delete(mp.pending, d.ID)
	}
	return nil
}

// Depth returns how many jobs are queued or pending.
func (q *MemoryQueue) Depth(_ context.Context, platform string) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	mp := q.platform(platform)
	return len(mp.ready[0]) + len(mp.ready[1]) + len(mp.pending), nil
}
