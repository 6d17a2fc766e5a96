package telegram

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// floodGuard limits how many requests each user makes per minute. Past
// the limit the user gets one notice, then silence until a minute has
// passed since that notice (requests the limiter allows again in the
// meantime are answered as usual). It is safe for concurrent use.
type floodGuard struct {
	perMinute int
	now       func() time.Time

	mu        sync.Mutex
	users     map[int64]*floodState
	lastSweep time.Time
}

type floodState struct {
	lim      *rate.Limiter
	noticeAt time.Time // when the last notice went out
	seen     time.Time
}

// floodVerdict says what to do with a request.
type floodVerdict int

const (
	floodAllow  floodVerdict = iota // answer it
	floodNotice                     // drop it and tell the user once
	floodSilent                     // drop it quietly
)

func newFloodGuard(perMinute int, now func() time.Time) *floodGuard {
	return &floodGuard{perMinute: perMinute, now: now, users: map[int64]*floodState{}}
}

// check counts one request of user.
func (g *floodGuard) check(user int64) floodVerdict {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sweep(now)
	st := g.users[user]
	if st == nil {
		st = &floodState{lim: rate.NewLimiter(rate.Limit(float64(g.perMinute)/60), g.perMinute)}
		g.users[user] = st
	}
	st.seen = now
	if st.lim.AllowN(now, 1) {
		return floodAllow
	}
	if now.Sub(st.noticeAt) < time.Minute {
		return floodSilent
	}
	st.noticeAt = now
	return floodNotice
}

// sweep forgets users idle for long enough that their bucket is full
// again, at most once a minute, so the map does not grow without bound.
func (g *floodGuard) sweep(now time.Time) {
	if now.Sub(g.lastSweep) < time.Minute {
		return
	}
	g.lastSweep = now
	for id, st := range g.users {
		if now.Sub(st.seen) > 2*time.Minute {
			delete(g.users, id)
		}
	}
}
