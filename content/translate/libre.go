package translate

import (
	"context"
	"encoding/json"
	"net/http"

	"golang.org/x/time/rate"

	"github.com/newsbot/newsbot/core"
)

// Libre translates with a LibreTranslate server: POST /translate with
// {q, source, target, format, api_key}, answered by {translatedText} or by
// 400, 403 or 429 with {error}. It is safe for concurrent use.
type Libre struct {
	url  string
	key  string
	opts options
	lim  *rate.Limiter
}

var _ Translator = (*Libre)(nil)

// NewLibre returns a Libre for the server at url (its base, such as
// "http://127.0.0.1:5000", or the full /translate address) with key, which
// may be empty for servers that need none.
func NewLibre(url, key string, opts ...Option) *Libre {
	o := newOptions(opts)
	return &Libre{url: endpoint(url, "/translate"), key: key, opts: o, lim: o.limiter()}
}

// libreRequest is the body of POST /translate.
type libreRequest struct {
	Q      string `json:"q"`
	Source string `json:"source"`
	Target string `json:"target"`
	Format string `json:"format"`
	APIKey string `json:"api_key,omitempty"`
}

// libreResponse is a successful answer.
type libreResponse struct {
	TranslatedText *string `json:"translatedText"`
}

// Translate returns text in the language to. Empty text and from == to
// return text without a request. Errors are *core.Error: CodeRateLimited
// (see RetryAfter) when the budget is spent or the server answers 429,
// CodeInvalid for other 4xx such as an unsupported language, and
// CodeUnavailable for a refused key (ErrUnauthorized), a timeout, a server
// failure or an answer without translatedText; or ctx's error when ctx is
// cancelled.
func (l *Libre) Translate(ctx context.Context, text, from, to string) (string, error) {
	if text == "" || from == to {
		return text, nil
	}
	if err := spend(l.lim); err != nil {
		return "", err
	}
	var out libreResponse
	in := libreRequest{Q: text, Source: from, Target: to, Format: "text", APIKey: l.key}
	if err := postJSON(ctx, l.opts, l.url, http.Header{}, in, &out, libreError); err != nil {
		return "", err
	}
	if out.TranslatedText == nil {
		return "", core.Unavailable(errNoTranslation)
	}
	return *out.TranslatedText, nil
}

// libreError returns the message of LibreTranslate's {error} body.
func libreError(data []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(data, &e) != nil {
		return ""
	}
	return e.Error
}
