package delivery

import (
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsbot/newsbot/core"
)

// Metrics counts what an Engine did, for export (e.g. as Prometheus
// CounterFuncs). It is safe for concurrent use.
type Metrics struct {
	sent        atomic.Int64
	retried     atomic.Int64
	rateLimited atomic.Int64
	skipped     atomic.Int64
	inFlight    atomic.Int64

	mu       sync.Mutex
	failed   map[core.DeliveryClass]int64
	lagCount int64
	lagSum   time.Duration
	lagMax   time.Duration
}

// MetricsSnapshot is a copy of the counters.
type MetricsSnapshot struct {
	Sent        int64                        // messages sent, edited or deleted
	Failed      map[core.DeliveryClass]int64 // jobs that failed for good, by class
	Retried     int64                        // sends tried again (transient or 429)
	RateLimited int64                        // 429 answers
	Skipped     int64                        // repeated jobs skipped by the idempotency record
	InFlight    int64                        // jobs taken and not yet finished
	// Lag is the mean and the longest time from confirmation to delivery.
	LagMean, LagMax time.Duration
}

func (m *Metrics) fail(c core.DeliveryClass) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failed == nil {
		m.failed = map[core.DeliveryClass]int64{}
	}
	m.failed[c]++
}

func (m *Metrics) lag(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lagCount++
	m.lagSum += d
	m.lagMax = max(m.lagMax, d)
}

// Snapshot returns the counters now.
func (m *Metrics) Snapshot() MetricsSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := MetricsSnapshot{
		Sent: m.sent.Load(), Retried: m.retried.Load(), RateLimited: m.rateLimited.Load(),
		Skipped: m.skipped.Load(), InFlight: m.inFlight.Load(),
		Failed: maps.Clone(m.failed), LagMax: m.lagMax,
	}
	if m.lagCount > 0 {
		s.LagMean = m.lagSum / time.Duration(m.lagCount)
	}
	return s
}
