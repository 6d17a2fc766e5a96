package push

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// Config configures a Desk. Zero fields take the defaults shown.
type Config struct {
	// PreviewTTL is how long a broadcast preview can be confirmed
	// (DefaultPreviewTTL).
	PreviewTTL time.Duration
}

// Deps are a Desk's parts. Store, Renderer and Chats are required; the
// translations and the translator are the Renderer's, so that a card and
// an alert read alike.
type Deps struct {
	Store    core.Store
	Renderer *core.Renderer
	Chats    *core.Chats
	// Broadcaster delivers breaking news, alerts, corrections, retractions
	// and digests; nil: the moderators' commands explain that delivery is
	// not set up, and no alert or digest is sent.
	Broadcaster core.Broadcaster
	Logger      *slog.Logger
	Now         func() time.Time // nil: time.Now
}

// Desk is the push side: moderators' breaking news, corrections and
// retractions, section alerts for new articles, and the digests and quiet
// hours that hold routine alerts. It composes broadcasts and hands them to
// a core.Broadcaster; it registers its commands with the request engine as
// a core.Extension. It is safe for concurrent use.
type Desk struct {
	cfg     Config
	store   core.Store
	cat     *locales.Catalog
	render  *core.Renderer
	chats   *core.Chats
	bcast   core.Broadcaster
	translr core.Translator
	log     *slog.Logger
	now     func() time.Time
}

var _ core.Extension = (*Desk)(nil)

// New returns a Desk, or an error naming a missing part.
func New(cfg Config, deps Deps) (*Desk, error) {
	if deps.Store == nil || deps.Renderer == nil || deps.Chats == nil {
		return nil, errors.New("push: New needs a Store, a Renderer and Chats")
	}
	if cfg.PreviewTTL < 0 {
		return nil, fmt.Errorf("push: negative PreviewTTL %s", cfg.PreviewTTL)
	}
	if cfg.PreviewTTL == 0 {
		cfg.PreviewTTL = DefaultPreviewTTL
	}
	d := &Desk{
		cfg: cfg, store: deps.Store, cat: deps.Renderer.Catalog(), render: deps.Renderer, chats: deps.Chats,
		bcast: deps.Broadcaster, translr: deps.Renderer.Translator(), log: deps.Logger, now: deps.Now,
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	return d, nil
}

// Button kinds of the push side's buttons.
const (
	btnSend   = "bc" // bc|<broadcast id>: confirm a broadcast preview
	btnCancel = "bx" // bx|<broadcast id>: cancel a broadcast preview
)

// Commands implements core.Extension.
func (d *Desk) Commands() []core.CommandSpec {
	return []core.CommandSpec{
		{Name: "digest", Args: true, Run: d.cmdDigest},
		{Name: "quiet", Args: true, Run: d.cmdQuiet},
		{Name: "breaking", Args: true, Moderator: true, Run: d.cmdBreaking},
		{Name: "correct", Args: true, Moderator: true, Run: d.cmdCorrect},
		{Name: "retract", Args: true, Moderator: true, Run: d.cmdRetract},
		{Name: "broadcasts", Moderator: true, Run: d.cmdBroadcasts},
	}
}

// Buttons implements core.Extension.
func (d *Desk) Buttons() map[string]core.ButtonFunc {
	return map[string]core.ButtonFunc{btnSend: d.confirmBroadcast, btnCancel: d.cancelBroadcast}
}
