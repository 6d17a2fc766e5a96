package core

import (
	"context"
	"strings"
)

// command is one chat command. Its help line is the locale key
// "cmd_<name>"; when args is set its argument syntax is "args_<name>".
type command struct {
	name      string
	args      bool // takes arguments (shown in usage)
	moderator bool // only moderators may run it
	hidden    bool // not listed in help or command menus
	run       func(ctx context.Context, req Request, lang string, cmd Command) (Reply, error)
}

func (e *Engine) registerCommands() {
	e.commands = map[string]command{}
	for _, c := range []command{
		{name: "start", run: e.cmdStart},
		{name: "help", run: e.cmdHelp},
		{name: "latest", args: true, run: e.cmdLatest},
		{name: "search", args: true, run: e.cmdSearch},
		{name: "read", args: true, run: e.cmdRead},
		{name: "sections", run: e.cmdSections},
		{name: "subscribe", args: true, run: e.cmdSubscribe},
		{name: "unsubscribe", args: true, run: e.cmdUnsubscribe},
		{name: "subscriptions", run: e.cmdSubscriptions},
		{name: "lang", args: true, run: e.cmdLang},
		{name: "digest", args: true, run: e.cmdDigest},
		{name: "quiet", args: true, run: e.cmdQuiet},
		{name: "breaking", args: true, moderator: true, run: e.cmdBreaking},
		{name: "correct", args: true, moderator: true, run: e.cmdCorrect},
		{name: "retract", args: true, moderator: true, run: e.cmdRetract},
		{name: "broadcasts", moderator: true, run: e.cmdBroadcasts},
		{name: "link", args: true, moderator: true, run: e.cmdLink},
	} {
		e.commands[c.name] = c
		e.order = append(e.order, c.name)
	}
}

// CommandInfo describes a command for a platform's command menu.
type CommandInfo struct {
	Name        string // without the slash
	Description string // translated
	Moderator   bool
}

// Commands returns the commands in help order with descriptions in lang.
func (e *Engine) Commands(lang string) []CommandInfo {
	var out []CommandInfo
	for _, name := range e.order {
		c := e.commands[name]
		if c.hidden {
			continue
		}
		out = append(out, CommandInfo{Name: name, Description: e.cat.T(lang, "cmd_"+name, nil), Moderator: c.moderator})
	}
	return out
}

func (e *Engine) cmdStart(ctx context.Context, req Request, lang string, _ Command) (Reply, error) {
	r := e.helpReply(req, lang)
	r.Title = e.cat.T(lang, "start_title", nil)
	r.Text = append([]string{e.cat.T(lang, "start_text", nil)}, r.Text...)
	return r, nil
}

func (e *Engine) cmdHelp(ctx context.Context, req Request, lang string, _ Command) (Reply, error) {
	return e.helpReply(req, lang), nil
}

func (e *Engine) helpReply(req Request, lang string) Reply {
	var lines []string
	for _, c := range e.Commands(lang) {
		if c.Moderator && !req.User.Moderator {
			continue
		}
		lines = append(lines, e.usage(lang, e.commands[c.Name])+" — "+c.Description)
	}
	return Reply{
		Lang:  lang,
		Title: e.cat.T(lang, "help_title", nil),
		Text:  []string{strings.Join(lines, "\n"), e.cat.T(lang, "help_footer", nil)},
	}
}
