// Package deliverytest provides support for testing delivery and what
// builds on it, as net/http/httptest does for net/http: a fake platform
// (Sink) that enforces a platform's limits, the fan-out bench (BenchFanout)
// that runs the real Engine against it, and the contract suite (Run) that
// every implementation of delivery.Queue, delivery.Ledger and
// delivery.Limiter passes.
//
// It is for tests and for the bot's benchmark subcommand (bot
// bench-fanout); the packages the bot runs on do not import it.
package deliverytest
