package core

import (
	"context"
	"time"
)

// PendingAlert is a story's section alert while it waits, for a grace
// period, for the story's other language editions.
type PendingAlert struct {
	// ID is the alert's broadcast ID: one per story, however many editions
	// arrive.
	ID string `json:"id"`
	// ArticleID is the edition that was seen first.
	ArticleID string `json:"article"`
	Section   string `json:"section,omitempty"`
	// Seen is when the story was first seen; Due when its grace period
	// ends.
	Seen time.Time `json:"seen"`
	Due  time.Time `json:"due"`
}

// AlertStore keeps pending section alerts until they are started, durably,
// so that a restart loses none. store/memory and store/redis implement it;
// the push side finds it on its Store with a type assertion. Every method
// is atomic and safe for concurrent use by several processes; times are
// kept to the millisecond.
type AlertStore interface {
	// PendAlert records a and reports true, unless an alert with its ID is
	// pending (false: the first edition's alert stays as it was). An empty
	// ID or ArticleID is a CodeInvalid error.
	PendAlert(ctx context.Context, a PendingAlert) (bool, error)
	// DueAlerts returns up to max pending alerts (100 when max <= 0) due at
	// or before now, earliest first, then by ID.
	DueAlerts(ctx context.Context, now time.Time, max int) ([]PendingAlert, error)
	// DropAlert forgets pending alert id, once its broadcast is started.
	// Dropping an alert that is not pending does nothing.
	DropAlert(ctx context.Context, id string) error
}
