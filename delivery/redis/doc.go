// Package redis keeps delivery's durable parts on Redis, shared by every
// process of the bot: the job queue on Redis Streams (Queue), the ledger of
// broadcasts and their outcomes (Ledger), and the rate limiter whose GCRA
// buckets live in a Lua script (Limiter). They implement delivery.Queue,
// delivery.Ledger and delivery.Limiter, with the same behaviour as
// delivery's memory implementations; deliverytest.Run holds both to it.
//
// Each takes a go-redis client and a key prefix, usually those of the
// store (store/redis), so that one Redis holds the bot's data.
package redis
