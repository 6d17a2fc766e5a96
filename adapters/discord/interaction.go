package discord

import (
	"context"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/core"
)

// handleTimeout bounds the handling of one interaction, its answers
// included (an interaction token lasts 15 minutes).
const handleTimeout = 60 * time.Second

// maxChoices is Discord's limit on autocomplete choices.
const maxChoices = 25

// postPerms are what the bot needs in a channel to post alerts there, with
// the locale keys of their names.
var postPerms = []struct {
	bit int64
	key string
}{
	{discordgo.PermissionViewChannel, "dc_perm_view_channel"},
	{discordgo.PermissionSendMessages, "dc_perm_send_messages"},
	{discordgo.PermissionEmbedLinks, "dc_perm_embed_links"},
}

// onInteraction takes an INTERACTION_CREATE from the gateway (the library
// calls it on a goroutine of its own) and answers it, at most
// Config.Workers at once. Once Run stops, nothing more is taken.
func (b *Bot) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil || !b.door.Enter() {
		return
	}
	defer b.door.Leave()
	b.work <- struct{}{}
	defer func() { <-b.work }()
	ctx, cancel := context.WithTimeout(context.Background(), handleTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("panic handling an interaction", slog.Any("panic", p), slog.String("stack", string(debug.Stack())), slog.String("interaction", ic.ID))
			// Not left spinning into Discord's "interaction failed": say so,
			// unless an answer already went (Discord then refuses this one).
			if ic.Type != discordgo.InteractionApplicationCommandAutocomplete {
				lang := b.engine.Catalog().Match(string(ic.Locale))
				text := b.engine.Catalog().T(lang, "err_internal", nil)
				b.respond(ctx, ic.Interaction, discordgo.InteractionResponseChannelMessageWithSource,
					core.Reply{Lang: lang, Text: []string{text}, Error: core.CodeInternal}, true)
			}
		}
	}()
	b.handle(ctx, ic.Interaction)
}

// onChannelDelete stops the alerts of a deleted channel.
func (b *Bot) onChannelDelete(_ *discordgo.Session, c *discordgo.ChannelDelete) {
	if c == nil || c.Channel == nil || !b.door.Enter() {
		return
	}
	defer b.door.Leave()
	ctx, cancel := context.WithTimeout(context.Background(), handleTimeout)
	defer cancel()
	if err := b.engine.ForgetChat(ctx, core.ChatRef{Platform: Platform, ID: c.ID}); err != nil {
		b.log.Warn("unsubscribing a deleted channel", slog.String("channel", c.ID), slog.Any("err", err))
	}
}

func (b *Bot) handle(ctx context.Context, i *discordgo.Interaction) {
	req, ok := b.request(i)
	if !ok {
		return
	}
	if b.cfg.GuildID != "" && i.GuildID != "" && i.GuildID != b.cfg.GuildID {
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			b.refuse(ctx, i, req, core.Errorf(core.CodeForbidden, "dc_unknown_guild", nil))
		}
		return
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.command(ctx, i, req)
	case discordgo.InteractionMessageComponent:
		b.component(ctx, i, req)
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(ctx, i, req)
	default:
		b.log.Debug("interaction ignored", slog.Int("type", int(i.Type)))
	}
}

// request is who asks where: in a DM the user manages their own chat; in
// a server channel, members who can manage channels manage its alerts,
// whose default language is the server's (guild_locale). The user's
// language is the interaction's locale.
func (b *Bot) request(i *discordgo.Interaction) (core.Request, bool) {
	u := i.User
	if i.Member != nil && i.Member.User != nil {
		u = i.Member.User
	}
	if u == nil || i.ChannelID == "" {
		return core.Request{}, false
	}
	req := core.Request{
		Platform: Platform,
		User:     core.User{ID: u.ID, Name: u.Username, Locale: string(i.Locale), Moderator: b.moderators[u.ID]},
		Chat:     core.Chat{ID: i.ChannelID, Kind: core.ChatPrivate, CanManage: true},
		Time:     time.Now(),
	}
	if i.GuildID != "" {
		perms := int64(0)
		if i.Member != nil {
			perms = i.Member.Permissions
		}
		req.Chat.Kind = core.ChatGroup
		if i.GuildLocale != nil {
			// The server's language: the default of a channel's alerts.
			req.Chat.Locale = string(*i.GuildLocale)
		}
		req.Chat.CanManage = perms&(discordgo.PermissionManageChannels|discordgo.PermissionAdministrator) != 0
	}
	return req, true
}

// refuse explains err to the caller alone, in their language.
func (b *Bot) refuse(ctx context.Context, i *discordgo.Interaction, req core.Request, err *core.Error) {
	lang := b.engine.UserLang(ctx, req)
	text := b.engine.Catalog().T(lang, err.Key, err.Args)
	r := core.Reply{Lang: lang, Text: []string{text}, Notice: text, Error: err.Code}
	b.respond(ctx, i, discordgo.InteractionResponseChannelMessageWithSource, r, true)
}

func (b *Bot) command(ctx context.Context, i *discordgo.Interaction, req core.Request) {
	data := i.ApplicationCommandData()
	lang := b.engine.UserLang(ctx, req)
	text, cerr := commandText(b.engine.Catalog(), lang, data)
	if cerr != nil {
		b.refuse(ctx, i, req, cerr)
		return
	}
	if data.Name == "subscribe" && req.Chat.Kind != core.ChatPrivate && req.MayManage() {
		if missing := b.missingPerms(lang, i.AppPermissions); missing != "" {
			b.refuse(ctx, i, req, core.Errorf(core.CodeForbidden, "dc_missing_permissions", map[string]any{"Perms": missing}))
			return
		}
	}
	req.Text = text
	private := ephemeral[data.Name]
	r, deferred := b.answer(ctx, i, req, discordgo.InteractionResponseDeferredChannelMessageWithSource, private)
	if !deferred {
		b.respond(ctx, i, discordgo.InteractionResponseChannelMessageWithSource, r, private || r.Error != "")
		return
	}
	if r.Error != "" && !private {
		// The deferred answer is public; an error is for the caller alone.
		if err := b.s.InteractionResponseDelete(i, discordgo.WithContext(ctx)); err != nil {
			b.log.Warn("deleting a deferred answer", slog.Any("err", b.classify(err)))
		}
		b.followup(ctx, i, r, true)
		return
	}
	b.editOriginal(ctx, i, r)
}

// missingPerms names, in lang, the permissions to post alerts that the
// bot lacks in the channel ("" when it has them all).
func (b *Bot) missingPerms(lang string, have int64) string {
	if have&discordgo.PermissionAdministrator != 0 {
		return ""
	}
	var missing []string
	for _, p := range postPerms {
		if have&p.bit == 0 {
			missing = append(missing, b.engine.Catalog().T(lang, p.key, nil))
		}
	}
	return strings.Join(missing, ", ")
}

// answer asks the engine, deferring the interaction with deferType when
// the answer takes longer than Config.DeferAfter (Discord allows 3
// seconds for the first response). It reports whether it deferred.
func (b *Bot) answer(ctx context.Context, i *discordgo.Interaction, req core.Request, deferType discordgo.InteractionResponseType, private bool) (core.Reply, bool) {
	done := make(chan core.Reply, 1)
	go func() { done <- b.engine.Handle(ctx, req) }()
	if b.cfg.DeferAfter > 0 {
		t := time.NewTimer(b.cfg.DeferAfter)
		defer t.Stop()
		select {
		case r := <-done:
			return r, false
		case <-t.C:
		}
	}
	resp := &discordgo.InteractionResponse{Type: deferType}
	if private && deferType == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		resp.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	if err := b.s.InteractionRespond(i, resp, discordgo.WithContext(ctx)); err != nil {
		b.log.Warn("deferring an interaction", slog.Any("err", b.classify(err)))
	}
	return <-done, true
}

func (b *Bot) component(ctx context.Context, i *discordgo.Interaction, req core.Request) {
	data := i.MessageComponentData()
	if data.CustomID == "" || len(data.CustomID) > MaxCustomID || i.Message == nil {
		b.refuse(ctx, i, req, core.Errorf(core.CodeInvalid, "err_button_stale", nil))
		return
	}
	req.Button = data.CustomID
	req.MessageID = i.Message.ID
	r, deferred := b.answer(ctx, i, req, discordgo.InteractionResponseDeferredMessageUpdate, false)
	switch {
	case r.Error != "" || !r.HasContent():
		// An error, or only a notice: for the presser alone.
		if r.Empty() {
			if !deferred {
				b.respond(ctx, i, discordgo.InteractionResponseDeferredMessageUpdate, r, false)
			}
			return
		}
		if deferred {
			b.followup(ctx, i, r, true)
		} else {
			b.respond(ctx, i, discordgo.InteractionResponseChannelMessageWithSource, r, true)
		}
	case r.Edit:
		// The message with the button changes in place.
		if deferred {
			b.editOriginal(ctx, i, r)
		} else {
			b.respond(ctx, i, discordgo.InteractionResponseUpdateMessage, r, false)
		}
		// What the press did, where the new message does not say it (a
		// section toggled, and the breaking news it brought along): for
		// the presser alone, as Telegram shows it in a toast.
		if r.Notice != "" && !slices.Contains(r.Text, r.Notice) {
			b.followup(ctx, i, core.Reply{Lang: r.Lang, Text: []string{r.Notice}}, true)
		}
	default:
		// A new message; for the presser alone when the button was on
		// a message only they see (a personal setting).
		private := i.Message.Flags&discordgo.MessageFlagsEphemeral != 0
		if deferred {
			b.followup(ctx, i, r, private)
		} else {
			b.respond(ctx, i, discordgo.InteractionResponseChannelMessageWithSource, r, private)
		}
	}
}

// respond answers an interaction with r rendered (for the caller alone
// when private).
func (b *Bot) respond(ctx context.Context, i *discordgo.Interaction, typ discordgo.InteractionResponseType, r core.Reply, private bool) {
	resp := &discordgo.InteractionResponse{Type: typ}
	if typ == discordgo.InteractionResponseChannelMessageWithSource || typ == discordgo.InteractionResponseUpdateMessage {
		out := b.renderFor(r)
		resp.Data = &discordgo.InteractionResponseData{Embeds: out.Embeds, Components: out.Components, AllowedMentions: noMentions()}
		if resp.Data.Components == nil {
			resp.Data.Components = []discordgo.MessageComponent{}
		}
		if private && typ == discordgo.InteractionResponseChannelMessageWithSource {
			resp.Data.Flags = discordgo.MessageFlagsEphemeral
		}
	}
	if err := b.s.InteractionRespond(i, resp, discordgo.WithContext(ctx)); err != nil {
		b.log.Warn("answering an interaction", slog.Int("type", int(typ)), slog.Any("err", b.classify(err)))
	}
}

func (b *Bot) editOriginal(ctx context.Context, i *discordgo.Interaction, r core.Reply) {
	out := b.renderFor(r)
	comps := out.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	if _, err := b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Embeds: &out.Embeds, Components: &comps, AllowedMentions: noMentions()}, discordgo.WithContext(ctx)); err != nil {
		b.log.Warn("editing an interaction's answer", slog.Any("err", b.classify(err)))
	}
}

func (b *Bot) followup(ctx context.Context, i *discordgo.Interaction, r core.Reply, private bool) {
	out := b.renderFor(r)
	p := &discordgo.WebhookParams{Embeds: out.Embeds, Components: out.Components, AllowedMentions: noMentions()}
	if p.Components == nil {
		p.Components = []discordgo.MessageComponent{}
	}
	if private {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	if _, err := b.s.FollowupMessageCreate(i, true, p, discordgo.WithContext(ctx)); err != nil {
		b.log.Warn("sending a follow-up", slog.Any("err", b.classify(err)))
	}
}

// renderFor renders r; a reply with nothing to show (never from the
// engine) says so in one character rather than be refused by Discord.
func (b *Bot) renderFor(r core.Reply) rendered {
	out := render(b.engine.Catalog(), r)
	if out.empty() {
		out.Embeds = append(out.Embeds, &discordgo.MessageEmbed{Color: colorNews, Description: "✓"})
	}
	return out
}

// autocomplete suggests sections (by their names in the user's language,
// accent-insensitive) or articles (the latest, and a search by title).
func (b *Bot) autocomplete(ctx context.Context, i *discordgo.Interaction, req core.Request) {
	data := i.ApplicationCommandData()
	var focused *discordgo.ApplicationCommandInteractionDataOption
	for _, o := range data.Options {
		if o.Focused {
			focused = o
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	if focused != nil {
		typed := strings.TrimSpace(focused.StringValue())
		for _, o := range optionsOf(data.Name) {
			if o.name != focused.Name {
				continue
			}
			switch o.complete {
			case completeSection, completeSectionOrAll:
				// Section names in the user's language: one store read
				// per keystroke, only where names are shown.
				choices = b.sectionChoices(b.engine.UserLang(ctx, req), typed, o.complete == completeSectionOrAll)
			case completeArticle:
				choices = b.articleChoices(ctx, req, typed)
			}
		}
	}
	err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Warn("answering an autocompletion", slog.Any("err", b.classify(err)))
	}
}

func (b *Bot) sectionChoices(lang, typed string, all bool) []*discordgo.ApplicationCommandOptionChoice {
	want := core.Fold(typed)
	var out []*discordgo.ApplicationCommandOptionChoice
	if all {
		name := b.engine.Catalog().T(lang, "dc_all_sections", nil)
		if want == "" || strings.Contains(core.Fold(name), want) || strings.HasPrefix("all", want) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(name, maxDescription), Value: "all"})
		}
	}
	rd := b.engine.Renderer()
	for _, id := range rd.Sections() {
		name := rd.SectionName(lang, id)
		if want == "" || strings.Contains(core.Fold(name), want) || strings.HasPrefix(core.Fold(id), want) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(name, maxDescription), Value: id})
		}
		if len(out) == maxChoices {
			break
		}
	}
	return out
}

// articleChoices are the latest articles whose title or ID matches typed,
// then the search's matches for it; names are titles, values IDs.
func (b *Bot) articleChoices(ctx context.Context, req core.Request, typed string) []*discordgo.ApplicationCommandOptionChoice {
	want := core.Fold(typed)
	var out []*discordgo.ApplicationCommandOptionChoice
	seen := map[string]bool{}
	add := func(items []core.Item, filter bool) {
		for _, it := range items {
			if len(out) == maxChoices || seen[it.ArticleID] || it.ArticleID == "" || len(it.ArticleID) > maxDescription {
				continue
			}
			if filter && want != "" && !strings.Contains(core.Fold(it.Title), want) && !strings.HasPrefix(core.Fold(it.ArticleID), want) {
				continue
			}
			seen[it.ArticleID] = true
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(it.Title, maxDescription), Value: it.ArticleID})
		}
	}
	req.Text = "/latest " + strconv.Itoa(core.MaxLatest)
	if r := b.engine.Handle(ctx, req); r.Error == "" {
		add(r.Items, true)
	}
	if runes(want) >= 3 && len(out) < maxChoices {
		req.Text = "/search " + typed
		if r := b.engine.Handle(ctx, req); r.Error == "" {
			add(r.Items, false)
		}
	}
	return out
}
