package discord

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// Discord's rules for command and option names and descriptions.
var nameRule = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

const maxDescription = 100

// Autocompletion kinds of an option.
const (
	completeSection      = "section"   // a section, by its name in the user's language
	completeSectionOrAll = "unsection" // a section, or all of them
	completeArticle      = "article"   // an article, from the latest and by title
)

// option is a slash command option. Its name is the locale key
// "dc_opt_<name>" and its description "dc_optdesc_<desc>".
type option struct {
	name     string
	desc     string
	kind     discordgo.ApplicationCommandOptionType
	required bool
	complete string // autocompletion kind; "" for none
	maxLen   int    // for strings
	min, max int    // for integers
	langs    bool   // choices: the bot's languages
}

// command is how a chat command looks on Discord.
type command struct {
	perms   int64 // default_member_permissions; 0 for everyone
	options []option
}

// specs are the Discord shapes of the engine's commands. Every command
// the engine lists, except start, becomes a slash command of the same
// name; one missing here takes an optional free text.
var specs = map[string]command{
	"help":          {},
	"latest":        {options: []option{{name: "section", desc: "section", kind: discordgo.ApplicationCommandOptionString, complete: completeSection, maxLen: 64}, {name: "count", desc: "count", kind: discordgo.ApplicationCommandOptionInteger, min: 1, max: core.MaxLatest}}},
	"read":          {options: []option{{name: "article", desc: "article", kind: discordgo.ApplicationCommandOptionString, required: true, complete: completeArticle, maxLen: 100}}},
	"search":        {options: []option{{name: "words", desc: "words", kind: discordgo.ApplicationCommandOptionString, required: true, maxLen: 200}}},
	"sections":      {},
	"subscribe":     {perms: discordgo.PermissionManageChannels, options: []option{{name: "section", desc: "section", kind: discordgo.ApplicationCommandOptionString, required: true, complete: completeSection, maxLen: 64}}},
	"unsubscribe":   {perms: discordgo.PermissionManageChannels, options: []option{{name: "section", desc: "unsection", kind: discordgo.ApplicationCommandOptionString, required: true, complete: completeSectionOrAll, maxLen: 64}}},
	"subscriptions": {},
	"lang":          {perms: discordgo.PermissionManageChannels, options: []option{{name: "language", desc: "language", kind: discordgo.ApplicationCommandOptionString, langs: true}}},
	"digest":        {options: []option{{name: "schedule", desc: "schedule", kind: discordgo.ApplicationCommandOptionString, maxLen: 64}}},
	"quiet":         {options: []option{{name: "hours", desc: "hours", kind: discordgo.ApplicationCommandOptionString, maxLen: 64}}},
	"breaking":      {options: []option{{name: "text", desc: "breaking", kind: discordgo.ApplicationCommandOptionString, required: true, maxLen: 4000}}},
	"correct":       {options: []option{{name: "broadcast", desc: "broadcast", kind: discordgo.ApplicationCommandOptionString, required: true, maxLen: 64}, {name: "text", desc: "correction", kind: discordgo.ApplicationCommandOptionString, required: true, maxLen: 4000}}},
	"retract":       {options: []option{{name: "broadcast", desc: "broadcast", kind: discordgo.ApplicationCommandOptionString, required: true, maxLen: 64}}},
	"broadcasts":    {},
	"link":          {options: []option{{name: "article", desc: "article", kind: discordgo.ApplicationCommandOptionString, required: true, complete: completeArticle, maxLen: 100}, {name: "other", desc: "other", kind: discordgo.ApplicationCommandOptionString, required: true, complete: completeArticle, maxLen: 100}}},
}

// freeText is the option of a command that specs do not know.
var freeText = option{name: "text", desc: "breaking", kind: discordgo.ApplicationCommandOptionString, maxLen: 4000}

// skipped are chat commands that make no sense as slash commands.
var skipped = map[string]bool{"start": true}

// ephemeral are the commands whose answers only the caller sees: personal
// settings and lists for one person.
var ephemeral = map[string]bool{"help": true, "lang": true, "broadcasts": true}

// discordLocales are Discord's locale keys for a catalog language.
func discordLocales(lang string) []discordgo.Locale {
	switch lang {
	case "en":
		return []discordgo.Locale{discordgo.EnglishUS, discordgo.EnglishGB}
	case "pt":
		return []discordgo.Locale{discordgo.PortugueseBR}
	case "es":
		return []discordgo.Locale{discordgo.SpanishES}
	case "zh":
		return []discordgo.Locale{discordgo.ChineseCN, discordgo.ChineseTW}
	case "sv":
		return []discordgo.Locale{discordgo.Swedish}
	}
	return []discordgo.Locale{discordgo.Locale(lang)}
}

// optionsOf returns the options of command name.
func optionsOf(name string) []option {
	if spec, ok := specs[name]; ok {
		return spec.options
	}
	return []option{freeText}
}

// baseLang is the language of the commands' default names and
// descriptions: English when the catalog has it, else the default.
func baseLang(cat *locales.Catalog, def string) string {
	if cat.Has("en") {
		return "en"
	}
	return def
}

// applicationCommands builds the slash commands of the engine's commands:
// names, descriptions and option names in the base language, with
// name_localizations and description_localizations for every other
// language of the catalog. A translation that breaks Discord's rules is
// left out (Discord falls back to the default) and logged.
func applicationCommands(cat *locales.Catalog, infos []core.CommandInfo, def string, log *slog.Logger) []*discordgo.ApplicationCommand {
	base := baseLang(cat, def)
	// In servers and in DMs with the bot; installed to servers.
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	installs := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	var out []*discordgo.ApplicationCommand
	for _, info := range infos {
		if skipped[info.Name] || !nameRule.MatchString(info.Name) || info.Name != strings.ToLower(info.Name) {
			continue
		}
		spec := specs[info.Name]
		perms := spec.perms
		if info.Moderator {
			perms = discordgo.PermissionAdministrator
		}
		names, descs := localized(cat, "dc_name_"+info.Name, "cmd_"+info.Name, log)
		c := &discordgo.ApplicationCommand{
			Type:                     discordgo.ChatApplicationCommand,
			Name:                     info.Name,
			NameLocalizations:        &names,
			Description:              clip(cat.T(base, "cmd_"+info.Name, nil), maxDescription),
			DescriptionLocalizations: &descs,
			Contexts:                 &contexts,
			IntegrationTypes:         &installs,
			Options:                  []*discordgo.ApplicationCommandOption{},
		}
		if perms != 0 {
			c.DefaultMemberPermissions = &perms
		}
		for _, o := range optionsOf(info.Name) {
			c.Options = append(c.Options, applicationOption(cat, base, o, log))
		}
		out = append(out, c)
	}
	return out
}

func applicationOption(cat *locales.Catalog, base string, o option, log *slog.Logger) *discordgo.ApplicationCommandOption {
	names, descs := localized(cat, "dc_opt_"+o.name, "dc_optdesc_"+o.desc, log)
	ao := &discordgo.ApplicationCommandOption{
		Type:                     o.kind,
		Name:                     o.name,
		NameLocalizations:        names,
		Description:              clip(cat.T(base, "dc_optdesc_"+o.desc, nil), maxDescription),
		DescriptionLocalizations: descs,
		Required:                 o.required,
		Autocomplete:             o.complete != "",
		MaxLength:                o.maxLen,
	}
	if o.kind == discordgo.ApplicationCommandOptionInteger && o.max > 0 {
		low := float64(o.min)
		ao.MinValue, ao.MaxValue = &low, float64(o.max)
	}
	if o.langs {
		for _, l := range cat.Langs() {
			ao.Choices = append(ao.Choices, &discordgo.ApplicationCommandOptionChoice{Name: clip(cat.T(l, "lang_name", nil), maxDescription), Value: l})
		}
	}
	return ao
}

// localized returns the translations of a name and a description for
// every language of the catalog, under Discord's locale keys (the base
// language's too: en-US and en-GB are locales of their own).
func localized(cat *locales.Catalog, nameKey, descKey string, log *slog.Logger) (names, descs map[discordgo.Locale]string) {
	names, descs = map[discordgo.Locale]string{}, map[discordgo.Locale]string{}
	for _, l := range cat.Langs() {
		name, desc := cat.T(l, nameKey, nil), cat.T(l, descKey, nil)
		nameOK := validName(name)
		descOK := desc != "" && runes(desc) <= maxDescription
		if !nameOK || !descOK {
			log.Warn("a Discord translation breaks Discord's rules; the default is used", slog.String("lang", l), slog.String("name", name), slog.String("description", desc))
		}
		for _, loc := range discordLocales(l) {
			if nameOK {
				names[loc] = name
			}
			if descOK {
				descs[loc] = desc
			}
		}
	}
	return names, descs
}

// validName reports whether s is a valid command or option name: 1–32
// letters, digits, '-' or '_', lower case.
func validName(s string) bool {
	return nameRule.MatchString(s) && s == strings.ToLower(s)
}

// register replaces the bot's commands with the engine's: in one server
// when Config.GuildID is set (instant), else globally. A bulk overwrite,
// so commands no longer offered disappear.
func (b *Bot) register(ctx context.Context, engine Engine) error {
	cmds := applicationCommands(engine.Catalog(), engine.Commands(baseLang(engine.Catalog(), engine.DefaultLang())), engine.DefaultLang(), b.log)
	_, err := b.s.ApplicationCommandBulkOverwrite(b.ApplicationID(), b.cfg.GuildID, cmds, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("discord: registering %d commands: %s", len(cmds), redact(err.Error(), b.cfg.Token))
	}
	scope := "global"
	if b.cfg.GuildID != "" {
		scope = "guild " + b.cfg.GuildID
	}
	b.log.Info("commands registered", slog.Int("commands", len(cmds)), slog.String("scope", scope))
	return nil
}

// commandText writes a slash command as the chat command the engine
// reads: "/name" and the option values in the command's order. An option
// value longer than its limit is refused, naming the option in lang.
func commandText(cat *locales.Catalog, lang string, data discordgo.ApplicationCommandInteractionData) (string, *core.Error) {
	given := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range data.Options {
		given[o.Name] = o
	}
	parts := []string{"/" + data.Name}
	for _, o := range optionsOf(data.Name) {
		v, ok := given[o.name]
		if !ok {
			continue
		}
		var s string
		switch v.Type {
		case discordgo.ApplicationCommandOptionInteger:
			s = strconv.FormatInt(v.IntValue(), 10)
		case discordgo.ApplicationCommandOptionString:
			s = v.StringValue()
		default:
			s = fmt.Sprint(v.Value)
		}
		s = strings.Join(strings.Fields(s), " ")
		if limit := o.maxLen; limit > 0 && runes(s) > limit {
			return "", core.Errorf(core.CodeInvalid, "dc_option_too_long", map[string]any{"Option": cat.T(lang, "dc_opt_"+o.name, nil), "Max": limit})
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " "), nil
}
