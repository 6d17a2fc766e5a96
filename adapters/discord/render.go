package discord

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// Embed colours: the newsroom's blue, and red for errors.
const (
	colorNews  = 0x2F6FDE
	colorError = 0xD83C3E
)

// noMentions allows no mention of anyone: set on every message the bot
// creates or edits, so that article or breaking text can never ping
// @everyone, roles or users.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// rendered is a reply as one Discord message.
type rendered struct {
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

func (r rendered) empty() bool { return len(r.Embeds) == 0 }

// render turns r into embeds and buttons within Discord's limits: the
// title, text, numbered article list and footer in one embed; an article
// card in its own, whose title links to the article, the summary as its
// description, section · byline · time as its footer and the other
// language editions as fields. Article and user text is escaped for
// Discord's markdown; search matches are bold.
func render(cat *locales.Catalog, r core.Reply) rendered {
	color := colorNews
	if r.Error != "" {
		color = colorError
	}
	var out rendered
	main := &discordgo.MessageEmbed{Color: color, Title: clip(r.Title, maxEmbedTitle)}
	var desc []string
	for _, p := range r.Text {
		if strings.TrimSpace(p) != "" {
			desc = append(desc, escape(p))
		}
	}
	if len(r.Items) > 0 {
		desc = append(desc, renderItems(r.ItemLabel, r.Items)...)
	}
	if len(desc) == 0 && r.Card == nil && r.Title == "" && r.Notice != "" {
		desc = append(desc, escape(r.Notice))
	}
	main.Description = joinWithin(desc, "\n\n", maxEmbedDescription)
	if r.Footer != "" {
		main.Footer = &discordgo.MessageEmbedFooter{Text: clip(r.Footer, maxEmbedFooter)}
	}
	if main.Title != "" || main.Description != "" || (main.Footer != nil && r.Card == nil) {
		out.Embeds = append(out.Embeds, main)
	}
	if r.Card != nil {
		card := renderCard(cat, r.Lang, *r.Card)
		card.Color = color
		if main.Footer != nil && main.Title == "" && main.Description == "" {
			card.Footer.Text = clip(card.Footer.Text+" · "+main.Footer.Text, maxEmbedFooter)
		}
		out.Embeds = append(out.Embeds, card)
	}
	fitTotal(out.Embeds)
	out.Components = components(r.Buttons)
	return out
}

// renderItems writes a list as numbered lines: the title in bold, then
// section · time · language, the search snippet, and the /read command.
func renderItems(label string, items []core.Item) []string {
	lines := make([]string, 0, len(items))
	for i, it := range items {
		var b strings.Builder
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". **")
		b.WriteString(escape(clip(it.Title, 200)))
		b.WriteString("**")
		if meta := core.JoinNonEmpty(" · ", it.Section, it.Time, it.Lang); meta != "" {
			b.WriteString("\n")
			b.WriteString(escape(meta))
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
		b.WriteString("`" + Traits.ReadCommand(codeSafe(it.ArticleID)) + "`")
		lines = append(lines, b.String())
	}
	return lines
}

func renderCard(cat *locales.Catalog, lang string, c core.Card) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: clip(c.Title, maxEmbedTitle)}
	if u := strings.TrimSpace(c.URL); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		e.URL = u
	}
	var desc []string
	for _, p := range []string{c.Lead, c.Summary} {
		if strings.TrimSpace(p) != "" {
			desc = append(desc, escape(p))
		}
	}
	e.Description = joinWithin(desc, "\n\n", maxEmbedDescription)
	e.Footer = &discordgo.MessageEmbedFooter{Text: clip(core.JoinNonEmpty(" · ", c.Section, c.Byline, c.Time, c.ArticleID), maxEmbedFooter)}
	if img := c.Image; content.ValidImageURL(img.URL) {
		// The story's picture, large under the text, as Discord shows
		// links' previews; the alt text has no place in an embed.
		e.Image = &discordgo.MessageEmbedImage{URL: img.URL, Width: img.Width, Height: img.Height}
	}
	for _, ed := range c.Editions {
		if len(e.Fields) == maxEmbedFields {
			break
		}
		name := ed.LangName
		if name == "" {
			name = ed.Lang
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name:  clip(cat.T(lang, "dc_edition", map[string]any{"Lang": name}), maxFieldName),
			Value: clip(escape(ed.Title), maxFieldValue-len(ed.ArticleID)-10) + "\n`" + Traits.ReadCommand(codeSafe(ed.ArticleID)) + "`",
		})
	}
	return e
}

// components lays out buttons: at most 5 rows of 5, labels within 80
// characters, and custom_ids within 100 and unique in the message (a
// button that breaks a rule is left out rather than have Discord refuse
// the whole message).
func components(rows [][]core.Button) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	seen := map[string]bool{}
	for _, row := range rows {
		var ar discordgo.ActionsRow
		for _, btn := range row {
			if btn.Data == "" || len(btn.Data) > MaxCustomID || seen[btn.Data] || len(ar.Components) == maxRowButtons {
				continue
			}
			seen[btn.Data] = true
			label := clip(btn.Label, maxButtonLabel)
			if label == "" {
				label = "·"
			}
			ar.Components = append(ar.Components, discordgo.Button{Label: label, Style: discordgo.SecondaryButton, CustomID: btn.Data})
		}
		if len(ar.Components) > 0 && len(out) < maxRows {
			out = append(out, ar)
		}
	}
	return out
}

// fitTotal shortens descriptions, then fields, so that the embeds of one
// message keep within Discord's 6000 characters in all.
func fitTotal(embeds []*discordgo.MessageEmbed) {
	total := 0
	for _, e := range embeds {
		total += embedSize(e)
	}
	for i := len(embeds) - 1; i >= 0 && total > maxEmbedsTotal; i-- {
		e := embeds[i]
		for len(e.Fields) > 0 && total > maxEmbedsTotal {
			f := e.Fields[len(e.Fields)-1]
			total -= runes(f.Name) + runes(f.Value)
			e.Fields = e.Fields[:len(e.Fields)-1]
		}
		if over := total - maxEmbedsTotal; over > 0 {
			n := runes(e.Description)
			keep := max(n-over, 0)
			e.Description = clip(e.Description, keep)
			total -= n - runes(e.Description)
		}
	}
}

func embedSize(e *discordgo.MessageEmbed) int {
	n := runes(e.Title) + runes(e.Description)
	if e.Footer != nil {
		n += runes(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += runes(f.Name) + runes(f.Value)
	}
	return n
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// clip shortens s to at most n characters, ending with "…" when cut.
func clip(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if runes(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " \n") + "…"
}

// joinWithin joins parts with sep, leaving out whole parts from the end
// that would pass n characters (the first is clipped instead).
func joinWithin(parts []string, sep string, n int) string {
	var b strings.Builder
	size := 0
	for i, p := range parts {
		add := runes(p)
		if i > 0 {
			add += runes(sep)
		}
		if size+add > n {
			if i == 0 {
				return clip(p, n)
			}
			if size+runes(sep)+1 <= n {
				b.WriteString(sep)
				b.WriteString("…")
			}
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
		size += add
	}
	return b.String()
}

// markdown are the characters Discord's markdown gives a meaning.
var markdown = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`,
	`>`, `\>`, `#`, `\#`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `@`, "@\u200b",
	string(core.MarkStart), "", string(core.MarkEnd), "",
)

// escape makes s plain text in Discord's markdown. "@" gets a zero-width
// space too, a second guard besides allowed mentions.
func escape(s string) string { return markdown.Replace(s) }

// highlight escapes a search snippet and makes its matched words bold.
func highlight(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	for {
		i := strings.IndexRune(s, core.MarkStart)
		if i < 0 {
			b.WriteString(escape(s))
			return b.String()
		}
		b.WriteString(escape(s[:i]))
		s = s[i+utf8.RuneLen(core.MarkStart):]
		j := strings.IndexRune(s, core.MarkEnd)
		if j < 0 {
			b.WriteString(escape(s))
			return b.String()
		}
		if w := escape(s[:j]); w != "" {
			b.WriteString("**" + w + "**")
		}
		s = s[j+utf8.RuneLen(core.MarkEnd):]
	}
}

// codeSafe keeps an ID inside an inline code span.
func codeSafe(s string) string { return strings.ReplaceAll(s, "`", "'") }
