package translate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/time/rate"

	"github.com/newsbot/newsbot/core"
)

// errNoTranslation is the cause when a service answers without a text.
var errNoTranslation = errors.New("translate: answer holds no translation")

// OpenAI translates with a chat model behind an OpenAI-compatible API, as
// Ollama, llama.cpp and vLLM serve it: POST /v1/chat/completions with
// {model, messages}, answered by choices[0].message.content or by an
// error status with {error: {message}}. It is safe for concurrent use.
type OpenAI struct {
	url   string
	key   string
	model string
	opts  options
	lim   *rate.Limiter
}

var _ Translator = (*OpenAI)(nil)

// NewOpenAI returns an OpenAI for the server at url (its base, such as
// "http://127.0.0.1:11434", its /v1 or the full /v1/chat/completions
// address) with model. key is sent as a bearer token unless empty.
func NewOpenAI(url, key, model string, opts ...Option) *OpenAI {
	o := newOptions(opts)
	u := strings.TrimRight(url, "/")
	switch {
	case strings.HasSuffix(u, "/chat/completions"):
	case strings.HasSuffix(u, "/v1"):
		u += "/chat/completions"
	default:
		u += "/v1/chat/completions"
	}
	return &OpenAI{url: u, key: key, model: model, opts: o, lim: o.limiter()}
}

// chatMessage is one message of a chat completion.
type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// chatRequest is the body of POST /v1/chat/completions.
type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"`
	Stream      bool          `json:"stream"`
}

// chatResponse is a successful answer.
type chatResponse struct {
	Choices []struct {
		Message chatMessage `json:"message"`
	} `json:"choices"`
}

// languageNames names the languages for the model's instructions.
var languageNames = map[string]string{"ro": "Romanian", "ru": "Russian", "en": "English"}

// languageName returns the English name of code, or code itself.
func languageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

// Translate returns text in the language to, as the model writes it. Empty
// text and from == to return text without a request. Errors are as for
// Libre.Translate: CodeRateLimited on a spent budget or 429, CodeInvalid on
// other 4xx, CodeUnavailable on 401/403 (ErrUnauthorized), 5xx, timeouts
// and answers without a choice; or ctx's error.
func (c *OpenAI) Translate(ctx context.Context, text, from, to string) (string, error) {
	if text == "" || from == to {
		return text, nil
	}
	if err := spend(c.lim); err != nil {
		return "", err
	}
	in := chatRequest{
		Model: c.model,
		Messages: []chatMessage{
			{Role: "system", Content: fmt.Sprintf(
				"You are a news translator. Translate the user's text from %s to %s. "+
					"Keep names, numbers and meaning exact. Reply with the translation only, no notes.",
				languageName(from), languageName(to))},
			{Role: "user", Content: text},
		},
	}
	header := http.Header{}
	if c.key != "" {
		header.Set("Authorization", "Bearer "+c.key)
	}
	var out chatResponse
	if err := postJSON(ctx, c.opts, c.url, header, in, &out, openAIError); err != nil {
		return "", err
	}
	if len(out.Choices) == 0 {
		return "", core.Unavailable(errNoTranslation)
	}
	return strings.TrimSpace(out.Choices[0].Message.Content), nil
}

// openAIError returns the message of an OpenAI {error: {message}} body.
func openAIError(data []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &e) != nil {
		return ""
	}
	return e.Error.Message
}
