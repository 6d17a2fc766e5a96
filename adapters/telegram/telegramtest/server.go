// Package telegramtest is a fake Telegram Bot API server for tests. It
// listens on 127.0.0.1 (httptest) and behaves like api.telegram.org where
// newsbot depends on it: form-encoded POSTs to /bot<token>/<method>, the
// {ok, result, error_code, description, parameters} envelope, getUpdates
// long polling with offset and timeout, webhook delivery with the secret
// header, HTML parse-mode validation, length limits, photos by URL with
// their captions (sendPhoto, editMessageCaption; BreakImage makes a
// picture unfetchable), link_preview_options, per-chat and global
// rate limits answered with 429 and retry_after, and chats that blocked the
// bot, were deleted or migrated.
//
// Tests drive it from the user's side (UserMessage, Press, MyChatMember)
// and assert on what the bot did (Messages, Calls, Answers), waiting with
// Await. A Server is safe for concurrent use.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options configure a Server. The zero value is a bot with no rate limits.
type Options struct {
	Token       string // the bot token; "123456:TEST-token" when empty
	BotID       int64  // 123456 when zero
	BotUsername string // "newsbot_test_bot" when empty
	// PerChat limits messages (sendMessage, editMessageText) per chat, like
	// Telegram's "about one message per second" in a chat; 0 means none.
	PerChat      rate.Limit
	PerChatBurst int
	// Global limits messages over all chats, like Telegram's 30 per second
	// for a bot; 0 means none.
	Global      rate.Limit
	GlobalBurst int
	// MaxPollWait caps how long one getUpdates call waits, so that tests
	// stay quick; 1s when zero.
	MaxPollWait time.Duration
	// FetchDelay is how long the server takes to fetch a picture sent by
	// its URL (sendPhoto, editMessageMedia), as Telegram downloads it
	// before it answers; other calls go on meanwhile.
	FetchDelay time.Duration
}

// TelegramLimits returns options with Telegram's documented limits: about
// one message per second per chat (bursts of a few) and 30 per second over
// all chats.
func TelegramLimits() Options {
	return Options{PerChat: 1, PerChatBurst: 3, Global: 30, GlobalBurst: 30}
}

// Call is one request the bot made.
type Call struct {
	Method string
	Params url.Values
	// Code is 200 for success, else the error_code answered.
	Code        int
	Description string
	Time        time.Time
}

// Fault makes the next call of a method fail. Code and Description fill the
// error envelope; RetryAfter and MigrateTo its parameters. When Raw is set
// the server answers Raw with HTTP status Code instead of a JSON envelope,
// like a proxy in front of the API would. Skip lets that many calls of the
// method go through as usual first, e.g. 1 to fail the second part of a
// long message.
type Fault struct {
	Code        int
	Description string
	RetryAfter  int
	MigrateTo   int64
	Raw         string
	Skip        int
}

// Server is a fake Bot API server.
type Server struct {
	srv  *httptest.Server
	opts Options

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced whenever state changes
	closed     bool
	calls      []Call
	faults     map[string][]Fault
	chats      map[int64]*Chat
	messages   map[int64][]*Message // by chat, in send order
	nextMsgID  int
	broken     map[string]bool   // picture URLs the server cannot fetch (BreakImage)
	fetches    map[string]int    // picture URL → times fetched
	files      map[string]string // file_id → picture URL
	nextFileID int

	updates      []update // pending, oldest first
	nextUpdateID int
	queries      map[string]*queryState
	nextQueryID  int
	answers      []Answer

	webhookURL    string
	webhookSecret string
	webhookWake   chan struct{}
	webhookStatus []int

	commands map[string][]BotCommand // by scope and language, see commandKey

	global   *rate.Limiter
	perChat  map[int64]*rate.Limiter
	limited  int // 429s answered
	pushDone chan struct{}
}

// NewServer starts a fake Bot API server on 127.0.0.1. Close it when done.
func NewServer(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = "123456:TEST-token"
	}
	if opts.BotID == 0 {
		opts.BotID = 123456
	}
	if opts.BotUsername == "" {
		opts.BotUsername = "newsbot_test_bot"
	}
	if opts.MaxPollWait == 0 {
		opts.MaxPollWait = time.Second
	}
	s := &Server{
		opts:         opts,
		changed:      make(chan struct{}),
		faults:       map[string][]Fault{},
		chats:        map[int64]*Chat{},
		messages:     map[int64][]*Message{},
		nextMsgID:    100,
		nextUpdateID: 1000,
		queries:      map[string]*queryState{},
		commands:     map[string][]BotCommand{},
		perChat:      map[int64]*rate.Limiter{},
		broken:       map[string]bool{},
		fetches:      map[string]int{},
		files:        map[string]string{},
		webhookWake:  make(chan struct{}, 1),
		pushDone:     make(chan struct{}),
	}
	if opts.Global > 0 {
		s.global = rate.NewLimiter(opts.Global, max(opts.GlobalBurst, 1))
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	go s.pushWebhook()
	return s
}

// URL is the server's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.srv.URL }

// Endpoint is the API endpoint pattern for the bot library:
// URL + "/bot%s/%s" (token, method).
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// BotID is the bot's user ID.
func (s *Server) BotID() int64 { return s.opts.BotID }

// BotUsername is the bot's username, without '@'.
func (s *Server) BotUsername() string { return s.opts.BotUsername }

// Close stops the server and its webhook pusher.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.pushDone)
		s.notifyLocked()
	}
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Fail makes the next call of method fail with f. Faults queue up: each
// is used once.
func (s *Server) Fail(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], f)
}

// Calls returns the calls made so far of the given methods (all calls when
// none is given), oldest first.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// RateLimited returns how many calls were answered 429.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Await waits until cond returns true, re-checking it whenever the server's
// state changes, and reports whether it did before timeout. cond may call
// the Server's methods.
func (s *Server) Await(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return cond()
		}
	}
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// apiError is a failed call: the envelope's error fields.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
	MigrateTo   int64
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{Code: 400, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	botToken, method, ok := strings.Cut(path, "/")
	if !ok || !strings.HasPrefix(botToken, "bot") {
		writeEnvelope(w, nil, &apiError{Code: 404, Description: "Not Found"})
		return
	}
	if botToken[3:] != s.opts.Token {
		writeEnvelope(w, nil, &apiError{Code: 401, Description: "Unauthorized"})
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		writeEnvelope(w, nil, &apiError{Code: 405, Description: "Method Not Allowed"})
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		writeEnvelope(w, nil, badRequest("can't parse request: %v", err))
		return
	}
	params := r.Form
	if s.opts.FetchDelay > 0 && byURL(method, params) {
		time.Sleep(s.opts.FetchDelay)
	}
	if method == "getUpdates" {
		// Long polling must not hold the lock while it waits.
		result, aerr := s.getUpdates(r, params)
		s.record(method, params, aerr)
		writeEnvelope(w, result, aerr)
		return
	}
	s.mu.Lock()
	if fs := s.faults[method]; len(fs) > 0 && fs[0].Skip > 0 {
		fs[0].Skip--
	} else if len(fs) > 0 {
		f := fs[0]
		s.faults[method] = fs[1:]
		aerr := &apiError{Code: f.Code, Description: f.Description, RetryAfter: f.RetryAfter, MigrateTo: f.MigrateTo}
		s.recordLocked(method, params, aerr)
		s.mu.Unlock()
		if f.Raw != "" {
			w.WriteHeader(f.Code)
			fmt.Fprint(w, f.Raw)
			return
		}
		writeEnvelope(w, nil, aerr)
		return
	}
	h, ok := methods[method]
	var (
		result any
		aerr   *apiError
	)
	if !ok {
		aerr = &apiError{Code: 404, Description: "Not Found"}
	} else {
		result, aerr = h(s, params)
	}
	s.recordLocked(method, params, aerr)
	s.mu.Unlock()
	writeEnvelope(w, result, aerr)
}

// byURL reports whether a call sends a picture by its URL.
func byURL(method string, p url.Values) bool {
	var photo string
	switch method {
	case "sendPhoto":
		photo = p.Get("photo")
	case "editMessageMedia":
		var m struct {
			Media string `json:"media"`
		}
		_ = json.Unmarshal([]byte(p.Get("media")), &m)
		photo = m.Media
	}
	return strings.HasPrefix(photo, "http://") || strings.HasPrefix(photo, "https://")
}

func (s *Server) record(method string, params url.Values, aerr *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordLocked(method, params, aerr)
}

func (s *Server) recordLocked(method string, params url.Values, aerr *apiError) {
	c := Call{Method: method, Params: params, Code: 200, Time: time.Now()}
	if aerr != nil {
		c.Code, c.Description = aerr.Code, aerr.Description
		if aerr.Code == 429 {
			s.limited++
		}
	}
	s.calls = append(s.calls, c)
	s.notifyLocked()
}

func writeEnvelope(w http.ResponseWriter, result any, aerr *apiError) {
	w.Header().Set("Content-Type", "application/json")
	env := map[string]any{"ok": aerr == nil}
	if aerr == nil {
		env["result"] = result
	} else {
		env["error_code"] = aerr.Code
		env["description"] = aerr.Description
		p := map[string]any{}
		if aerr.RetryAfter > 0 {
			p["retry_after"] = aerr.RetryAfter
		}
		if aerr.MigrateTo != 0 {
			p["migrate_to_chat_id"] = aerr.MigrateTo
		}
		if len(p) > 0 {
			env["parameters"] = p
		}
		// Telegram answers errors with the matching HTTP status.
		w.WriteHeader(aerr.Code)
	}
	_ = json.NewEncoder(w).Encode(env)
}
