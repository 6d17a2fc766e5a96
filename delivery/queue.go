package delivery

import (
	"context"
	"time"

	"github.com/newsbot/newsbot/core"
)

// Job is one delivery: a broadcast to one chat, in the chat's language.
type Job struct {
	Broadcast string       `json:"b"`
	Chat      core.ChatRef `json:"c"`
	Lang      string       `json:"l"`
	Priority  core.Priority
	Enqueued  time.Time `json:"t"`
}

// Delivery is a job taken from a queue by a consumer. ID is the queue's
// handle on it, for Ack and Touch.
type Delivery struct {
	Job
	ID string
}

// Queue is the durable job queue. Jobs are partitioned by platform (the
// chat's) and consumed by a group of consumers per platform: each job goes
// to one consumer at a time and stays pending until acknowledged. Breaking
// priority jobs are handed out before routine ones. Implementations are safe
// for concurrent use by several processes.
type Queue interface {
	// Enqueue adds jobs.
	Enqueue(ctx context.Context, jobs ...Job) error
	// Fetch takes up to max new jobs of platform for consumer, breaking news
	// first, waiting up to block for one to arrive. It returns no jobs and
	// no error when none came.
	Fetch(ctx context.Context, platform, consumer string, max int, block time.Duration) ([]Delivery, error)
	// Reclaim takes over up to max jobs of platform that another consumer
	// took and left unacknowledged for longer than minIdle.
	Reclaim(ctx context.Context, platform, consumer string, minIdle time.Duration, max int) ([]Delivery, error)
	// Heartbeat tells the queue that consumer works on platform's jobs for
	// ttl more; a consumer whose heartbeat lapsed is dead (ClaimDead).
	Heartbeat(ctx context.Context, platform, consumer string, ttl time.Duration) error
	// ClaimDead takes over up to max pending jobs of platform held by
	// consumers other than consumer whose heartbeat lapsed or never came,
	// breaking news first. Jobs of live consumers stay with them, and two
	// consumers claiming at once never get the same job.
	ClaimDead(ctx context.Context, platform, consumer string, max int) ([]Delivery, error)
	// Touch tells the queue that consumer still works on ds, so that they
	// are not reclaimed.
	Touch(ctx context.Context, platform, consumer string, ds ...Delivery) error
	// Ack removes finished jobs.
	Ack(ctx context.Context, platform string, ds ...Delivery) error
	// Depth returns how many jobs of platform are queued or pending.
	Depth(ctx context.Context, platform string) (int, error)
}
