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

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/locales"
)

// Config is the engine's configuration.
type Config struct {
	DefaultLang string         // the language when neither a choice nor the platform locale gives one
	Sections    []string       // section IDs in display order; content.DefaultSections when empty
	Location    *time.Location // where times are shown; UTC when nil
	// SummaryTTL is how long a computed summary stays cached; 0 means 30 days.
	SummaryTTL time.Duration
	// SummaryKey names the summarizer's algorithm and settings in cache
	// keys (e.g. "v1b400"), so that a new summarizer does not serve the old
	// one's cached summaries.
	SummaryKey string
	// PreviewTTL is how long a broadcast preview can be confirmed; 0 means
	// DefaultPreviewTTL.
	PreviewTTL time.Duration
}

// Deps are the parts the engine calls. Store and Catalog are required.
type Deps struct {
	Store      Store
	Catalog    *locales.Catalog
	Searcher   Searcher   // nil: a simple scan of stored articles
	Summarizer Summarizer // nil: the lead is the summary
	Logger     *slog.Logger
	Now        func() time.Time // nil: time.Now
	// Broadcaster delivers breaking news, corrections and retractions; nil:
	// /breaking explains that delivery is not set up.
	Broadcaster Broadcaster
	// Translator fills in languages a moderator did not write; nil: those
	// chats get the moderator's first text.
	Translator Translator
	// Linker links editions by hand (/link); nil: /link is unavailable.
	Linker Linker
}

// Engine answers requests. It is safe for concurrent use.
type Engine struct {
	cfg      Config
	store    Store
	cat      *locales.Catalog
	search   Searcher
	summary  Summarizer
	log      *slog.Logger
	now      func() time.Time
	commands map[string]command
	order    []string // command names in help order
	bcast    Broadcaster
	translr  Translator
	linker   Linker
}

// NewEngine returns an engine, or an error naming what is missing in cfg or
// deps.
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
	if len(cfg.Sections) == 0 {
		cfg.Sections = content.DefaultSections
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.SummaryTTL == 0 {
		cfg.SummaryTTL = 30 * 24 * time.Hour
	}
	if cfg.PreviewTTL <= 0 {
		cfg.PreviewTTL = DefaultPreviewTTL
	}
	e := &Engine{
		cfg:     cfg,
		store:   deps.Store,
		cat:     deps.Catalog,
		search:  deps.Searcher,
		summary: deps.Summarizer,
		log:     deps.Logger,
		now:     deps.Now,
		bcast:   deps.Broadcaster,
		translr: deps.Translator,
		linker:  deps.Linker,
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
	e.registerCommands()
	return e, nil
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
func (r Reply) Empty() bool {
	return r.Title == "" && len(r.Text) == 0 && len(r.Items) == 0 && r.Card == nil && r.Footer == "" &&
		len(r.Buttons) == 0 && r.Notice == ""
}

func (e *Engine) usage(lang string, c command) string {
	u := "/" + c.name
	if c.args {
		u += " " + e.cat.T(lang, "args_"+c.name, nil)
	}
	return strings.TrimSpace(u)
}
