// Package delivery fans broadcasts out to chats: breaking news, section
// alerts, and the corrections and retractions of both. It implements
// core.Broadcaster.
//
// A broadcast becomes one job per (broadcast, chat) on a durable Queue:
// Redis Streams with one consumer group per platform in production
// (redis.Queue, in delivery/redis), an in-memory queue with the same
// behaviour embedded (NewMemoryQueue). Breaking news has its own stream,
// always read first.
// Any number of processes may run an Engine on the same Redis: each one is a
// consumer of every platform's group. Each consumer renews a heartbeat
// (Queue.Heartbeat, Config.Liveness) and every process claims, at start and
// every third of Liveness, the jobs pending with consumers whose heartbeat
// lapsed (Queue.ClaimDead), so a dead process's jobs move within seconds;
// jobs left idle by a consumer alive but stuck are reclaimed (XAUTOCLAIM)
// after Config.ReclaimAfter. A job left unfinished because a dependency
// failed (Redis restarting) is retried by its own consumer within seconds,
// kept alive meanwhile, not left for a reclaim; so are the jobs a fetch
// handed out when its answer was lost with the connection: at start and
// after a failed fetch, a consumer takes back the jobs pending on it that
// no worker holds (the Redis queue's Held). Consumers
// silent for an hour with no pending job are deleted from the groups, so
// that restarts do not pile up consumer names.
//
// Before a job is acknowledged its outcome is written to the Ledger: the
// sent message's reference, or why it failed. A job whose (broadcast, chat)
// already has a sent record is skipped, so a reclaimed or repeated job never
// sends twice; after a crash only the sends in flight at that moment can
// repeat, and a graceful shutdown (cancelling Run's context) finishes and
// records the sends in flight before returning. Jobs being worked on are
// kept alive (Queue.Touch, which never takes back a job another consumer
// reclaimed) until their worker is done, drain included, and Config.Drain is
// shorter than Config.ReclaimAfter.
//
// Listing a broadcast's audience runs in the background after Start, under
// a lock in the Ledger (one lister per broadcast, renewed while it works).
// Each batch of chats is recorded as listed once its jobs are queued; a
// failed batch is retried with backoff, and a listing whose process stopped
// is resumed by Run in any process once the lock expires, skipping the
// chats already listed. Only a complete listing records the total
// (Ledger.Listed), so a broadcast is done only when its whole audience had
// its turn. Ledger.Create is atomic.
//
// A correction or retraction marks its target superseded in the Ledger
// before Start records it; that mark is the one record of what became of a
// broadcast (Engine.Superseded, which the push side asks). The target's chats whose turn comes later (the mark is read right
// before each send) get the correction's text, or, once retracted, nothing
// ("superseded:retracted"). The correction or retraction then edits or
// deletes what the target had delivered: it lists the target's records,
// waits for the target to finish (so that sends in flight at the mark are
// recorded), and lists them again.
//
// Sends go through a Limiter that spaces them per platform and per chat,
// shared by every process (a GCRA token bucket in a Redis Lua script,
// redis.Limiter, or in memory), with the limits each platform's adapter
// describes (LimitsOf a core.Platform), and with priorities: the adapters'
// interactive replies book the shared bucket however far ahead, breaking
// news up to 250ms and routine alerts up to 100ms (Horizon), so replies go
// first. Failures are acted on by the class
// the adapter gave them (see core.DeliveryError): retry after exactly the
// time asked (and slow the shared bucket) however many 429s come, for up to
// Config.RateLimitedFor after the job was queued, retry transient ones with
// exponential backoff and jitter and then dead-letter them, forget gone
// chats, move moved chats and resend, and record rejected messages. What
// happens to a gone or moved chat is the chat policy's (Deps.Chats,
// *core.Chats): a moved chat's subscriptions go to its new ID, and its
// settings too unless the new chat has its own; the resend is recorded for
// the new ID as well, and skipped when the new ID already had the
// broadcast, so a chat listed under both IDs gets it once.
//
// Section alerts are offered, chat by chat as the audience is listed, to
// the chat policy (Chats.HoldAlert): a chat in digest mode or quiet hours
// gets no job, the story waits in its digest, and a chat that subscribed
// after the story was first seen gets none at all. A digest
// (core.BroadcastDigest) is a broadcast to one chat, queued before Start
// returns, and kept out of Recent. The moderator's preview is edited with
// progress through Deps.Report (the shared renderer's BroadcastReport).
//
// This package holds the interfaces (Queue, Ledger, Limiter), the Engine
// and the memory implementations, and imports no store and no adapter.
// The Redis implementations live in delivery/redis (redis.Queue,
// redis.Ledger, redis.Limiter). Test support lives in delivery/deliverytest:
// a fake platform (Sink) that enforces a platform's limits, the fan-out
// bench (BenchFanout) that measures the whole machine against it, and the
// contract suite (Run) that the memory and the Redis parts both pass.
package delivery
