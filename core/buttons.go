package core

import (
	"context"
	"strings"
)

// Button payloads are short strings "<kind>|<field>|…". Fields never hold
// '|': they are IDs, language codes, numbers or cache keys.
const (
	btnLang   = "g" // g|<lang>: choose a language
	btnToggle = "t" // t|<section>: subscribe or unsubscribe this chat
	btnLatest = "l" // l|<section>|<offset>|<n>: a page of /latest
	btnSearch = "q" // q|<query key>|<offset>: a page of /search
)

// ownButtons are the engine's own button kinds, which no Extension may
// take.
var ownButtons = map[string]bool{btnLang: true, btnToggle: true, btnLatest: true, btnSearch: true}

// MaxButtonPayload is the longest button payload the engine and its
// extensions write. NewEngine refuses a platform that takes less.
const MaxButtonPayload = 64

// EncodeButton writes a button payload of kind and fields. It panics when
// the payload is longer than MaxButtonPayload: the engine's own fields are
// IDs and numbers, so that is a programming error.
func EncodeButton(kind string, fields ...string) string {
	s := kind + "|" + strings.Join(fields, "|")
	if len(s) > MaxButtonPayload {
		panic("core: button payload longer than MaxButtonPayload: " + s)
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
	default:
		if f, ok := e.buttons[kind]; ok {
			r, err = f(ctx, req, lang, fields)
		} else {
			err = Errorf(CodeInvalid, "err_button_stale", nil)
		}
	}
	if err != nil {
		return e.errorReply(lang, err, "")
	}
	if r.Lang == "" {
		r.Lang = lang
	}
	return r
}
