package core

import (
	"context"
	"strings"
)

// Button payloads are short strings "<kind>|<field>|…". Fields never hold
// '|': they are IDs, language codes, numbers or cache keys.
const (
	btnLang   = "g"  // g|<lang>: choose a language
	btnToggle = "t"  // t|<section>: subscribe or unsubscribe this chat
	btnLatest = "l"  // l|<section>|<offset>|<n>: a page of /latest
	btnSearch = "q"  // q|<query key>|<offset>: a page of /search
	btnSend   = "bc" // bc|<broadcast id>: confirm a broadcast preview
	btnCancel = "bx" // bx|<broadcast id>: cancel a broadcast preview
)

func encodeButton(kind string, fields ...string) string {
	s := kind + "|" + strings.Join(fields, "|")
	if len(s) > MaxButtonData {
		// Never reached with our own fields; refuse rather than send a
		// payload the platform would reject.
		panic("core: button payload longer than MaxButtonData: " + s)
	}
	return s
}

func (e *Engine) handleButton(ctx context.Context, req Request, lang string) Reply {
	kind, rest, _ := strings.Cut(req.Button, "|")
	fields := strings.Split(rest, "|")
	var (
		r   Reply
		err error
	)
	switch kind {
	case btnLang:
		want := e.matchLang(fields[0])
		if want == "" {
			err = Errorf(CodeInvalid, "err_button_stale", nil)
			break
		}
		r, err = e.setLang(ctx, req, want)
	case btnToggle:
		r, err = e.toggleSection(ctx, req, lang, fields[0])
	case btnLatest:
		r, err = e.latestPage(ctx, req, lang, fields)
	case btnSearch:
		r, err = e.searchPage(ctx, req, lang, fields)
	case btnSend:
		r, err = e.confirmBroadcast(ctx, req, lang, fields[0])
	case btnCancel:
		r, err = e.cancelBroadcast(ctx, req, lang, fields[0])
	default:
		err = Errorf(CodeInvalid, "err_button_stale", nil)
	}
	if err != nil {
		return e.errorReply(lang, err, "")
	}
	if r.Lang == "" {
		r.Lang = lang
	}
	return r
}
