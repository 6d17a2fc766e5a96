// Package discordtest runs fakes of Discord on 127.0.0.1 for tests of the
// adapter with the real discordgo: a REST server that answers like
// Discord (JSON error bodies {"code","message"}, X-RateLimit-* headers,
// 429 with retry_after) and a gateway websocket (op 10 HELLO, op 2
// IDENTIFY, op 0 READY, op 1/op 11 heartbeats, then INTERACTION_CREATE
// dispatches). Tests script failures per channel, send interactions, and
// read back every callback, original-message edit, follow-up, channel
// message and command registration.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Default identities of the fake.
const (
	BotID     = "900000000000000001"
	BotName   = "newsbot"
	GuildID   = "800000000000000001"
	Channel   = "700000000000000001"
	DMChannel = "700000000000000009"
)

// Failure is a scripted answer to the next request on a channel.
type Failure struct {
	Status     int     // HTTP status, e.g. 403
	Code       int     // Discord's JSON error code, e.g. 50013
	Message    string  // Discord's message, e.g. "Missing Permissions"
	RetryAfter float64 // seconds, for a 429
	Global     bool    // a global 429
}

// Common failures, as Discord sends them.
var (
	MissingAccess      = Failure{Status: 403, Code: 50001, Message: "Missing Access"}
	MissingPermissions = Failure{Status: 403, Code: 50013, Message: "Missing Permissions"}
	UnknownChannel     = Failure{Status: 404, Code: 10003, Message: "Unknown Channel"}
	CannotMessageUser  = Failure{Status: 403, Code: 50007, Message: "Cannot send messages to this user"}
	ServerError        = Failure{Status: 500, Code: 0, Message: "500: Internal Server Error"}
)

// RateLimited is a 429 asking to retry after seconds.
func RateLimited(seconds float64, global bool) Failure {
	return Failure{Status: 429, Message: "You are being rate limited.", RetryAfter: seconds, Global: global}
}

// Call is one REST request the fake answered.
type Call struct {
	Method string
	Path   string // without the /api/vN prefix, e.g. "/channels/7/messages"
	Body   json.RawMessage
	Status int
}

// Message is a channel message as the fake keeps it.
type Message struct {
	ID      string
	Channel string
	Body    json.RawMessage // the last payload sent or edited
	Edits   int
	Deleted bool
}

// Callback is an interaction's response (POST …/callback).
type Callback struct {
	Type int
	Data json.RawMessage
}

// Server is the fake REST API and gateway. Its methods are safe for
// concurrent use.
type Server struct {
	URL   string // the API endpoint to give the adapter
	Token string // the bot token it accepts

	t   testing.TB
	srv *httptest.Server

	mu               sync.Mutex
	changed          chan struct{} // closed and replaced at every change
	calls            []Call
	messages         map[string]*Message // by message ID
	order            []string            // message IDs in creation order
	failures         map[string][]Failure
	commands         map[string]json.RawMessage // scope ("global" or guild ID) → last bulk overwrite
	callbacks        map[string][]Callback      // by interaction ID
	originals        map[string][]json.RawMessage
	followups        map[string][]json.RawMessage
	deletedOriginals map[string]int
	tokens           map[string]string    // interaction token → interaction ID
	where            map[string][2]string // interaction ID → its channel, and the message of its button
	responses        map[string]string    // interaction ID → the channel message its public answer became
	nextID           int64
	identify         json.RawMessage
	heartbeats       int
	conns            []*gatewayConn
	ready            bool
}

// NewServer starts the fake on 127.0.0.1; it stops with the test.
func NewServer(t testing.TB, token string) *Server {
	s := &Server{
		Token:            token,
		t:                t,
		changed:          make(chan struct{}),
		messages:         map[string]*Message{},
		failures:         map[string][]Failure{},
		commands:         map[string]json.RawMessage{},
		callbacks:        map[string][]Callback{},
		originals:        map[string][]json.RawMessage{},
		followups:        map[string][]json.RawMessage{},
		deletedOriginals: map[string]int{},
		tokens:           map[string]string{},
		where:            map[string][2]string{},
		responses:        map[string]string{},
		nextID:           1_000_000_000_000_000_000,
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/"
	t.Cleanup(s.Close)
	return s
}

// Close stops the fake and drops the gateway connections.
func (s *Server) Close() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.srv.Close()
}

// notify wakes the waiters; s.mu is held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Wait waits until cond holds, checking it again at every change of the
// fake; the test fails after 10 seconds (a bound on a broken test, not a
// timing check). cond may call the fake's methods.
func (s *Server) Wait(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.t.Fatalf("discordtest: waited 10s for %s", what)
		}
	}
}

// Fail scripts the answers to the next requests on channel, in order.
func (s *Server) Fail(channel string, f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[channel] = append(s.failures[channel], f...)
}

// Calls returns the REST calls so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Response returns the ID of the channel message that the public answer
// to interaction id became, "" when there is none (yet).
func (s *Server) Response(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.responses[id]
}

// ChannelMessages returns the messages of one channel, deleted ones
// included, in creation order.
func (s *Server) ChannelMessages(channel string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		if m.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

// Messages returns the channel messages created so far (public answers to
// interactions included), deleted ones included, in creation order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, *s.messages[id])
	}
	return out
}

// Commands returns the last bulk overwrite of commands in scope: "global"
// or a guild ID; nil when there was none.
func (s *Server) Commands(scope string) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[scope]
}

// Identify returns the IDENTIFY payload's d, nil before one came.
func (s *Server) Identify() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identify
}

// Heartbeats counts the op 1 heartbeats the gateway acknowledged.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// WaitReady waits until a gateway connection has been sent READY.
func (s *Server) WaitReady() {
	s.t.Helper()
	s.Wait("READY", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.ready
	})
}

func (s *Server) id() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// apiPrefix cuts "/api/vN" from path.
func apiPrefix(path string) (string, bool) {
	if !strings.HasPrefix(path, "/api/v") {
		return path, false
	}
	rest := strings.TrimPrefix(path, "/api/v")
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "/", true
	}
	return rest[i:], true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway-ws" || r.URL.Path == "/gateway-ws/" {
		s.serveGateway(w, r)
		return
	}
	path, ok := apiPrefix(r.URL.Path)
	if !ok {
		writeError(w, 404, 0, "404: Not Found")
		return
	}
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Authorization") != "Bot "+s.Token && !strings.HasPrefix(path, "/interactions/") && !strings.HasPrefix(path, "/webhooks/") {
		s.record(r.Method, path, body, 401)
		writeError(w, 401, 0, "401: Unauthorized")
		return
	}
	rateHeaders(w, path)
	status, out := s.route(r.Method, path, body)
	s.record(r.Method, path, body, status)
	if f, ok := out.(Failure); ok {
		if f.Status == 429 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter+0.999)))
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(f.RetryAfter, 'f', 3, 64))
			if f.Global {
				w.Header().Set("X-RateLimit-Global", "true")
				w.Header().Set("X-RateLimit-Scope", "global")
			} else {
				w.Header().Set("X-RateLimit-Scope", "user")
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(429)
			json.NewEncoder(w).Encode(map[string]any{"message": f.Message, "retry_after": f.RetryAfter, "global": f.Global, "code": 0})
			return
		}
		writeError(w, f.Status, f.Code, f.Message)
		return
	}
	if status == 204 {
		w.WriteHeader(204)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(out)
}

func (s *Server) record(method, path string, body []byte, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var raw json.RawMessage
	if len(body) > 0 {
		raw = append(raw, body...)
	}
	s.calls = append(s.calls, Call{Method: method, Path: path, Body: raw, Status: status})
	s.notify()
}

// rateHeaders sets the X-RateLimit-* headers of a request with room left.
func rateHeaders(w http.ResponseWriter, path string) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "4")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(5*time.Second).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", "5.000")
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%x", len(path)))
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg})
}

// route answers one REST call: a status and a JSON value, or a Failure.
func (s *Server) route(method, path string, body []byte) (int, any) {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case method == "GET" && path == "/users/@me":
		return 200, map[string]any{"id": BotID, "username": BotName, "discriminator": "0", "bot": true}
	case method == "GET" && (path == "/gateway" || path == "/gateway/bot"):
		ws := "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/gateway-ws"
		return 200, map[string]any{"url": ws, "shards": 1, "session_start_limit": map[string]int{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}
	case len(seg) >= 3 && seg[0] == "channels" && seg[2] == "messages":
		return s.channelMessages(method, seg, body)
	case method == "PUT" && len(seg) == 3 && seg[0] == "applications" && seg[2] == "commands":
		return s.overwrite("global", seg[1], body)
	case method == "PUT" && len(seg) == 5 && seg[0] == "applications" && seg[2] == "guilds" && seg[4] == "commands":
		return s.overwrite(seg[3], seg[1], body)
	case method == "POST" && len(seg) == 4 && seg[0] == "interactions" && seg[3] == "callback":
		return s.callback(seg[1], seg[2], body)
	case len(seg) >= 3 && seg[0] == "webhooks":
		return s.webhook(method, seg, body)
	}
	return 404, Failure{Status: 404, Code: 0, Message: "404: Not Found"}
}

func (s *Server) channelMessages(method string, seg []string, body []byte) (int, any) {
	channel := seg[1]
	if q := s.failures[channel]; len(q) > 0 {
		s.failures[channel] = q[1:]
		return q[0].Status, q[0]
	}
	switch {
	case method == "POST" && len(seg) == 3:
		if f, bad := checkMessage(body); bad {
			return f.Status, f
		}
		m := &Message{ID: s.id(), Channel: channel, Body: append(json.RawMessage(nil), body...)}
		s.messages[m.ID] = m
		s.order = append(s.order, m.ID)
		s.notify()
		return 200, messageJSON(m)
	case (method == "PATCH" || method == "DELETE") && len(seg) == 4:
		m, ok := s.messages[seg[3]]
		if !ok || m.Deleted || m.Channel != channel {
			return 404, Failure{Status: 404, Code: 10008, Message: "Unknown Message"}
		}
		if method == "DELETE" {
			m.Deleted = true
			s.notify()
			return 204, nil
		}
		if f, bad := checkMessage(body); bad {
			return f.Status, f
		}
		m.Body = append(json.RawMessage(nil), body...)
		m.Edits++
		s.notify()
		return 200, messageJSON(m)
	}
	return 405, Failure{Status: 405, Code: 0, Message: "405: Method Not Allowed"}
}

// checkMessage refuses a payload the way Discord does (50035 Invalid Form
// Body) when it breaks an embed or component limit, and flags a message
// that does not turn mentions off.
func checkMessage(body []byte) (Failure, bool) {
	var p struct {
		Content    *string          `json:"content"`
		Embeds     []map[string]any `json:"embeds"`
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
				Label    string `json:"label"`
			} `json:"components"`
		} `json:"components"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	invalid := func(why string) (Failure, bool) {
		return Failure{Status: 400, Code: 50035, Message: "Invalid Form Body: " + why}, true
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return invalid("not JSON")
	}
	if p.Content != nil && len([]rune(*p.Content)) > 2000 {
		return invalid("content longer than 2000")
	}
	if len(p.Embeds) > 10 {
		return invalid("more than 10 embeds")
	}
	total := 0
	for _, e := range p.Embeds {
		n, why := embedSize(e)
		if why != "" {
			return invalid(why)
		}
		total += n
	}
	if total > 6000 {
		return invalid("embeds longer than 6000 in all")
	}
	if len(p.Components) > 5 {
		return invalid("more than 5 action rows")
	}
	seen := map[string]bool{}
	for _, row := range p.Components {
		if len(row.Components) == 0 || len(row.Components) > 5 {
			return invalid("an action row needs 1 to 5 buttons")
		}
		for _, b := range row.Components {
			if b.CustomID == "" || len(b.CustomID) > 100 || seen[b.CustomID] {
				return invalid("custom_id missing, longer than 100 or repeated")
			}
			if len([]rune(b.Label)) > 80 {
				return invalid("button label longer than 80")
			}
			seen[b.CustomID] = true
		}
	}
	if p.AllowedMentions == nil || p.AllowedMentions.Parse == nil || len(p.AllowedMentions.Parse) != 0 {
		return Failure{Status: 400, Code: 50035, Message: "discordtest: allowed_mentions must be {\"parse\":[]}"}, true
	}
	return Failure{}, false
}

func embedSize(e map[string]any) (int, string) {
	str := func(v any) string { s, _ := v.(string); return s }
	n := 0
	title := str(e["title"])
	if len([]rune(title)) > 256 {
		return 0, "embed title longer than 256"
	}
	desc := str(e["description"])
	if len([]rune(desc)) > 4096 {
		return 0, "embed description longer than 4096"
	}
	n += len([]rune(title)) + len([]rune(desc))
	if f, ok := e["footer"].(map[string]any); ok {
		t := str(f["text"])
		if len([]rune(t)) > 2048 {
			return 0, "embed footer longer than 2048"
		}
		n += len([]rune(t))
	}
	fields, _ := e["fields"].([]any)
	if len(fields) > 25 {
		return 0, "more than 25 fields"
	}
	for _, f := range fields {
		m, _ := f.(map[string]any)
		name, value := str(m["name"]), str(m["value"])
		if name == "" || value == "" || len([]rune(name)) > 256 || len([]rune(value)) > 1024 {
			return 0, "field name or value empty or too long"
		}
		n += len([]rune(name)) + len([]rune(value))
	}
	return n, ""
}

func messageJSON(m *Message) map[string]any {
	out := map[string]any{}
	json.Unmarshal(m.Body, &out)
	out["id"] = m.ID
	out["channel_id"] = m.Channel
	out["author"] = map[string]any{"id": BotID, "username": BotName, "bot": true}
	out["timestamp"] = "2026-12-02T10:00:00+00:00"
	return out
}

func (s *Server) overwrite(scope, app string, body []byte) (int, any) {
	if app != BotID {
		return 403, Failure{Status: 403, Code: 50001, Message: "Missing Access"}
	}
	var cmds []map[string]any
	if err := json.Unmarshal(body, &cmds); err != nil {
		return 400, Failure{Status: 400, Code: 50035, Message: "Invalid Form Body"}
	}
	for _, c := range cmds {
		c["id"] = s.id()
		c["application_id"] = app
		c["version"] = s.id()
	}
	s.commands[scope] = append(json.RawMessage(nil), body...)
	s.notify()
	return 200, cmds
}

func (s *Server) callback(id, token string, body []byte) (int, any) {
	if s.tokens[token] != id {
		return 404, Failure{Status: 404, Code: 10062, Message: "Unknown interaction"}
	}
	if len(s.callbacks[id]) > 0 {
		return 400, Failure{Status: 400, Code: 40060, Message: "Interaction has already been acknowledged."}
	}
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return 400, Failure{Status: 400, Code: 50035, Message: "Invalid Form Body"}
	}
	if cb.Type == 4 || cb.Type == 7 {
		if f, bad := checkMessage(cb.Data); bad {
			return f.Status, f
		}
	}
	// A public answer is a message in the channel, which the bot may edit
	// or delete later; an update (type 7) changes the button's message.
	var flags struct {
		Flags int `json:"flags"`
	}
	json.Unmarshal(cb.Data, &flags)
	switch w := s.where[id]; {
	case cb.Type == 4 && flags.Flags&64 == 0:
		m := &Message{ID: s.id(), Channel: w[0], Body: append(json.RawMessage(nil), cb.Data...)}
		s.messages[m.ID] = m
		s.order = append(s.order, m.ID)
		s.responses[id] = m.ID
	case cb.Type == 7:
		if m, ok := s.messages[w[1]]; ok && !m.Deleted {
			m.Body = append(json.RawMessage(nil), cb.Data...)
			m.Edits++
		}
	}
	s.callbacks[id] = append(s.callbacks[id], Callback{Type: cb.Type, Data: cb.Data})
	s.notify()
	return 204, nil
}

func (s *Server) webhook(method string, seg []string, body []byte) (int, any) {
	app, token := seg[1], seg[2]
	id, ok := s.tokens[token]
	if app != BotID || !ok || len(s.callbacks[id]) == 0 {
		return 404, Failure{Status: 404, Code: 10015, Message: "Unknown Webhook"}
	}
	switch {
	case method == "POST" && len(seg) == 3:
		if f, bad := checkMessage(body); bad {
			return f.Status, f
		}
		s.followups[id] = append(s.followups[id], append(json.RawMessage(nil), body...))
		s.notify()
		return 200, messageJSON(&Message{ID: s.id(), Body: body})
	case method == "PATCH" && len(seg) == 5 && seg[4] == "@original":
		if f, bad := checkMessage(body); bad {
			return f.Status, f
		}
		s.originals[id] = append(s.originals[id], append(json.RawMessage(nil), body...))
		s.notify()
		return 200, messageJSON(&Message{ID: s.id(), Body: body})
	case method == "DELETE" && len(seg) == 5 && seg[4] == "@original":
		s.deletedOriginals[id]++
		s.notify()
		return 204, nil
	}
	return 405, Failure{Status: 405, Code: 0, Message: "405: Method Not Allowed"}
}

// Answer is everything the bot said in answer to one interaction.
type Answer struct {
	Callback        Callback
	Originals       []json.RawMessage // edits of the original response
	Followups       []json.RawMessage
	OriginalDeleted bool
}

// Answer returns what the bot said to interaction id so far.
func (s *Server) Answer(id string) Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var a Answer
	if cb := s.callbacks[id]; len(cb) > 0 {
		a.Callback = cb[0]
	}
	a.Originals = append(a.Originals, s.originals[id]...)
	a.Followups = append(a.Followups, s.followups[id]...)
	a.OriginalDeleted = s.deletedOriginals[id] > 0
	return a
}

// WaitCallback waits for the response to interaction id.
func (s *Server) WaitCallback(id string) Callback {
	s.t.Helper()
	s.Wait("the response to interaction "+id, func() bool { return s.Answer(id).Callback.Type != 0 })
	return s.Answer(id).Callback
}
