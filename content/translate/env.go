package translate

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The environment FromEnv reads.
const (
	EnvURL       = "NEWSBOT_TRANSLATE_URL"        // the service; empty turns translation off
	EnvKind      = "NEWSBOT_TRANSLATE_KIND"       // "libretranslate" (default) or "openai"
	EnvKey       = "NEWSBOT_TRANSLATE_KEY"        // API key, optional
	EnvModel     = "NEWSBOT_TRANSLATE_MODEL"      // the model; required for "openai"
	EnvTimeout   = "NEWSBOT_TRANSLATE_TIMEOUT"    // per request, a Go duration such as "20s"
	EnvPerMinute = "NEWSBOT_TRANSLATE_PER_MINUTE" // request budget; -1 lifts it
)

// FromEnv returns the Translator the environment configures, reading it
// through getenv (os.Getenv in main). It returns nil and no error when
// NEWSBOT_TRANSLATE_URL is empty: translation is off by default. An
// unknown kind, an "openai" kind without a model, or a malformed timeout or
// budget is an error. The key is never part of an error.
func FromEnv(getenv func(string) string) (Translator, error) {
	url := strings.TrimSpace(getenv(EnvURL))
	if url == "" {
		return nil, nil
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("translate: %s must be an http(s) URL", EnvURL)
	}
	var opts []Option
	if s := strings.TrimSpace(getenv(EnvTimeout)); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("translate: %s=%q is not a positive duration", EnvTimeout, s)
		}
		opts = append(opts, WithTimeout(d))
	}
	if s := strings.TrimSpace(getenv(EnvPerMinute)); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n == 0 || n < -1 {
			return nil, fmt.Errorf("translate: %s=%q must be a positive number or -1", EnvPerMinute, s)
		}
		opts = append(opts, WithPerMinute(n))
	}
	key := strings.TrimSpace(getenv(EnvKey))
	switch kind := strings.ToLower(strings.TrimSpace(getenv(EnvKind))); kind {
	case "", "libretranslate":
		return NewLibre(url, key, opts...), nil
	case "openai":
		model := strings.TrimSpace(getenv(EnvModel))
		if model == "" {
			return nil, fmt.Errorf("translate: %s=openai needs %s", EnvKind, EnvModel)
		}
		return NewOpenAI(url, key, model, opts...), nil
	default:
		return nil, fmt.Errorf("translate: %s=%q: want libretranslate or openai", EnvKind, kind)
	}
}
