package core

import (
	"context"
	"fmt"
	"strings"
)

// command is one chat command. Its help line is the locale key
// "cmd_<name>"; when args is set its argument syntax is "args_<name>".
type command struct {
	name      string
	args      bool // takes arguments (shown in usage)
	moderator bool // only moderators may run it
	run       CommandFunc
}

// CommandFunc answers a command in lang. A returned *Error becomes a
// translated explanation.
type CommandFunc func(ctx context.Context, req Request, lang string, cmd Command) (Reply, error)

// ButtonFunc answers a button press in lang; fields are the payload's
// fields after its kind (see EncodeButton).
type ButtonFunc func(ctx context.Context, req Request, lang string, fields []string) (Reply, error)

// CommandSpec is a command an Extension adds to the engine. Its help line
// is the locale key "cmd_<Name>"; with Args, its argument syntax is
// "args_<Name>".
type CommandSpec struct {
	Name      string
	Args      bool
	Moderator bool // only moderators may run it; the engine checks
	Run       CommandFunc
}

// Extension adds commands and buttons to an engine: the push side's
// breaking news, corrections and digests, for example. Button kinds must
// not collide with the engine's own (one or two lower-case letters).
type Extension interface {
	Commands() []CommandSpec
	Buttons() map[string]ButtonFunc
}

func (e *Engine) registerCommands(exts []Extension) error {
	e.commands = map[string]command{}
	e.buttons = map[string]ButtonFunc{}
	add := func(c command) error {
		if _, dup := e.commands[c.name]; dup || c.run == nil {
			return fmt.Errorf("core: command %q registered twice or without a function", c.name)
		}
		e.commands[c.name] = c
		e.order = append(e.order, c.name)
		return nil
	}
	own := []command{
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
	}
	var mods []command
	for _, x := range exts {
		for _, c := range x.Commands() {
			cmd := command{name: c.Name, args: c.Args, moderator: c.Moderator, run: c.Run}
			if c.Moderator {
				mods = append(mods, cmd)
			} else {
				own = append(own, cmd)
			}
		}
		for kind, f := range x.Buttons() {
			if _, dup := e.buttons[kind]; dup || ownButtons[kind] || f == nil {
				return fmt.Errorf("core: button kind %q registered twice or without a function", kind)
			}
			e.buttons[kind] = f
		}
	}
	// Help lists what everyone may use first, then the moderators' tools.
	mods = append(mods, command{name: "link", args: true, moderator: true, run: e.cmdLink})
	for _, c := range append(own, mods...) {
		if err := add(c); err != nil {
			return err
		}
	}
	return nil
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
	// A platform without tappable article commands (Discord's slash
	// commands) gets the tip that fits it.
	footer := "help_footer"
	if p, ok := e.platforms[req.Platform]; ok && p.ArticleCommand == "" {
		footer = "help_footer_commands"
	}
	return Reply{
		Lang:  lang,
		Title: e.cat.T(lang, "help_title", nil),
		Text:  []string{strings.Join(lines, "\n"), e.cat.T(lang, footer, nil)},
	}
}
