package telegramtest

import (
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Chat is a chat the fake server knows.
type Chat struct {
	ID       int64
	Type     string // "private", "group", "supergroup" or "channel"
	Title    string
	Username string // without '@'; how getChat finds a channel by name
	// Admins are the user IDs of the chat's administrators, the creator
	// first. The bot is not listed, as getChatAdministrators leaves bots out.
	Admins []int64
	// BotStatus is the bot's status in the chat: "member" when empty,
	// "administrator", "left" or "kicked".
	BotStatus string
	// Blocked, when set, is the 403 description every message to the chat
	// gets, e.g. "Forbidden: bot was blocked by the user".
	Blocked string
	// Gone makes the chat unknown to sends ("chat not found") while getChat
	// still finds nothing either.
	Gone bool
	// MigrateTo is the supergroup this group was upgraded to.
	MigrateTo int64
}

// Message is a message the bot sent, as it stands now.
type Message struct {
	ChatID    int64
	MessageID int
	HTML      string // the text as sent
	Text      string // the text as Telegram shows it (tags removed, entities decoded)
	ParseMode string
	Keyboard  [][]Button
	NoPreview bool
	// Preview is the link_preview_options the message was sent or last
	// edited with, if any.
	Preview *LinkPreview
	// Photo is the picture's URL for a photo message (sendPhoto); HTML and
	// Text are then its caption. FileID is the photo's file on the server,
	// which a later sendPhoto or editMessageMedia may pass instead of the
	// URL.
	Photo   string
	FileID  string
	Edits   int
	Deleted bool
}

// LinkPreview is a message's link_preview_options.
type LinkPreview struct {
	IsDisabled       bool   `json:"is_disabled"`
	URL              string `json:"url"`
	PreferSmallMedia bool   `json:"prefer_small_media"`
	PreferLargeMedia bool   `json:"prefer_large_media"`
	ShowAboveText    bool   `json:"show_above_text"`
}

// Button is an inline keyboard button.
type Button struct {
	Text string
	Data string
	URL  string
}

// Answer is an answerCallbackQuery.
type Answer struct {
	QueryID   string
	Text      string
	ShowAlert bool
}

// BotCommand is one command of a setMyCommands menu.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Telegram's limits.
const (
	MaxMessageLen      = 4096
	MaxCaptionLen      = 1024
	MaxCallbackTextLen = 200
	MaxCallbackData    = 64
)

// AddChat makes a chat known (or replaces it).
func (s *Server) AddChat(c Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cc := c
	s.chats[c.ID] = &cc
	s.notifyLocked()
}

// SetChat changes a known chat with f.
func (s *Server) SetChat(id int64, f func(*Chat)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[id]; c != nil {
		f(c)
	}
}

// Messages returns the messages the bot sent to chat, oldest first,
// including deleted ones (Deleted set).
func (s *Server) Messages(chat int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages[chat] {
		out = append(out, *m)
	}
	return out
}

// Answers returns the callback query answers, oldest first.
func (s *Server) Answers() []Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Answer(nil), s.answers...)
}

// Commands returns the command menu set for a scope type ("default",
// "chat", …; "" means default), its chat (for "chat" scopes) and language
// ("" for all languages).
func (s *Server) Commands(scope string, chat int64, lang string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[commandKey(scope, chat, lang)]
}

func commandKey(scope string, chat int64, lang string) string {
	if scope == "" {
		scope = "default"
	}
	return scope + "/" + strconv.FormatInt(chat, 10) + "/" + lang
}

var methods = map[string]func(*Server, url.Values) (any, *apiError){
	"getMe":                 (*Server).getMe,
	"sendMessage":           (*Server).sendMessage,
	"editMessageText":       (*Server).editMessageText,
	"sendPhoto":             (*Server).sendPhoto,
	"editMessageCaption":    (*Server).editMessageCaption,
	"editMessageMedia":      (*Server).editMessageMedia,
	"deleteMessage":         (*Server).deleteMessage,
	"answerCallbackQuery":   (*Server).answerCallbackQuery,
	"setMyCommands":         (*Server).setMyCommands,
	"getMyCommands":         (*Server).getMyCommands,
	"setWebhook":            (*Server).setWebhook,
	"deleteWebhook":         (*Server).deleteWebhook,
	"getWebhookInfo":        (*Server).getWebhookInfo,
	"getChat":               (*Server).getChat,
	"getChatMember":         (*Server).getChatMember,
	"getChatAdministrators": (*Server).getChatAdministrators,
}

func (s *Server) botUser() map[string]any {
	return map[string]any{"id": s.opts.BotID, "is_bot": true, "first_name": "Newsbot", "username": s.opts.BotUsername}
}

func (s *Server) getMe(url.Values) (any, *apiError) {
	u := s.botUser()
	u["can_join_groups"] = true
	return u, nil
}

func chatJSON(c *Chat) map[string]any {
	m := map[string]any{"id": c.ID, "type": c.Type}
	if c.Title != "" {
		m["title"] = c.Title
	}
	if c.Username != "" {
		m["username"] = c.Username
	}
	return m
}

// findChat resolves a chat_id parameter: a number or "@username".
func (s *Server) findChat(p url.Values) (*Chat, *apiError) {
	id := p.Get("chat_id")
	if id == "" {
		return nil, badRequest("chat_id is empty")
	}
	if strings.HasPrefix(id, "@") {
		for _, c := range s.chats {
			if !c.Gone && strings.EqualFold(c.Username, id[1:]) {
				return c, nil
			}
		}
		return nil, badRequest("chat not found")
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	c := s.chats[n]
	if c == nil || c.Gone {
		return nil, badRequest("chat not found")
	}
	return c, nil
}

// writable checks that the bot may post in c.
func (s *Server) writable(c *Chat) *apiError {
	switch {
	case c.Blocked != "":
		return &apiError{Code: 403, Description: c.Blocked}
	case c.MigrateTo != 0:
		return &apiError{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: c.MigrateTo}
	case c.BotStatus == "kicked":
		if c.Type == "channel" {
			return &apiError{Code: 403, Description: "Forbidden: bot was kicked from the channel chat"}
		}
		return &apiError{Code: 403, Description: "Forbidden: bot was kicked from the " + c.Type + " chat"}
	case c.BotStatus == "left":
		return &apiError{Code: 403, Description: "Forbidden: bot is not a member of the " + c.Type + " chat"}
	case c.Type == "channel" && c.BotStatus != "administrator":
		return badRequest("need administrator rights in the channel chat")
	}
	return nil
}

// limit applies the rate limits to a message in chat.
func (s *Server) limit(chat int64) *apiError {
	now := time.Now()
	var delay time.Duration
	if s.opts.PerChat > 0 {
		l := s.perChat[chat]
		if l == nil {
			l = newLimiter(s.opts.PerChat, s.opts.PerChatBurst)
			s.perChat[chat] = l
		}
		r := l.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			delay = d
		} else if s.global != nil {
			g := s.global.ReserveN(now, 1)
			if gd := g.DelayFrom(now); gd > 0 {
				g.CancelAt(now)
				r.CancelAt(now)
				delay = gd
			}
		}
	} else if s.global != nil {
		g := s.global.ReserveN(now, 1)
		if gd := g.DelayFrom(now); gd > 0 {
			g.CancelAt(now)
			delay = gd
		}
	}
	if delay == 0 {
		return nil
	}
	secs := int(math.Ceil(delay.Seconds()))
	return &apiError{Code: 429, Description: "Too Many Requests: retry after " + strconv.Itoa(secs), RetryAfter: secs}
}

// checkText validates a message text in its parse mode and returns it as
// Telegram shows it.
func checkText(text, mode string) (string, *apiError) {
	if strings.TrimSpace(text) == "" {
		return "", badRequest("message text is empty")
	}
	plain := text
	if strings.EqualFold(mode, "HTML") {
		var err error
		if plain, err = ParseHTML(text); err != nil {
			return "", badRequest("%v", err)
		}
		if strings.TrimSpace(plain) == "" {
			return "", badRequest("message text is empty")
		}
	}
	if TextLen(plain) > MaxMessageLen {
		return "", badRequest("message is too long")
	}
	return plain, nil
}

func parseKeyboard(raw string) ([][]Button, *apiError) {
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]struct {
			Text         string  `json:"text"`
			CallbackData *string `json:"callback_data"`
			URL          *string `json:"url"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	var rows [][]Button
	for _, row := range m.InlineKeyboard {
		var out []Button
		for _, b := range row {
			if b.Text == "" {
				return nil, badRequest("BUTTON_TEXT_EMPTY")
			}
			btn := Button{Text: b.Text}
			switch {
			case b.CallbackData != nil:
				if len(*b.CallbackData) < 1 || len(*b.CallbackData) > MaxCallbackData {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
				btn.Data = *b.CallbackData
			case b.URL != nil:
				if !strings.HasPrefix(*b.URL, "http://") && !strings.HasPrefix(*b.URL, "https://") && !strings.HasPrefix(*b.URL, "tg://") {
					return nil, badRequest("BUTTON_URL_INVALID")
				}
				btn.URL = *b.URL
			default:
				return nil, badRequest("can't find field \"callback_data\"")
			}
			out = append(out, btn)
		}
		rows = append(rows, out)
	}
	return rows, nil
}

func (s *Server) messageJSON(c *Chat, m *Message) map[string]any {
	j := map[string]any{
		"message_id": m.MessageID,
		"from":       s.botUser(),
		"chat":       chatJSON(c),
		"date":       time.Now().Unix(),
	}
	if m.Photo == "" {
		j["text"] = m.Text
		return j
	}
	j["photo"] = []map[string]any{
		{"file_id": m.FileID + "-s", "file_unique_id": m.FileID + "-s", "width": 90, "height": 51},
		{"file_id": m.FileID, "file_unique_id": m.FileID, "width": 1280, "height": 720},
	}
	if m.Text != "" {
		j["caption"] = m.Text
	}
	return j
}

// parsePreview reads a link_preview_options parameter.
func parsePreview(raw string) (*LinkPreview, *apiError) {
	if raw == "" {
		return nil, nil
	}
	var lp LinkPreview
	if err := json.Unmarshal([]byte(raw), &lp); err != nil {
		return nil, badRequest("can't parse link preview options JSON object")
	}
	if lp.URL != "" && !strings.HasPrefix(lp.URL, "http://") && !strings.HasPrefix(lp.URL, "https://") {
		return nil, badRequest("wrong link preview URL specified")
	}
	if lp.PreferSmallMedia && lp.PreferLargeMedia {
		return nil, badRequest("can't prefer both small and large media")
	}
	return &lp, nil
}

// noPreview reports whether a message's parameters turn its link preview
// off, with either the old or the new parameter.
func noPreview(p url.Values, lp *LinkPreview) bool {
	return p.Get("disable_web_page_preview") == "true" || (lp != nil && lp.IsDisabled)
}

func (s *Server) sendMessage(p url.Values) (any, *apiError) {
	c, aerr := s.findChat(p)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.writable(c); aerr != nil {
		return nil, aerr
	}
	plain, aerr := checkText(p.Get("text"), p.Get("parse_mode"))
	if aerr != nil {
		return nil, aerr
	}
	kb, aerr := parseKeyboard(p.Get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	lp, aerr := parsePreview(p.Get("link_preview_options"))
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.limit(c.ID); aerr != nil {
		return nil, aerr
	}
	s.nextMsgID++
	m := &Message{ChatID: c.ID, MessageID: s.nextMsgID, HTML: p.Get("text"), Text: plain, ParseMode: p.Get("parse_mode"),
		Keyboard: kb, NoPreview: noPreview(p, lp), Preview: lp}
	s.messages[c.ID] = append(s.messages[c.ID], m)
	return s.messageJSON(c, m), nil
}

func (s *Server) findMessage(c *Chat, p url.Values) *Message {
	id, _ := strconv.Atoi(p.Get("message_id"))
	for _, m := range s.messages[c.ID] {
		if m.MessageID == id && !m.Deleted {
			return m
		}
	}
	return nil
}

// errNotModified is Telegram's answer to an edit that changes nothing.
var errNotModified = badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")

// editTarget finds the message an edit method names, in a chat the bot
// may post in.
func (s *Server) editTarget(p url.Values) (*Chat, *Message, *apiError) {
	c, aerr := s.findChat(p)
	if aerr != nil {
		return nil, nil, aerr
	}
	if aerr := s.writable(c); aerr != nil {
		return nil, nil, aerr
	}
	m := s.findMessage(c, p)
	if m == nil {
		return nil, nil, badRequest("message to edit not found")
	}
	return c, m, nil
}

func (s *Server) editMessageText(p url.Values) (any, *apiError) {
	c, m, aerr := s.editTarget(p)
	if aerr != nil {
		return nil, aerr
	}
	if m.Photo != "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	plain, aerr := checkText(p.Get("text"), p.Get("parse_mode"))
	if aerr != nil {
		return nil, aerr
	}
	kb, aerr := parseKeyboard(p.Get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	lp, aerr := parsePreview(p.Get("link_preview_options"))
	if aerr != nil {
		return nil, aerr
	}
	if plain == m.Text && sameKeyboard(kb, m.Keyboard) {
		return nil, errNotModified
	}
	if aerr := s.limit(c.ID); aerr != nil {
		return nil, aerr
	}
	m.HTML, m.Text, m.ParseMode, m.Keyboard = p.Get("text"), plain, p.Get("parse_mode"), kb
	m.NoPreview, m.Preview = noPreview(p, lp), lp
	m.Edits++
	return s.messageJSON(c, m), nil
}

func sameKeyboard(a, b [][]Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func (s *Server) deleteMessage(p url.Values) (any, *apiError) {
	c, aerr := s.findChat(p)
	if aerr != nil {
		return nil, aerr
	}
	m := s.findMessage(c, p)
	if m == nil {
		return nil, badRequest("message to delete not found")
	}
	m.Deleted = true
	return true, nil
}

func (s *Server) answerCallbackQuery(p url.Values) (any, *apiError) {
	id := p.Get("callback_query_id")
	q := s.queries[id]
	if q == nil || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	text := p.Get("text")
	if TextLen(text) > MaxCallbackTextLen {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	q.answered = true
	s.answers = append(s.answers, Answer{QueryID: id, Text: text, ShowAlert: p.Get("show_alert") == "true"})
	return true, nil
}

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

type scopeJSON struct {
	Type   string `json:"type"`
	ChatID int64  `json:"chat_id"`
}

func parseScope(raw string) (scopeJSON, *apiError) {
	var sc scopeJSON
	if raw == "" {
		return scopeJSON{Type: "default"}, nil
	}
	if err := json.Unmarshal([]byte(raw), &sc); err != nil || sc.Type == "" {
		return sc, badRequest("can't parse BotCommandScope JSON object")
	}
	return sc, nil
}

func (s *Server) setMyCommands(p url.Values) (any, *apiError) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(p.Get("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands")
	}
	for _, c := range cmds {
		if !commandName.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := TextLen(c.Description); n < 1 || n > 256 {
			return nil, badRequest("command description must be non-empty")
		}
	}
	sc, aerr := parseScope(p.Get("scope"))
	if aerr != nil {
		return nil, aerr
	}
	lang := p.Get("language_code")
	if lang != "" && !regexp.MustCompile(`^[a-z]{2}$`).MatchString(lang) {
		return nil, badRequest("invalid language code specified")
	}
	s.commands[commandKey(sc.Type, sc.ChatID, lang)] = cmds
	return true, nil
}

func (s *Server) getMyCommands(p url.Values) (any, *apiError) {
	sc, aerr := parseScope(p.Get("scope"))
	if aerr != nil {
		return nil, aerr
	}
	cmds := s.commands[commandKey(sc.Type, sc.ChatID, p.Get("language_code"))]
	if cmds == nil {
		cmds = []BotCommand{}
	}
	return cmds, nil
}

var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(p url.Values) (any, *apiError) {
	u := p.Get("url")
	if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://127.0.0.1") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if sec := p.Get("secret_token"); sec != "" && !secretToken.MatchString(sec) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	s.webhookURL, s.webhookSecret = u, p.Get("secret_token")
	if p.Get("drop_pending_updates") == "true" {
		s.updates = nil
	}
	s.wakeWebhook()
	return true, nil
}

func (s *Server) deleteWebhook(p url.Values) (any, *apiError) {
	s.webhookURL, s.webhookSecret = "", ""
	if p.Get("drop_pending_updates") == "true" {
		s.updates = nil
	}
	return true, nil
}

func (s *Server) getWebhookInfo(url.Values) (any, *apiError) {
	return map[string]any{"url": s.webhookURL, "has_custom_certificate": false, "pending_update_count": len(s.updates)}, nil
}

// Webhook returns the registered webhook URL and secret token.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}

func (s *Server) getChat(p url.Values) (any, *apiError) {
	c, aerr := s.findChat(p)
	if aerr != nil {
		return nil, aerr
	}
	return chatJSON(c), nil
}

func (s *Server) memberJSON(c *Chat, user int64) map[string]any {
	status := "member"
	if user == s.opts.BotID {
		status = c.BotStatus
		if status == "" {
			status = "member"
		}
	}
	for i, a := range c.Admins {
		if a == user {
			status = "administrator"
			if i == 0 {
				status = "creator"
			}
		}
	}
	u := map[string]any{"id": user, "is_bot": false, "first_name": "User " + strconv.FormatInt(user, 10)}
	if user == s.opts.BotID {
		u = s.botUser()
	}
	m := map[string]any{"user": u, "status": status}
	if status == "administrator" {
		m["can_post_messages"] = true
		m["can_edit_messages"] = true
		m["can_delete_messages"] = true
	}
	return m
}

func (s *Server) getChatMember(p url.Values) (any, *apiError) {
	c, aerr := s.findChat(p)
	if aerr != nil {
		return nil, aerr
	}
	user, err := strconv.ParseInt(p.Get("user_id"), 10, 64)
	if err != nil {
		return nil, badRequest("invalid user_id specified")
	}
	if c.Type == "channel" && c.BotStatus != "administrator" {
		return nil, badRequest("member list is inaccessible")
	}
	return s.memberJSON(c, user), nil
}

func (s *Server) getChatAdministrators(p url.Values) (any, *apiError) {
	c, aerr := s.findChat(p)
	if aerr != nil {
		return nil, aerr
	}
	if c.Type == "private" {
		return nil, badRequest("there are no administrators in the private chat")
	}
	out := []map[string]any{}
	for _, a := range c.Admins {
		out = append(out, s.memberJSON(c, a))
	}
	return out, nil
}

// BreakImage makes the server refuse pic as a photo the way Telegram
// refuses a picture it cannot fetch: "failed to get HTTP URL content".
func (s *Server) BreakImage(pic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken[pic] = true
}

// Fetches is how many times the server fetched the picture at pic: once
// per photo sent or edited by URL, never for one sent by file_id.
func (s *Server) Fetches(pic string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches[pic]
}

// photoFile resolves a photo parameter, an http(s) URL the server
// fetches or the file_id of a photo it has, to the picture's URL and its
// file_id. newsbot uploads no files.
func (s *Server) photoFile(photo string) (pic, fileID string, aerr *apiError) {
	if u, ok := s.files[photo]; ok {
		return u, photo, nil
	}
	u, err := url.Parse(photo)
	switch {
	case photo == "":
		return "", "", badRequest("there is no photo in the request")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "", "", badRequest("wrong file identifier/HTTP URL specified")
	case s.broken[photo]:
		s.fetches[photo]++
		return "", "", badRequest("failed to get HTTP URL content")
	}
	s.fetches[photo]++
	s.nextFileID++
	fileID = "AgACAgIAAxkBAAI" + strconv.Itoa(s.nextFileID)
	s.files[fileID] = photo
	return photo, fileID, nil
}

// checkCaption validates a caption, which may be empty, in its parse mode
// and returns it as Telegram shows it.
func checkCaption(caption, mode string) (string, *apiError) {
	plain := caption
	if strings.EqualFold(mode, "HTML") {
		var err error
		if plain, err = ParseHTML(caption); err != nil {
			return "", badRequest("%v", err)
		}
	}
	if TextLen(plain) > MaxCaptionLen {
		return "", badRequest("message caption is too long")
	}
	return plain, nil
}

func (s *Server) sendPhoto(p url.Values) (any, *apiError) {
	c, aerr := s.findChat(p)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.writable(c); aerr != nil {
		return nil, aerr
	}
	plain, aerr := checkCaption(p.Get("caption"), p.Get("parse_mode"))
	if aerr != nil {
		return nil, aerr
	}
	kb, aerr := parseKeyboard(p.Get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	photo, fileID, aerr := s.photoFile(p.Get("photo"))
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.limit(c.ID); aerr != nil {
		return nil, aerr
	}
	s.nextMsgID++
	m := &Message{ChatID: c.ID, MessageID: s.nextMsgID, HTML: p.Get("caption"), Text: plain, ParseMode: p.Get("parse_mode"),
		Keyboard: kb, Photo: photo, FileID: fileID}
	s.messages[c.ID] = append(s.messages[c.ID], m)
	return s.messageJSON(c, m), nil
}

func (s *Server) editMessageCaption(p url.Values) (any, *apiError) {
	c, m, aerr := s.editTarget(p)
	if aerr != nil {
		return nil, aerr
	}
	if m.Photo == "" {
		return nil, badRequest("there is no caption in the message to edit")
	}
	plain, aerr := checkCaption(p.Get("caption"), p.Get("parse_mode"))
	if aerr != nil {
		return nil, aerr
	}
	kb, aerr := parseKeyboard(p.Get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if plain == m.Text && sameKeyboard(kb, m.Keyboard) {
		return nil, errNotModified
	}
	if aerr := s.limit(c.ID); aerr != nil {
		return nil, aerr
	}
	m.HTML, m.Text, m.ParseMode, m.Keyboard = p.Get("caption"), plain, p.Get("parse_mode"), kb
	m.Edits++
	return s.messageJSON(c, m), nil
}

func (s *Server) editMessageMedia(p url.Values) (any, *apiError) {
	c, m, aerr := s.editTarget(p)
	if aerr != nil {
		return nil, aerr
	}
	var media struct {
		Type      string `json:"type"`
		Media     string `json:"media"`
		Caption   string `json:"caption"`
		ParseMode string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(p.Get("media")), &media); err != nil {
		return nil, badRequest("can't parse InputMedia JSON object")
	}
	if media.Type != "photo" {
		return nil, badRequest("unsupported media type %q", media.Type)
	}
	if m.Photo == "" {
		// A text message cannot become a photo.
		return nil, badRequest("there is no media in the message to edit")
	}
	plain, aerr := checkCaption(media.Caption, media.ParseMode)
	if aerr != nil {
		return nil, aerr
	}
	kb, aerr := parseKeyboard(p.Get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if media.Media == m.FileID && plain == m.Text && sameKeyboard(kb, m.Keyboard) {
		return nil, errNotModified
	}
	photo, fileID, aerr := s.photoFile(media.Media)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.limit(c.ID); aerr != nil {
		return nil, aerr
	}
	m.Photo, m.FileID = photo, fileID
	m.HTML, m.Text, m.ParseMode, m.Keyboard = media.Caption, plain, media.ParseMode, kb
	m.Edits++
	return s.messageJSON(c, m), nil
}

// ForgetFiles makes the server forget the photo files it keeps, as if
// they had expired: a later file_id is refused ("wrong file
// identifier/HTTP URL specified").
func (s *Server) ForgetFiles() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.files)
}
