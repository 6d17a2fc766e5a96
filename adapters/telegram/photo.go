package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// MaxCaptionLen is Telegram's limit on a photo's caption, in UTF-16 code
// units after entity parsing (see textLen).
const MaxCaptionLen = 1024

// photoPrefix marks the reference of a photo message (a SentRef's
// MessageID "photo:<id>"), whose text is a caption: it is edited with
// editMessageCaption, where a text message is edited with editMessageText.
const photoPrefix = "photo:"

// messageRef is a sent message of a chat.
type messageRef struct {
	chat  int64
	id    int
	photo bool
}

func (m messageRef) String() string {
	if m.photo {
		return photoPrefix + strconv.Itoa(m.id)
	}
	return strconv.Itoa(m.id)
}

// parseRef reads a message reference of chat written by messageRef.String.
func parseRef(chat, messageID string) (messageRef, error) {
	var m messageRef
	rest, photo := strings.CutPrefix(messageID, photoPrefix)
	id, err1 := strconv.ParseInt(chat, 10, 64)
	mid, err2 := strconv.Atoi(rest)
	if err1 != nil || err2 != nil || mid <= 0 {
		return m, &core.DeliveryError{Class: core.DeliveryRejected, Reason: "bad_ref", Err: errors.New("telegram: " + strconv.Quote(chat) + "/" + strconv.Quote(messageID) + " is not a message reference")}
	}
	return messageRef{chat: id, id: mid, photo: photo}, nil
}

// textLen is the length of Telegram HTML s as Telegram counts a text or
// caption, after entity parsing: the text outside tags, an entity counting
// as the one character it stands for, in UTF-16 code units.
func textLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			if end := strings.IndexByte(s[i:], '>'); end >= 0 {
				i += end + 1
				continue
			}
		case '&':
			// The entities escape writes, and numeric ones, are short.
			if end := strings.IndexByte(s[i:], ';'); end > 1 && end <= 10 {
				n++
				i += end + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n += runeUnits(r)
		i += size
	}
	return n
}

// fitCaption renders r as a photo caption of at most MaxCaptionLen. A card
// that is too long loses, one step after another until it fits: the end
// of its summary, of its lead, its list of other editions, the reply's
// footer, the end of its title and of the reply's (never below a few
// words), the reply's texts, and its byline and section; each cut is at a
// word, with an ellipsis. The link stays. ok is false when r has no card
// and does not fit, or nothing left to cut makes it fit.
func fitCaption(cat *locales.Catalog, r core.Reply) (html string, ok bool) {
	html = renderHTML(cat, r)
	if textLen(html) <= MaxCaptionLen {
		return html, true
	}
	if r.Card == nil {
		return "", false
	}
	c := *r.Card
	r.Card = &c
	steps := []func(over int){
		func(over int) { c.Summary = shorten(c.Summary, over, 0) },
		func(over int) { c.Lead = shorten(c.Lead, over, 0) },
		func(int) { c.Editions = nil },
		func(int) { r.Footer = "" },
		func(over int) { c.Title = shorten(c.Title, over, minTitle) },
		func(over int) { r.Title = shorten(r.Title, over, minTitle) },
		func(int) { r.Text = nil },
		func(int) { c.Byline, c.Section = "", "" },
	}
	for _, step := range steps {
		step(textLen(html) - MaxCaptionLen)
		if html = renderHTML(cat, r); textLen(html) <= MaxCaptionLen {
			return html, true
		}
	}
	return "", false
}

// minTitle is the fewest UTF-16 units fitCaption shortens a title to.
const minTitle = 40

// shorten cuts at least n UTF-16 units off the end of s, at a word where
// there is one, and ends what is left with "…". It keeps at least least
// units (s whole when it has no more); with least 0, it returns "" when
// fewer than 16 would be left to read.
func shorten(s string, n, least int) string {
	// As escape will show it, so that units counted here are units shown.
	s = strings.TrimSpace(stripMarks(clean(s)))
	if n <= 0 || s == "" {
		return s
	}
	keep := utf16Len(s) - n - 1 // room for the ellipsis
	switch {
	case least > 0 && utf16Len(s) <= least:
		return s
	case least > 0:
		keep = max(keep, least)
	case keep < 16:
		return ""
	}
	units, end := 0, 0
	for i, r := range s {
		if units+runeUnits(r) > keep {
			break
		}
		units += runeUnits(r)
		end = i + utf8.RuneLen(r) // s is valid UTF-8
	}
	cut := s[:end]
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

// apiCall is one Bot API request that answers a Message: a config of the
// library, or a method with parameters the library's configs cannot
// express (link_preview_options is newer than the library).
type apiCall struct {
	config tgbotapi.Chattable
	method string
	params tgbotapi.Params
}

// do makes the call; errors are the library's, without the token.
func (b *Bot) do(ctx context.Context, c apiCall) (tgbotapi.Message, error) {
	if c.config != nil {
		return b.send(ctx, c.config)
	}
	resp, err := b.call(ctx).MakeRequest(c.method, c.params)
	if err != nil {
		return tgbotapi.Message{}, redact(err, b.cfg.Token)
	}
	var m tgbotapi.Message
	err = json.Unmarshal(resp.Result, &m)
	return m, err
}

// largePreview is the link_preview_options of a card's text: the picture,
// large, above the text.
func largePreview(image string) string {
	buf, _ := json.Marshal(struct {
		URL   string `json:"url"`
		Large bool   `json:"prefer_large_media"`
		Above bool   `json:"show_above_text"`
	}{image, true, true})
	return string(buf)
}

// chatParam checks a chat reference for the chat_id parameter: a numeric
// ID, or "@channelname".
func chatParam(chat string) error {
	if _, err := strconv.ParseInt(chat, 10, 64); err == nil || (strings.HasPrefix(chat, "@") && len(chat) > 1) {
		return nil
	}
	return &core.DeliveryError{Class: core.DeliveryGone, Reason: "bad_chat_id", Err: errors.New("telegram: " + strconv.Quote(chat) + " is not a chat ID")}
}

// firstCall is the call that sends out's first message to chat: the photo
// with its caption, the text with the picture's large preview, or plain
// text.
func firstCall(chat string, out rendered) (apiCall, error) {
	switch {
	case out.AsPhoto:
		return photoCall(chat, out, tgbotapi.FileURL(out.Image))
	case out.Image != "":
		if err := chatParam(chat); err != nil {
			return apiCall{}, err
		}
		p := tgbotapi.Params{"chat_id": chat, "text": out.Chunks[0], "parse_mode": tgbotapi.ModeHTML, "link_preview_options": largePreview(out.Image)}
		if len(out.Chunks) == 1 && out.Keyboard != nil {
			if err := p.AddInterface("reply_markup", out.Keyboard); err != nil {
				return apiCall{}, err
			}
		}
		return apiCall{method: "sendMessage", params: p}, nil
	}
	m, err := chunkMessage(chat, out, 0)
	return apiCall{config: m}, err
}

// photoCall is the call that sends out's first message as a photo of
// media with its caption.
func photoCall(chat string, out rendered, media tgbotapi.RequestFileData) (apiCall, error) {
	if err := chatParam(chat); err != nil {
		return apiCall{}, err
	}
	var p tgbotapi.PhotoConfig
	if id, err := strconv.ParseInt(chat, 10, 64); err == nil {
		p = tgbotapi.NewPhoto(id, media)
	} else {
		p = tgbotapi.NewPhotoToChannel(chat, media)
	}
	p.Caption, p.ParseMode = out.Chunks[0], tgbotapi.ModeHTML
	if len(out.Chunks) == 1 && out.Keyboard != nil {
		p.ReplyMarkup = *out.Keyboard
	}
	return apiCall{config: p}, nil
}

// editCall is the call that replaces the content of message m with out's
// first (and only) message: its caption for a photo (out.Chunks[0] must
// fit one, see fitCaption), else its text, with the picture's large
// preview when out has a picture.
func editCall(m messageRef, out rendered) (apiCall, error) {
	switch {
	case m.photo:
		e := tgbotapi.NewEditMessageCaption(m.chat, m.id, out.Chunks[0])
		e.ParseMode = tgbotapi.ModeHTML
		// Without reply_markup Telegram removes the keyboard, which is what
		// an edit to a reply without buttons means.
		e.ReplyMarkup = out.Keyboard
		return apiCall{config: e}, nil
	case out.Image != "":
		p := tgbotapi.Params{"chat_id": strconv.FormatInt(m.chat, 10), "message_id": strconv.Itoa(m.id),
			"text": out.Chunks[0], "parse_mode": tgbotapi.ModeHTML, "link_preview_options": largePreview(out.Image)}
		if out.Keyboard != nil {
			if err := p.AddInterface("reply_markup", out.Keyboard); err != nil {
				return apiCall{}, err
			}
		}
		return apiCall{method: "editMessageText", params: p}, nil
	}
	e := tgbotapi.NewEditMessageText(m.chat, m.id, out.Chunks[0])
	e.ParseMode = tgbotapi.ModeHTML
	e.DisableWebPagePreview = out.NoPreview
	e.ReplyMarkup = out.Keyboard
	return apiCall{config: e}, nil
}

// imageRefused reports whether err is Telegram refusing a picture: one it
// could not fetch or read, or that is too large (see isImageProblem).
func imageRefused(err error) bool { return rejectedFor(err, "bad_image") }

// captionTooLong reports whether err is Telegram counting a caption longer
// than its limit, where render counted it within: the card's problem, not
// the picture's.
func captionTooLong(err error) bool { return rejectedFor(err, "too_long") }

func rejectedFor(err error, reason string) bool {
	var de *core.DeliveryError
	return errors.As(err, &de) && de.Class == core.DeliveryRejected && de.Reason == reason
}

// sendPhoto sends out's first message as a photo (see withPicture). When
// Telegram refuses the picture, or counts the caption too long, ok is
// false: nothing was sent, and the card goes as text instead; called says
// whether a call was made (and a slot of the chat's rate spent), not when
// the picture was refused lately. Other failures are returned.
func (b *Bot) sendPhoto(ctx context.Context, chat string, out rendered, reply bool) (sent tgbotapi.Message, ok, called bool, err error) {
	sent, err = b.withPicture(ctx, chat, out.Image, reply, "the card goes as text", func(media tgbotapi.RequestFileData) (tgbotapi.Message, error) {
		c, err := photoCall(chat, out, media)
		if err != nil {
			return tgbotapi.Message{}, err
		}
		return b.sendFirst(ctx, chat, c, reply)
	})
	switch {
	case captionTooLong(err):
		b.log.Info("telegram counts a card longer than a caption; it goes as text", slog.String("chat", chat), slog.Any("err", err))
		return tgbotapi.Message{}, false, true, nil
	case imageRefused(err):
		return tgbotapi.Message{}, false, !errors.Is(err, errRefusedLately), nil
	}
	return sent, err == nil, true, err
}

// errRefusedLately is the error of a picture Telegram refused lately,
// which is not tried again (see pictures).
var errRefusedLately = &core.DeliveryError{Class: core.DeliveryRejected, Reason: "bad_image", Err: errors.New("telegram: the picture was refused lately")}

// withPicture makes call, a sendPhoto or editMessageMedia to chat, with
// picture pic as media: the file Telegram keeps of it if any, else its URL
// (see pictures.acquire). A refused file is forgotten and the URL tried at
// once, after the gate. When Telegram refuses the picture itself, it is
// remembered, counted and logged with then (what happens instead), and the
// error returned (see imageRefused); a picture refused lately is not tried.
func (b *Bot) withPicture(ctx context.Context, chat, pic string, reply bool, then string, call func(tgbotapi.RequestFileData) (tgbotapi.Message, error)) (tgbotapi.Message, error) {
	for attempt := 0; ; attempt++ {
		media, cached, release, err := b.pics.acquire(ctx, pic)
		if err != nil {
			return tgbotapi.Message{}, err
		}
		sent, err := call(media)
		switch {
		case err == nil:
			b.pics.sent(pic, sent)
		case imageRefused(err) && cached && attempt == 0:
			b.pics.forget(pic)
		case imageRefused(err):
			b.pics.refuse(pic)
		}
		release()
		if err == nil || !imageRefused(err) {
			return sent, err
		}
		if cached && attempt == 0 {
			b.log.Info("telegram refused the file it kept of a picture; sending it from its URL", slog.String("image", pic), slog.Any("err", err))
			if err := b.another(ctx, chat, reply); err != nil {
				return tgbotapi.Message{}, err
			}
			continue
		}
		b.stats.imagesRefused.Add(1)
		b.log.Warn("telegram refused a card's picture; "+then, slog.String("chat", chat), slog.String("image", pic), slog.Any("err", err))
		return sent, err
	}
}

// another waits for the gate before one more message of a broadcast to
// chat after its first try, which delivery spaced; a reply's messages go
// through the gate in sendReply.
func (b *Bot) another(ctx context.Context, chat string, reply bool) error {
	if reply {
		return nil
	}
	if err := b.pass(ctx, chat, core.PriorityOf(ctx), time.Now().Add(b.cfg.PartsWait)); err != nil {
		reason := "cancelled"
		if errors.Is(err, errWaitTooLong) {
			reason = "timeout"
		}
		return &core.DeliveryError{Class: core.DeliveryTransient, Reason: reason, Err: err}
	}
	return nil
}

// sendFirst sends the first message of a reply through the gate with its
// retries (sendReply), or of a broadcast, which delivery spaced and
// retries.
func (b *Bot) sendFirst(ctx context.Context, chat string, c apiCall, reply bool) (tgbotapi.Message, error) {
	if reply {
		return b.sendReply(ctx, chat, c)
	}
	m, err := b.do(ctx, c)
	return m, classify(err)
}

// asText is out as a text card: the fallback of a photo Telegram refused.
// The picture stays as its link preview, which Telegram shows when it can
// and leaves out silently when it cannot.
func (out rendered) asText() rendered {
	out.AsPhoto = false
	return out
}
