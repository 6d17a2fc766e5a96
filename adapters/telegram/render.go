package telegram

import (
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// MaxMessageLen is Telegram's limit on one message's text, in UTF-16 code
// units after entity parsing. Rendered HTML is measured before parsing,
// which is never shorter, so staying under it is safe.
const MaxMessageLen = 4096

// MaxNoticeLen is Telegram's limit on an answerCallbackQuery text.
const MaxNoticeLen = 200

// rendered is a reply as Telegram messages.
type rendered struct {
	Chunks    []string // HTML texts, each at most MaxMessageLen
	Keyboard  *tgbotapi.InlineKeyboardMarkup
	NoPreview bool // lists and notices: no link preview
	// Image is a card's picture (an http(s) URL), "" when it has none.
	// With AsPhoto, the card fits a caption (one chunk of at most
	// MaxCaptionLen) and goes as a photo with Chunks[0] as its caption;
	// otherwise the picture is the large link preview above Chunks[0].
	Image   string
	AsPhoto bool
	// PhotoOK says that the picture's size, when known, is one Telegram
	// takes as a photo (see photoSize).
	PhotoOK bool
}

// render turns r into Telegram HTML: every piece of user or article text
// is escaped, search matches are bold, articles open with tappable
// /read_<id> commands, and the whole is split into messages of at most
// MaxMessageLen on paragraph, line, sentence or word boundaries. A card
// with a picture goes as a photo when it fits a caption, else with the
// picture as the large link preview above it (see rendered).
func render(cat *locales.Catalog, r core.Reply) rendered {
	out := rendered{
		Chunks:    splitHTML(renderHTML(cat, r), MaxMessageLen),
		Keyboard:  keyboard(r.Buttons),
		NoPreview: r.Card == nil,
	}
	if r.Card != nil && content.ValidImageURL(r.Card.Image.URL) && len(out.Chunks) > 0 {
		out.Image, out.PhotoOK = r.Card.Image.URL, photoSize(r.Card.Image)
		out.AsPhoto = out.PhotoOK && len(out.Chunks) == 1 && textLen(out.Chunks[0]) <= MaxCaptionLen
	}
	return out
}

// photoSize reports whether a picture of img's size, when known, is one
// Telegram takes as a photo: width and height at most 10,000 together, and
// neither more than 20 times the other. A picture that is not goes as the
// link preview, without a refused sendPhoto first.
func photoSize(img content.Image) bool {
	w, h := img.Width, img.Height
	if w <= 0 || h <= 0 {
		return true
	}
	return w+h <= 10000 && w <= 20*h && h <= 20*w
}

// renderHTML is r as one Telegram HTML text, before splitting. Blocks are
// separated by blank lines, the splitter's preferred cut.
func renderHTML(cat *locales.Catalog, r core.Reply) string {
	var blocks []string
	if r.Title != "" {
		blocks = append(blocks, "<b>"+escape(r.Title)+"</b>")
	}
	for _, p := range r.Text {
		if strings.TrimSpace(p) != "" {
			blocks = append(blocks, escape(p))
		}
	}
	for _, it := range r.Items {
		blocks = append(blocks, renderItem(r.ItemLabel, it))
	}
	if r.Card != nil {
		blocks = append(blocks, renderCard(cat, r.Lang, *r.Card)...)
	}
	if r.Footer != "" {
		blocks = append(blocks, "<i>"+escape(r.Footer)+"</i>")
	}
	if len(blocks) == 0 && r.Notice != "" {
		blocks = append(blocks, escape(r.Notice))
	}
	return strings.Join(blocks, "\n\n")
}

func renderItem(label string, it core.Item) string {
	var b strings.Builder
	b.WriteString("• <b>")
	b.WriteString(escape(it.Title))
	b.WriteString("</b>")
	if meta := core.JoinNonEmpty(" · ", it.Section, it.Time, it.Lang); meta != "" {
		b.WriteString("\n<i>")
		b.WriteString(escape(meta))
		b.WriteString("</i>")
	}
	if s := highlight(it.Snippet); s != "" {
		b.WriteString("\n")
		b.WriteString(s)
	}
	b.WriteString("\n")
	if label != "" {
		b.WriteString(escape(label))
		b.WriteString(": ")
	}
	b.WriteString(readCommand(it.ArticleID))
	return b.String()
}

func renderCard(cat *locales.Catalog, lang string, c core.Card) []string {
	head := "<b>" + escape(c.Title) + "</b>"
	if meta := core.JoinNonEmpty(" · ", c.Section, c.Time); meta != "" {
		head += "\n<i>" + escape(meta) + "</i>"
	}
	blocks := []string{head}
	for _, p := range []string{c.Lead, c.Summary} {
		if strings.TrimSpace(p) != "" {
			blocks = append(blocks, escape(p))
		}
	}
	if c.Byline != "" {
		blocks = append(blocks, "<i>"+escape(c.Byline)+"</i>")
	}
	if link := renderLink(cat, lang, c.URL); link != "" {
		blocks = append(blocks, link)
	}
	if len(c.Editions) > 0 {
		lines := []string{escape(cat.T(lang, "tg_editions", nil))}
		for _, e := range c.Editions {
			lines = append(lines, "• "+escape(e.LangName)+": "+escape(e.Title)+" — "+readCommand(e.ArticleID))
		}
		blocks = append(blocks, strings.Join(lines, "\n"))
	}
	return blocks
}

// renderLink is the article's link: an anchor for http(s) URLs, else the
// URL as plain text (Telegram rejects other schemes in href).
func renderLink(cat *locales.Catalog, lang, u string) string {
	u = strings.TrimSpace(u)
	if u == "" {
		return ""
	}
	low := strings.ToLower(u)
	if (strings.HasPrefix(low, "https://") || strings.HasPrefix(low, "http://")) && !strings.ContainsAny(u, " \n\t") {
		return `<a href="` + escape(u) + `">` + escape(cat.T(lang, "tg_open_link", nil)) + "</a>"
	}
	return escape(u)
}

// readCommand is the tappable command that opens article id. Telegram
// commands hold only letters, digits and '_', so IDs are encoded (see
// encodeID); an ID that cannot be is shown as "/read <id>" to copy.
func readCommand(id string) string {
	if enc, ok := encodeID(id); ok {
		return "/read_" + enc
	}
	return "<code>/read " + escape(id) + "</code>"
}

// encodeID writes an article ID with Telegram command characters only: '-'
// becomes '_' and '_' becomes "__". ok is false when the ID has characters
// no encoding covers or adjacent '-' and '_', which would not decode back.
func encodeID(id string) (string, bool) {
	if id == "" {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '-':
			b.WriteByte('_')
		case c == '_':
			b.WriteString("__")
		default:
			return "", false
		}
	}
	enc := b.String()
	return enc, decodeID(enc) == id
}

// decodeID reverses encodeID.
func decodeID(enc string) string {
	var b strings.Builder
	for i := 0; i < len(enc); i++ {
		if enc[i] != '_' {
			b.WriteByte(enc[i])
			continue
		}
		if i+1 < len(enc) && enc[i+1] == '_' {
			b.WriteByte('_')
			i++
			continue
		}
		b.WriteByte('-')
	}
	return b.String()
}

// decodeReadCommand turns a tapped "/read_<encoded id>[@bot] …" back into
// the "/read_<id>" the engine reads; other text comes back unchanged.
func decodeReadCommand(text string) string {
	t := strings.TrimLeft(text, " \t\n")
	if len(t) < 6 || !strings.EqualFold(t[:6], "/read_") {
		return text
	}
	end := strings.IndexAny(t, " \t\n")
	if end < 0 {
		end = len(t)
	}
	head, rest := t[6:end], t[end:]
	arg, bot, hasBot := strings.Cut(head, "@")
	out := t[:6] + decodeID(arg)
	if hasBot {
		out += "@" + bot
	}
	return out + rest
}

// highlight escapes a search snippet and makes the words between
// core.MarkStart and core.MarkEnd bold. Unbalanced marks are dropped.
func highlight(s string) string {
	s = clean(s)
	var b strings.Builder
	var run strings.Builder
	open := false
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if open {
			b.WriteString("<b>" + escapeText(run.String()) + "</b>")
		} else {
			b.WriteString(escapeText(run.String()))
		}
		run.Reset()
	}
	for _, r := range s {
		switch r {
		case core.MarkStart:
			if !open {
				flush()
				open = true
			}
		case core.MarkEnd:
			if open {
				flush()
				open = false
			}
		default:
			run.WriteRune(r)
		}
	}
	flush()
	return b.String()
}

// escape makes s safe as Telegram HTML text or attribute value.
func escape(s string) string {
	return escapeText(stripMarks(clean(s)))
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escapeText(s string) string { return htmlEscaper.Replace(s) }

// clean makes s valid UTF-8 without NUL bytes.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(s, "\x00", "")
}

func stripMarks(s string) string {
	if !strings.ContainsRune(s, core.MarkStart) && !strings.ContainsRune(s, core.MarkEnd) {
		return s
	}
	return strings.NewReplacer(string(core.MarkStart), "", string(core.MarkEnd), "").Replace(s)
}

// keyboard is the reply's buttons as an inline keyboard, nil when there are
// none. Buttons whose payload Telegram would refuse (empty or longer than
// MaxCallbackData bytes) or without a label are left out.
func keyboard(rows [][]core.Button) *tgbotapi.InlineKeyboardMarkup {
	var kb [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		var out []tgbotapi.InlineKeyboardButton
		for _, btn := range row {
			label := strings.TrimSpace(stripMarks(clean(btn.Label)))
			if btn.Data == "" || len(btn.Data) > MaxCallbackData || label == "" || !utf8.ValidString(btn.Data) {
				continue
			}
			out = append(out, tgbotapi.NewInlineKeyboardButtonData(label, btn.Data))
		}
		if len(out) > 0 {
			kb = append(kb, out)
		}
	}
	if len(kb) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: kb}
}

// notice clips a button notice to what answerCallbackQuery accepts.
func notice(s string) string {
	s = strings.TrimSpace(stripMarks(clean(s)))
	if utf16Len(s) <= MaxNoticeLen {
		return s
	}
	n := 0
	for i, r := range s {
		if n+runeUnits(r) > MaxNoticeLen-1 {
			return s[:i] + "…"
		}
		n += runeUnits(r)
	}
	return s
}
