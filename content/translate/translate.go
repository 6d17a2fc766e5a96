// Package translate turns text from one language into another through an
// outside service, for cross-language summaries. It is optional: FromEnv
// returns no Translator unless NEWSBOT_TRANSLATE_URL is set.
//
// Two backends speak the services' documented HTTP APIs: NewLibre for
// LibreTranslate's POST /translate and NewOpenAI for the OpenAI-compatible
// POST /v1/chat/completions that Ollama, llama.cpp and vLLM serve. Both
// bound each request with a timeout, spend at most a budget of requests per
// minute and classify failures with core's error codes.
package translate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/newsbot/newsbot/core"
)

// Translator translates text between languages given as ISO 639-1 codes
// ("ro", "ru", "en").
type Translator interface {
	Translate(ctx context.Context, text, from, to string) (string, error)
}

// Defaults of the options.
const (
	DefaultTimeout   = 20 * time.Second
	DefaultPerMinute = 30
)

// options are the settings both backends share.
type options struct {
	client    *http.Client
	timeout   time.Duration
	perMinute int
}

// Option configures a backend.
type Option func(*options)

// WithHTTPClient sets the HTTP client; the default is a client of its own.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) {
		if c != nil {
			o.client = c
		}
	}
}

// WithTimeout bounds each request, DefaultTimeout unless set. Values below
// 1 keep the default.
func WithTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.timeout = d
		}
	}
}

// WithPerMinute sets the budget of requests per minute, DefaultPerMinute
// unless set; a negative value lifts the budget, zero keeps the default.
// The whole budget may be spent at once; it refills evenly over the minute.
func WithPerMinute(n int) Option {
	return func(o *options) {
		if n != 0 {
			o.perMinute = n
		}
	}
}

// newOptions applies opts over the defaults.
func newOptions(opts []Option) options {
	o := options{client: &http.Client{}, timeout: DefaultTimeout, perMinute: DefaultPerMinute}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// limiter returns the rate limiter of the per-minute budget, nil for none.
func (o options) limiter() *rate.Limiter {
	if o.perMinute < 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(float64(o.perMinute)/60), o.perMinute)
}

// ErrUnauthorized is in the chain of the error a backend returns when the
// service refuses its key (LibreTranslate 403, OpenAI 401 or 403).
var ErrUnauthorized = errors.New("translate: key refused")

// RateLimitedError is the cause of a rate-limited error: the per-minute
// budget is spent, or the service answered 429.
type RateLimitedError struct {
	After time.Duration // how long to wait; 0 when the service did not say
	Msg   string
}

func (e *RateLimitedError) Error() string {
	if e.After > 0 {
		return fmt.Sprintf("translate: rate limited, retry after %s: %s", e.After, e.Msg)
	}
	return "translate: rate limited: " + e.Msg
}

// RetryAfter returns how long to wait before trying again when err is a
// rate-limited error from this package.
func RetryAfter(err error) (time.Duration, bool) {
	var e *RateLimitedError
	if errors.As(err, &e) {
		return e.After, true
	}
	return 0, false
}

// rateLimited returns a *core.Error with CodeRateLimited whose cause is a
// *RateLimitedError. Args["seconds"] is the wait, rounded up.
func rateLimited(after time.Duration, msg string) error {
	secs := int((after + time.Second - 1) / time.Second)
	return &core.Error{
		Code: core.CodeRateLimited,
		Key:  "err_rate_limited",
		Args: map[string]any{"seconds": secs},
		Err:  &RateLimitedError{After: after, Msg: msg},
	}
}

// spend takes one request from the budget of lim, or returns a rate-limited
// error saying when the next one is available.
func spend(lim *rate.Limiter) error {
	if lim == nil {
		return nil
	}
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return rateLimited(d, "per-minute budget spent")
	}
	return nil
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// classify turns a service's HTTP failure into a *core.Error: 429 is rate
// limited; 401 and 403 are ErrUnauthorized, unavailable to users; other 4xx
// are invalid requests (such as an unsupported language); the rest are
// unavailable.
func classify(status int, retryAfter, msg string) error {
	cause := fmt.Errorf("translate: HTTP %d: %s", status, msg)
	switch {
	case status == http.StatusTooManyRequests:
		return rateLimited(parseRetryAfter(retryAfter, time.Now()), msg)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return &core.Error{Code: core.CodeUnavailable, Key: "err_translate_unavailable",
			Err: fmt.Errorf("%w: %w", ErrUnauthorized, cause)}
	case status >= 400 && status < 500:
		return &core.Error{Code: core.CodeInvalid, Key: "err_translate_invalid", Err: cause}
	}
	return &core.Error{Code: core.CodeUnavailable, Key: "err_translate_unavailable", Err: cause}
}
