package translate

import (
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    string // the backend's type, "" for none
		wantErr string
	}{
		{name: "off by default", env: nil},
		{name: "libretranslate by default", env: map[string]string{EnvURL: "http://127.0.0.1:5000"}, want: "*translate.Libre"},
		{name: "libretranslate", env: map[string]string{EnvURL: "http://x", EnvKind: "LibreTranslate", EnvKey: "k"}, want: "*translate.Libre"},
		{name: "openai", env: map[string]string{EnvURL: "http://x", EnvKind: "openai", EnvModel: "qwen2.5:3b"}, want: "*translate.OpenAI"},
		{name: "openai needs a model", env: map[string]string{EnvURL: "http://x", EnvKind: "openai"}, wantErr: EnvModel},
		{name: "unknown kind", env: map[string]string{EnvURL: "http://x", EnvKind: "deepl"}, wantErr: "deepl"},
		{name: "not a URL", env: map[string]string{EnvURL: "localhost:5000"}, wantErr: EnvURL},
		{name: "bad timeout", env: map[string]string{EnvURL: "http://x", EnvTimeout: "soon"}, wantErr: EnvTimeout},
		{name: "bad budget", env: map[string]string{EnvURL: "http://x", EnvPerMinute: "0"}, wantErr: EnvPerMinute},
		{name: "options", env: map[string]string{EnvURL: "http://x", EnvTimeout: "3s", EnvPerMinute: "-1"}, want: "*translate.Libre"},
		{name: "key stays out of errors", env: map[string]string{EnvURL: "http://x", EnvKind: "nope", EnvKey: "s3cret"}, wantErr: "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := FromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error %q shows the key", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if tr != nil {
				got = typeName(tr)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// typeName names the concrete type of a Translator.
func typeName(tr Translator) string {
	switch tr.(type) {
	case *Libre:
		return "*translate.Libre"
	case *OpenAI:
		return "*translate.OpenAI"
	}
	return "unknown"
}
