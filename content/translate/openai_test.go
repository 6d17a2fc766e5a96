package translate

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
)

// fakeOpenAI is an OpenAI-compatible chat server on 127.0.0.1 that wants
// the bearer key "sk-test" and model "tiny". It "translates" by upper-casing
// the user message and echoing the target language from the system prompt.
// User text "busy" answers 429, "crash" 500 and "empty" no choices.
func fakeOpenAI(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fail := func(status int, msg, typ string) {
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ}})
		}
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			fail(http.StatusNotFound, "no route "+r.URL.Path, "invalid_request_error")
			return
		}
		if r.Header.Get("Authorization") != "Bearer sk-test" {
			fail(http.StatusUnauthorized, "Incorrect API key provided", "invalid_request_error")
			return
		}
		var in chatRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Messages) != 2 {
			fail(http.StatusBadRequest, "bad messages", "invalid_request_error")
			return
		}
		if in.Model != "tiny" {
			fail(http.StatusNotFound, "model '"+in.Model+"' not found", "invalid_request_error")
			return
		}
		sys, user := in.Messages[0], in.Messages[1]
		if sys.Role != "system" || user.Role != "user" || in.Stream {
			fail(http.StatusBadRequest, "want system then user, no stream", "invalid_request_error")
			return
		}
		switch user.Content {
		case "busy":
			w.Header().Set("Retry-After", "3")
			fail(http.StatusTooManyRequests, "Rate limit reached", "rate_limit_error")
			return
		case "crash":
			fail(http.StatusInternalServerError, "model crashed", "server_error")
			return
		case "empty":
			json.NewEncoder(w).Encode(map[string]any{"choices": []any{}})
			return
		}
		target := sys.Content[strings.Index(sys.Content, " to ")+4:]
		target = target[:strings.Index(target, ".")]
		json.NewEncoder(w).Encode(map[string]any{
			"id":     "chatcmpl-1",
			"object": "chat.completion",
			"choices": []any{map[string]any{
				"index":         0,
				"message":       map[string]string{"role": "assistant", "content": " " + target + ": " + strings.ToUpper(user.Content) + "\n"},
				"finish_reason": "stop",
			}},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOpenAI(t *testing.T) {
	srv := fakeOpenAI(t)
	tests := []struct {
		name, url, key, model, text string
		want                        string
		code                        core.Code
		unauthorized                bool
	}{
		{name: "translates", url: srv.URL, key: "sk-test", model: "tiny", text: "război", want: "English: RĂZBOI"},
		{name: "base with v1", url: srv.URL + "/v1/", key: "sk-test", model: "tiny", text: "мир", want: "English: МИР"},
		{name: "full address", url: srv.URL + "/v1/chat/completions", key: "sk-test", model: "tiny", text: "a", want: "English: A"},
		{name: "wrong key is 401", url: srv.URL, key: "nope", model: "tiny", text: "a", code: core.CodeUnavailable, unauthorized: true},
		{name: "unknown model is 404", url: srv.URL, key: "sk-test", model: "huge", text: "a", code: core.CodeInvalid},
		{name: "429 is rate limited", url: srv.URL, key: "sk-test", model: "tiny", text: "busy", code: core.CodeRateLimited},
		{name: "500 is unavailable", url: srv.URL, key: "sk-test", model: "tiny", text: "crash", code: core.CodeUnavailable},
		{name: "no choices is unavailable", url: srv.URL, key: "sk-test", model: "tiny", text: "empty", code: core.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewOpenAI(tt.url, tt.key, tt.model, WithTimeout(2*time.Second))
			got, err := c.Translate(context.Background(), tt.text, "ro", "en")
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v (code %q), want code %q", err, core.ErrorCode(err), tt.code)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if errors.Is(err, ErrUnauthorized) != tt.unauthorized {
				t.Errorf("errors.Is(%v, ErrUnauthorized) != %v", err, tt.unauthorized)
			}
			if tt.code == core.CodeRateLimited {
				if after, ok := RetryAfter(err); !ok || after != 3*time.Second {
					t.Errorf("RetryAfter = %v, %v; want 3s", after, ok)
				}
			}
		})
	}
}

func TestOpenAIErrorKeepsMessageOutOfKey(t *testing.T) {
	srv := fakeOpenAI(t)
	_, err := NewOpenAI(srv.URL, "sk-wrong-secret", "tiny").Translate(context.Background(), "a", "ro", "en")
	if err == nil || !strings.Contains(err.Error(), "Incorrect API key") {
		t.Fatalf("got %v, want the server's message", err)
	}
	if strings.Contains(err.Error(), "sk-wrong-secret") {
		t.Errorf("error %q shows the key", err)
	}
}
