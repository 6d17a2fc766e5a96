package translate

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
)

// fakeLibre is a LibreTranslate server on 127.0.0.1 that knows ro, ru and
// en, wants key "secret" and answers per the documented shapes. Text
// "slow" makes it wait and text "busy" answers 429.
func fakeLibre(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fail := func(status int, msg string) {
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]string{"error": msg})
		}
		if r.Method != http.MethodPost || r.URL.Path != "/translate" {
			fail(http.StatusNotFound, "not found")
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			fail(http.StatusBadRequest, "want JSON, got "+ct)
			return
		}
		var in libreRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			fail(http.StatusBadRequest, "Invalid request: "+err.Error())
			return
		}
		langs := map[string]bool{"ro": true, "ru": true, "en": true}
		switch {
		case in.APIKey != "secret":
			fail(http.StatusForbidden, "Invalid API key")
		case in.Q == "busy":
			w.Header().Set("Retry-After", "7")
			fail(http.StatusTooManyRequests, "Slowdown: 30 per 1 minute")
		case in.Q == "slow":
			time.Sleep(300 * time.Millisecond)
			json.NewEncoder(w).Encode(map[string]string{"translatedText": "late"})
		case !langs[in.Source] || !langs[in.Target]:
			fail(http.StatusBadRequest, in.Target+" is not supported")
		case in.Format != "text":
			fail(http.StatusBadRequest, "format must be text")
		default:
			json.NewEncoder(w).Encode(map[string]string{"translatedText": "[" + in.Source + ">" + in.Target + "] " + in.Q})
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLibre(t *testing.T) {
	srv := fakeLibre(t)
	tests := []struct {
		name, key, text, from, to string
		want                      string
		code                      core.Code
		unauthorized              bool
		retryAfter                time.Duration
	}{
		{name: "translates", key: "secret", text: "Bună ziua", from: "ro", to: "en", want: "[ro>en] Bună ziua"},
		{name: "same language needs no request", key: "wrong", text: "Привет", from: "ru", to: "ru", want: "Привет"},
		{name: "empty text needs no request", key: "wrong", text: "", from: "ro", to: "en", want: ""},
		{name: "unsupported language is 400", key: "secret", text: "x y", from: "ro", to: "xx", code: core.CodeInvalid},
		{name: "wrong key is 403", key: "wrong", text: "x y", from: "ro", to: "en", code: core.CodeUnavailable, unauthorized: true},
		{name: "rate limited is 429", key: "secret", text: "busy", from: "ro", to: "en", code: core.CodeRateLimited, retryAfter: 7 * time.Second},
		{name: "timeout is unavailable", key: "secret", text: "slow", from: "ro", to: "en", code: core.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLibre(srv.URL, tt.key, WithTimeout(100*time.Millisecond), WithPerMinute(-1))
			got, err := l.Translate(context.Background(), tt.text, tt.from, tt.to)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v (code %q), want code %q", err, core.ErrorCode(err), tt.code)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if errors.Is(err, ErrUnauthorized) != tt.unauthorized {
				t.Errorf("errors.Is(%v, ErrUnauthorized) = %v, want %v", err, !tt.unauthorized, tt.unauthorized)
			}
			if after, ok := RetryAfter(err); ok != (tt.code == core.CodeRateLimited) || after != tt.retryAfter {
				t.Errorf("RetryAfter = %v, %v; want %v", after, ok, tt.retryAfter)
			}
		})
	}
}

func TestLibreBudget(t *testing.T) {
	srv := fakeLibre(t)
	l := NewLibre(srv.URL+"/translate", "secret", WithPerMinute(2))
	ctx := context.Background()
	for i := range 2 {
		if _, err := l.Translate(ctx, "unu doi", "ro", "en"); err != nil {
			t.Fatalf("request %d within budget: %v", i+1, err)
		}
	}
	_, err := l.Translate(ctx, "unu doi", "ro", "en")
	if core.ErrorCode(err) != core.CodeRateLimited {
		t.Fatalf("third request: %v, want rate limited", err)
	}
	after, ok := RetryAfter(err)
	if !ok || after <= 0 || after > 31*time.Second {
		t.Errorf("RetryAfter = %v, %v; want about 30s", after, ok)
	}
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Args["seconds"] != int((after+time.Second-1)/time.Second) {
		t.Errorf("core error args %v, want seconds rounded up from %v", ce, after)
	}
}

func TestLibreCancelled(t *testing.T) {
	srv := fakeLibre(t)
	l := NewLibre(srv.URL, "secret", WithTimeout(5*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	_, err := l.Translate(ctx, "slow", "ro", "en")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestLibreServerDown(t *testing.T) {
	srv := fakeLibre(t)
	url := srv.URL
	srv.Close()
	_, err := NewLibre(url, "secret").Translate(context.Background(), "unu", "ro", "en")
	if core.ErrorCode(err) != core.CodeUnavailable {
		t.Fatalf("got %v, want unavailable", err)
	}
}
