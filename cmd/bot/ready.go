package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/newsbot/newsbot/content/feed"
)

// readyCheck is one part of readiness: ok, and what it is doing, in words.
type readyCheck struct {
	name  string
	check func(ctx context.Context) (bool, string)
}

// readiness are the checks of /readyz beyond the store's, added as the
// parts start. It is safe for concurrent use.
type readiness struct {
	mu     sync.Mutex
	checks []readyCheck
}

// add adds a check named name.
func (r *readiness) add(name string, check func(ctx context.Context) (bool, string)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks = append(r.checks, readyCheck{name, check})
}

func (r *readiness) all() []readyCheck {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]readyCheck(nil), r.checks...)
}

// feedsReady is the readiness check of the feeds: each was polled within
// twice its interval, or its poller keeps its schedule while another
// process holds the feed's lock and polls it.
func feedsReady(p *feed.Poller, cfg feed.Config, now func() time.Time) func(context.Context) (bool, string) {
	return func(context.Context) (bool, string) {
		var late []string
		sts := p.Status()
		for i, st := range sts {
			interval := cfg.Interval
			if i < len(cfg.Sources) && cfg.Sources[i].Interval > 0 {
				interval = cfg.Sources[i].Interval
			}
			if interval <= 0 {
				interval = feed.DefaultInterval
			}
			polled := !st.LastPoll.IsZero() && now().Sub(st.LastPoll) <= 2*interval
			scheduled := !st.NextPoll.IsZero() && now().Sub(st.NextPoll) <= interval
			if !polled && !scheduled {
				late = append(late, st.Lang+" "+st.URL)
			}
		}
		if len(late) > 0 {
			return false, fmt.Sprintf("%d of %d feeds not polled within twice their interval: %s", len(late), len(sts), strings.Join(late, ", "))
		}
		return true, fmt.Sprintf("%d feeds polled on time", len(sts))
	}
}

// readyStatus is /readyz's JSON body.
type readyStatus struct {
	Ready    bool              `json:"ready"`
	Checks   map[string]string `json:"checks"`
	NotReady []string          `json:"not_ready,omitempty"`
}

// readyz answers 200 when every check passes, else 503, with the same JSON
// naming what is not ready.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	st := readyStatus{Ready: true, Checks: map[string]string{}}
	checks := append([]readyCheck{{"store", func(ctx context.Context) (bool, string) {
		if err := a.storeAnswers(ctx); err != nil {
			return false, "unavailable: " + err.Error()
		}
		return true, "answers"
	}}}, a.Ready.all()...)
	for _, c := range checks {
		ok, what := c.check(ctx)
		st.Checks[c.name] = what
		if !ok {
			st.Ready = false
			st.NotReady = append(st.NotReady, c.name)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if !st.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(st)
}
