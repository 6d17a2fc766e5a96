package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/gorilla/websocket"
)

// HeartbeatInterval is the interval the fake's HELLO asks for, in ms.
const HeartbeatInterval = 1000

type gatewayConn struct {
	ws  *websocket.Conn
	wmu sync.Mutex
	seq int
}

func (c *gatewayConn) send(op int, t string, d any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	p := map[string]any{"op": op, "d": d}
	if op == 0 {
		c.seq++
		p["s"] = c.seq
		p["t"] = t
	} else {
		p["s"] = nil
		p["t"] = nil
	}
	return c.ws.WriteJSON(p)
}

func (c *gatewayConn) close() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	c.ws.Close()
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveGateway speaks the gateway: HELLO, then IDENTIFY must come (with
// the bot token) and READY is sent; heartbeats are acknowledged until the
// client goes.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gatewayConn{ws: ws}
	defer ws.Close()
	if c.send(10, "", map[string]any{"heartbeat_interval": HeartbeatInterval}) != nil {
		return
	}
	var id struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := ws.ReadJSON(&id); err != nil || id.Op != 2 {
		ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4003, "Not authenticated."))
		return
	}
	var ident struct {
		Token string `json:"token"`
	}
	json.Unmarshal(id.D, &ident)
	if ident.Token != "Bot "+s.Token {
		ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
		return
	}
	s.mu.Lock()
	s.identify = append(json.RawMessage(nil), id.D...)
	s.conns = append(s.conns, c)
	s.mu.Unlock()
	ready := map[string]any{
		"v":                  10,
		"user":               map[string]any{"id": BotID, "username": BotName, "discriminator": "0", "bot": true},
		"guilds":             []map[string]any{{"id": GuildID, "unavailable": true}},
		"session_id":         "fake-session",
		"resume_gateway_url": "ws" + s.srv.URL[len("http"):] + "/gateway-ws",
		"application":        map[string]any{"id": BotID, "flags": 0},
	}
	if c.send(0, "READY", ready) != nil {
		return
	}
	s.mu.Lock()
	s.ready = true
	s.notify()
	s.mu.Unlock()
	for {
		var p struct {
			Op int `json:"op"`
		}
		if err := ws.ReadJSON(&p); err != nil {
			s.mu.Lock()
			for i, x := range s.conns {
				if x == c {
					s.conns = append(s.conns[:i], s.conns[i+1:]...)
					break
				}
			}
			s.mu.Unlock()
			return
		}
		if p.Op == 1 {
			if c.send(11, "", nil) != nil {
				return
			}
			s.mu.Lock()
			s.heartbeats++
			s.notify()
			s.mu.Unlock()
		}
	}
}

// dispatch sends an event to the connected gateway clients.
func (s *Server) dispatch(t string, d any) {
	s.t.Helper()
	s.mu.Lock()
	conns := append([]*gatewayConn(nil), s.conns...)
	s.mu.Unlock()
	if len(conns) == 0 {
		s.t.Fatalf("discordtest: no gateway connection to send %s to", t)
	}
	for _, c := range conns {
		if err := c.send(0, t, d); err != nil {
			s.t.Fatalf("discordtest: sending %s: %v", t, err)
		}
	}
}

// Permission bits used by the fake's interactions.
const (
	PermViewChannel    int64 = 1 << 10
	PermSendMessages   int64 = 1 << 11
	PermEmbedLinks     int64 = 1 << 14
	PermManageChannels int64 = 1 << 4
	PermAdministrator  int64 = 1 << 3
	// PermPost is what the bot needs to post alerts in a channel.
	PermPost = PermViewChannel | PermSendMessages | PermEmbedLinks
)

// Where is where and by whom an interaction is made.
type Where struct {
	UserID      string
	Locale      string // the user's client locale, e.g. "ro", "en-US"
	GuildID     string // "" for a DM
	GuildLocale string
	ChannelID   string
	Perms       int64 // the member's permissions in the channel
	AppPerms    int64 // the bot's permissions in the channel
}

// Option is an option of a slash command, as Discord sends it.
type Option struct {
	Name    string
	Type    int // 3 string, 4 integer
	Value   any
	Focused bool
}

func (s *Server) interaction(typ int, w Where, data map[string]any, message map[string]any) string {
	id := s.register(w, message)
	token := "itoken-" + id
	user := map[string]any{"id": w.UserID, "username": "user" + w.UserID, "discriminator": "0"}
	i := map[string]any{
		"id":              id,
		"application_id":  BotID,
		"type":            typ,
		"data":            data,
		"channel_id":      w.ChannelID,
		"token":           token,
		"version":         1,
		"locale":          w.Locale,
		"app_permissions": strconv.FormatInt(w.AppPerms, 10),
	}
	if w.GuildID != "" {
		i["guild_id"] = w.GuildID
		i["guild_locale"] = w.GuildLocale
		i["member"] = map[string]any{"user": user, "roles": []string{}, "permissions": strconv.FormatInt(w.Perms, 10), "joined_at": "2026-01-01T00:00:00+00:00"}
	} else {
		i["user"] = user
	}
	if message != nil {
		i["message"] = message
	}
	s.dispatch("INTERACTION_CREATE", i)
	return id
}

// register makes a new interaction's ID, whose token is "itoken-<ID>".
func (s *Server) register(w Where, message map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.id()
	s.tokens["itoken-"+id] = id
	s.where[id] = [2]string{w.ChannelID, ""}
	if message != nil {
		s.where[id] = [2]string{w.ChannelID, message["id"].(string)}
	}
	return id
}

func options(opts []Option) []map[string]any {
	out := []map[string]any{}
	for _, o := range opts {
		m := map[string]any{"name": o.Name, "type": o.Type, "value": o.Value}
		if o.Focused {
			m["focused"] = true
		}
		out = append(out, m)
	}
	return out
}

// Command sends a slash command and returns the interaction's ID.
func (s *Server) Command(w Where, name string, opts ...Option) string {
	s.t.Helper()
	return s.interaction(2, w, map[string]any{"id": s.id(), "name": name, "type": 1, "options": options(opts)}, nil)
}

// Autocomplete sends an autocomplete request for the focused option.
func (s *Server) Autocomplete(w Where, name string, opts ...Option) string {
	s.t.Helper()
	return s.interaction(4, w, map[string]any{"id": s.id(), "name": name, "type": 1, "options": options(opts)}, nil)
}

// Press presses the button customID on message messageID.
func (s *Server) Press(w Where, messageID, customID string) string {
	s.t.Helper()
	return s.press(w, messageID, customID, 0)
}

// PressEphemeral presses a button on an ephemeral message, one only the
// presser sees.
func (s *Server) PressEphemeral(w Where, messageID, customID string) string {
	s.t.Helper()
	return s.press(w, messageID, customID, 64)
}

func (s *Server) press(w Where, messageID, customID string, flags int) string {
	msg := map[string]any{"id": messageID, "channel_id": w.ChannelID, "author": map[string]any{"id": BotID, "username": BotName, "bot": true},
		"timestamp": "2026-12-02T10:00:00+00:00", "flags": flags}
	return s.interaction(3, w, map[string]any{"custom_id": customID, "component_type": 2}, msg)
}

// DeleteChannel tells the bot that a server channel was deleted
// (CHANNEL_DELETE, which the Guilds intent brings).
func (s *Server) DeleteChannel(guildID, channelID string) {
	s.t.Helper()
	s.dispatch("CHANNEL_DELETE", map[string]any{"id": channelID, "guild_id": guildID, "type": 0, "name": "news"})
}
