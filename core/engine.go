package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsbot/newsbot/locales"
)

// Config is the engine's configuration.
type Config struct {
	DefaultLang string         // the language when neither a choice nor the platform locale gives one
	Sections    []string       // section IDs in display order; content.DefaultSections when empty
	Location    *time.Location // where times are shown; UTC when nil
	// SummaryTTL and SummaryKey configure the renderer the engine makes
	// when Deps.Renderer is nil; see RenderConfig.
	SummaryTTL time.Duration
	SummaryKey string
}

// Deps are the parts the engine calls. Store and Catalog are required;
// Renderer and Chats are made from Config and Store when nil, for an engine
// that shares them with nothing.
type Deps struct {
	Store      Store
	Catalog    *locales.Catalog
	Renderer   *Renderer
	Chats      *Chats
	Searcher   Searcher   // nil: a simple scan of stored articles
	Summarizer Summarizer // for the renderer made when Renderer is nil
	Translator Translator // for the renderer made when Renderer is nil
	Logger     *slog.Logger
	Now        func() time.Time // nil: time.Now
	// Linker links editions by hand (/link); nil: /link is unavailable.
	Linker Linker
	// Platforms are the platforms the engine answers; each must take the
	// engine's button payloads (MaxButtonPayload). Requests of a platform
	// not listed are answered as if it had no tappable article command.
	Platforms []Platform
	// Extensions add commands and buttons, such as the push side's
	// breaking news and digests.
	Extensions []Extension
}

// Engine answers requests. It is safe for concurrent use.
type Engine struct {
	cfg       Config
	store     Store
	cat       *locales.Catalog
	render    *Renderer
	chats     *Chats
	search    Searcher
	log       *slog.Logger
	now       func() time.Time
	commands  map[string]command
	order     []string // command names in help order
	buttons   map[string]ButtonFunc
	linker    Linker
	platforms map[string]Platform
}

// NewEngine returns an engine, or an error naming what is missing in cfg or
// deps or what contradicts itself (two commands of one name, a platform
// whose buttons are too small).
func NewEngine(cfg Config, deps Deps) (*Engine, error) {
	if deps.Store == nil || deps.Catalog == nil {
		return nil, fmt.Errorf("core: NewEngine needs a Store and a Catalog")
	}
	if cfg.DefaultLang == "" {
		cfg.DefaultLang = deps.Catalog.Langs()[0]
	}
	if !deps.Catalog.Has(cfg.DefaultLang) {
		return nil, fmt.Errorf("core: default language %q is not one of %v", cfg.DefaultLang, deps.Catalog.Langs())
	}
	e := &Engine{
		cfg:       cfg,
		store:     deps.Store,
		cat:       deps.Catalog,
		render:    deps.Renderer,
		chats:     deps.Chats,
		search:    deps.Searcher,
		log:       deps.Logger,
		now:       deps.Now,
		linker:    deps.Linker,
		platforms: map[string]Platform{},
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.search == nil {
		e.search = &ScanSearcher{Articles: deps.Store}
	}
	var err error
	if e.render == nil {
		e.render, err = NewRenderer(RenderConfig{Sections: cfg.Sections, Location: cfg.Location, SummaryTTL: cfg.SummaryTTL, SummaryKey: cfg.SummaryKey},
			RenderDeps{Catalog: deps.Catalog, Store: deps.Store, Summarizer: deps.Summarizer, Translator: deps.Translator, Logger: e.log, Now: e.now})
		if err != nil {
			return nil, err
		}
	}
	e.cfg.Sections = e.render.Sections()
	if e.chats == nil {
		e.chats, err = NewChats(ChatsConfig{DefaultLang: cfg.DefaultLang, Location: e.render.Location(), Now: e.now}, deps.Store, deps.Catalog)
		if err != nil {
			return nil, err
		}
	}
	for _, p := range deps.Platforms {
		if p.MaxButtonData > 0 && p.MaxButtonData < MaxButtonPayload {
			return nil, fmt.Errorf("core: platform %s takes button payloads of %d bytes; the engine writes up to %d", p.Name, p.MaxButtonData, MaxButtonPayload)
		}
		e.platforms[p.Name] = p
	}
	if err := e.registerCommands(deps.Extensions); err != nil {
		return nil, err
	}
	return e, nil
}

// Renderer returns the engine's renderer.
func (e *Engine) Renderer() *Renderer { return e.render }

// Chats returns the engine's chat policy.
func (e *Engine) Chats() *Chats { return e.chats }

// DefaultLang returns the configured default language.
func (e *Engine) DefaultLang() string { return e.cfg.DefaultLang }

// ForgetChat removes every subscription of a chat the bot can no longer
// post to; see Chats.Forget.
func (e *Engine) ForgetChat(ctx context.Context, chat ChatRef) error {
	return e.chats.Forget(ctx, chat)
}

// MoveChat moves a chat that has a new ID; see Chats.Move.
func (e *Engine) MoveChat(ctx context.Context, from, to ChatRef) error {
	return e.chats.Move(ctx, from, to)
}

// readCommand is the command that opens article id on the platform of
// req.
func (e *Engine) readCommand(platform, id string) string {
	return e.platforms[platform].ReadCommand(id)
}

// Catalog returns the engine's translations, for adapters that render
// platform chrome (command menus, notices) in the user's language.
func (e *Engine) Catalog() *locales.Catalog { return e.cat }

// Handle answers one request. It never panics and never returns an empty
// reply for a command: errors become a short translated explanation. It
// returns the zero Reply (see Reply.Empty) for messages that are not meant
// for the bot, such as plain talk in a group.
func (e *Engine) Handle(ctx context.Context, req Request) (reply Reply) {
	lang := e.cfg.DefaultLang
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("panic answering a request", slog.Any("panic", p), slog.String("stack", string(debug.Stack())),
				slog.String("platform", req.Platform), slog.String("chat", req.Chat.ID))
			reply = e.errorReply(lang, &Error{Code: CodeInternal, Key: "err_internal"}, "")
		}
	}()
	lang = e.UserLang(ctx, req)
	if req.Button != "" {
		return e.handleButton(ctx, req, lang)
	}
	if utf8.RuneCountInString(req.Text) > MaxInputRunes {
		return e.errorReply(lang, Errorf(CodeInvalid, "err_too_long", map[string]any{"Max": MaxInputRunes}), "")
	}
	cmd, ok := ParseCommand(req.Text)
	if !ok {
		return e.handleText(ctx, req, lang)
	}
	c, ok := e.commands[cmd.Name]
	if !ok {
		return e.errorReply(lang, Errorf(CodeInvalid, "err_unknown_command", map[string]any{"Command": "/" + cmd.Name}), "")
	}
	if c.moderator && !req.User.Moderator {
		return e.errorReply(lang, Errorf(CodeForbidden, "err_moderators_only", nil), "")
	}
	r, err := c.run(ctx, req, lang, cmd)
	if err != nil {
		return e.errorReply(lang, err, c.name)
	}
	if r.Lang == "" {
		r.Lang = lang
	}
	return r
}

// handleText answers a message that is not a command: in a private chat it
// is a search, elsewhere it is not for the bot.
func (e *Engine) handleText(ctx context.Context, req Request, lang string) Reply {
	text := cleanText(req.Text)
	if req.Chat.Kind != ChatPrivate && req.Chat.Kind != "" {
		return Reply{}
	}
	if text == "" {
		return e.errorReply(lang, Errorf(CodeInvalid, "err_empty", nil), "")
	}
	r, err := e.searchReply(ctx, req, lang, text, 0)
	if err != nil {
		return e.errorReply(lang, err, "search")
	}
	return r
}

// errorReply explains err to the user in lang. Only internal errors are
// logged as errors; the cause never reaches the user.
func (e *Engine) errorReply(lang string, err error, command string) Reply {
	code := ErrorCode(err)
	var ce *Error
	key, args := "err_internal", map[string]any(nil)
	if errors.As(err, &ce) && ce.Key != "" {
		key, args = ce.Key, ce.Args
	}
	switch code {
	case CodeInternal:
		e.log.Error("request failed", slog.String("command", command), slog.Any("err", err))
		key, args = "err_internal", nil
	case CodeUnavailable:
		e.log.Warn("dependency unavailable", slog.String("command", command), slog.Any("err", err))
		if ce == nil || ce.Key == "" {
			key, args = "err_unavailable", nil
		}
	}
	r := Reply{Lang: lang, Text: []string{e.cat.T(lang, key, args)}, Error: code, Notice: e.cat.T(lang, key, args)}
	if code == CodeInvalid && command != "" {
		if c, ok := e.commands[command]; ok {
			r.Text = append(r.Text, e.cat.T(lang, "usage", map[string]any{"Usage": e.usage(lang, c)}))
		}
	}
	if code == CodeInvalid && (key == "err_unknown_command" || key == "err_empty") {
		r.Text = append(r.Text, e.cat.T(lang, "see_help", nil))
	}
	r.Alert = code != ""
	return r
}

// Empty reports whether r says nothing: the adapter sends no message.
func (r Reply) Empty() bool { return !r.HasContent() && r.Notice == "" }

// HasContent reports whether r has more than a notice to show.
func (r Reply) HasContent() bool {
	return r.Title != "" || len(r.Text) > 0 || len(r.Items) > 0 || r.Card != nil || r.Footer != "" || len(r.Buttons) > 0
}

func (e *Engine) usage(lang string, c command) string {
	u := "/" + c.name
	if c.args {
		u += " " + e.cat.T(lang, "args_"+c.name, nil)
	}
	return strings.TrimSpace(u)
}
