package telegramtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// User is a Telegram user who talks to the bot.
type User struct {
	ID           int64
	FirstName    string
	Username     string
	LanguageCode string // e.g. "ru"; may be empty
}

func (u User) json() map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName}
	if m["first_name"] == "" {
		m["first_name"] = "User"
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	if u.LanguageCode != "" {
		m["language_code"] = u.LanguageCode
	}
	return m
}

type update struct {
	id   int
	body map[string]any // without update_id
}

type queryState struct {
	answered bool
}

func newLimiter(r rate.Limit, burst int) *rate.Limiter {
	return rate.NewLimiter(r, max(burst, 1))
}

// AddUpdate queues a raw update (without update_id, which the server
// assigns and returns), e.g. {"edited_message": {...}}.
func (s *Server) AddUpdate(body map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUpdateLocked(body)
}

func (s *Server) addUpdateLocked(body map[string]any) int {
	s.nextUpdateID++
	s.updates = append(s.updates, update{id: s.nextUpdateID, body: body})
	s.wakeWebhook()
	s.notifyLocked()
	return s.nextUpdateID
}

// chatFor returns chat id, creating the private chat of user from when id is
// the user's own ID.
func (s *Server) chatForLocked(id int64, from User) *Chat {
	c := s.chats[id]
	if c == nil && id == from.ID {
		c = &Chat{ID: id, Type: "private"}
		s.chats[id] = c
	}
	if c == nil {
		panic("telegramtest: unknown chat " + strconv.FormatInt(id, 10) + "; AddChat it first")
	}
	return c
}

// UserMessage queues a message from user from in chat (the user's private
// chat when chat is from.ID) and returns the update ID. A leading command
// gets its bot_command entity, as Telegram sends it.
func (s *Server) UserMessage(chat int64, from User, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatForLocked(chat, from)
	s.nextMsgID++
	msg := map[string]any{
		"message_id": s.nextMsgID,
		"from":       from.json(),
		"chat":       chatJSON(c),
		"date":       time.Now().Unix(),
		"text":       text,
	}
	if strings.HasPrefix(text, "/") {
		end := strings.IndexAny(text, " \n")
		if end < 0 {
			end = len(text)
		}
		msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": TextLen(text[:end])}}
	}
	return s.addUpdateLocked(map[string]any{"message": msg})
}

// Press queues a callback query: user from pressed the button with data on
// the bot's message messageID in chat. It returns the query ID.
func (s *Server) Press(chat int64, messageID int, from User, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatForLocked(chat, from)
	msg := s.messageJSON(c, &Message{MessageID: messageID})
	for _, m := range s.messages[chat] {
		if m.MessageID == messageID {
			msg = s.messageJSON(c, m)
		}
	}
	s.nextQueryID++
	id := "q" + strconv.Itoa(s.nextQueryID)
	s.queries[id] = &queryState{}
	s.addUpdateLocked(map[string]any{"callback_query": map[string]any{
		"id":            id,
		"from":          from.json(),
		"chat_instance": strconv.FormatInt(chat, 10),
		"data":          data,
		"message":       msg,
	}})
	return id
}

// MyChatMember queues a my_chat_member update: user from changed the
// bot's status in chat from oldStatus to newStatus ("member",
// "administrator", "left", "kicked"), and records the new status.
func (s *Server) MyChatMember(chat int64, from User, oldStatus, newStatus string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatForLocked(chat, from)
	c.BotStatus = newStatus
	member := func(status string) map[string]any { return map[string]any{"user": s.botUser(), "status": status} }
	return s.addUpdateLocked(map[string]any{"my_chat_member": map[string]any{
		"chat":            chatJSON(c),
		"from":            from.json(),
		"date":            time.Now().Unix(),
		"old_chat_member": member(oldStatus),
		"new_chat_member": member(newStatus),
	}})
}

// Migrate upgrades the group chat to the supergroup to, as Telegram does:
// sends to the group are answered with migrate_to_chat_id from now on, the
// supergroup becomes known (with the group's title and administrators),
// and two service messages from user from are queued, one in the group
// with migrate_to_chat_id and one in the supergroup with
// migrate_from_chat_id. It returns their update IDs.
func (s *Server) Migrate(group, to int64, from User) (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatForLocked(group, from)
	c.MigrateTo = to
	sg := &Chat{ID: to, Type: "supergroup", Title: c.Title, Admins: append([]int64(nil), c.Admins...)}
	s.chats[to] = sg
	service := func(chat *Chat, key string, id int64) map[string]any {
		s.nextMsgID++
		return map[string]any{"message": map[string]any{
			"message_id": s.nextMsgID,
			"from":       from.json(),
			"chat":       chatJSON(chat),
			"date":       time.Now().Unix(),
			key:          id,
		}}
	}
	return s.addUpdateLocked(service(c, "migrate_to_chat_id", to)), s.addUpdateLocked(service(sg, "migrate_from_chat_id", group))
}

// Pending returns how many updates are not yet confirmed (by a getUpdates
// offset past them, or a webhook 2xx).
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

func (u update) json() map[string]any {
	m := map[string]any{"update_id": u.id}
	for k, v := range u.body {
		m[k] = v
	}
	return m
}

func (s *Server) getUpdates(r *http.Request, p url.Values) (any, *apiError) {
	offset, _ := strconv.Atoi(p.Get("offset"))
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	wait := min(time.Duration(timeout)*time.Second, s.opts.MaxPollWait)
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if fs := s.faults["getUpdates"]; len(fs) > 0 {
			f := fs[0]
			s.faults["getUpdates"] = fs[1:]
			s.mu.Unlock()
			return nil, &apiError{Code: f.Code, Description: f.Description, RetryAfter: f.RetryAfter}
		}
		if s.webhookURL != "" {
			s.mu.Unlock()
			return nil, &apiError{Code: 409, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		if offset > 0 {
			// An offset confirms every update before it.
			i := 0
			for i < len(s.updates) && s.updates[i].id < offset {
				i++
			}
			if i > 0 {
				s.updates = append([]update(nil), s.updates[i:]...)
				s.notifyLocked()
			}
		}
		out := []map[string]any{}
		for _, u := range s.updates {
			if len(out) == limit {
				break
			}
			out = append(out, u.json())
		}
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if len(out) > 0 || closed {
			return out, nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return out, nil
		case <-r.Context().Done():
			return out, nil
		}
	}
}

func (s *Server) wakeWebhook() {
	select {
	case s.webhookWake <- struct{}{}:
	default:
	}
}

// WebhookStatuses returns the HTTP statuses the bot's webhook answered,
// oldest first.
func (s *Server) WebhookStatuses() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.webhookStatus...)
}

// pushWebhook delivers pending updates to the webhook one at a time, in
// order, with the secret header; an update stays pending until the webhook
// answers 2xx, and is retried after a short pause otherwise.
func (s *Server) pushWebhook() {
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		s.mu.Lock()
		target, secret := s.webhookURL, s.webhookSecret
		var next *update
		if target != "" && len(s.updates) > 0 {
			u := s.updates[0]
			next = &u
		}
		s.mu.Unlock()
		if next == nil {
			select {
			case <-s.webhookWake:
				continue
			case <-s.pushDone:
				return
			}
		}
		body, _ := json.Marshal(next.json())
		req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		status := 0
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			if secret != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
			}
			if resp, err := client.Do(req); err == nil {
				status = resp.StatusCode
				resp.Body.Close()
			}
		}
		s.mu.Lock()
		s.webhookStatus = append(s.webhookStatus, status)
		if status >= 200 && status < 300 && len(s.updates) > 0 && s.updates[0].id == next.id {
			s.updates = s.updates[1:]
		}
		s.notifyLocked()
		s.mu.Unlock()
		if status < 200 || status >= 300 {
			select {
			case <-time.After(100 * time.Millisecond):
			case <-s.pushDone:
				return
			}
		}
	}
}
