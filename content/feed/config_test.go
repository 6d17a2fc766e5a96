package feed

import (
	"strings"
	"testing"
	"time"
)

func TestParseFeedsEnv(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Source
		wantErr string // a part of the error; "" for success
	}{
		{name: "three editions", in: "ro=https://a.md/ro.xml,ru=https://a.md/ru.xml,en=https://a.md/en.json",
			want: []Source{{Lang: "ro", URL: "https://a.md/ro.xml"}, {Lang: "ru", URL: "https://a.md/ru.xml"}, {Lang: "en", URL: "https://a.md/en.json"}}},
		{name: "two feeds one language and spaces", in: " ro = https://a.md/1.xml , RO=http://a.md/2.xml ,",
			want: []Source{{Lang: "ro", URL: "https://a.md/1.xml"}, {Lang: "ro", URL: "http://a.md/2.xml"}}},
		{name: "URL with query and equals", in: "en=https://a.md/feed?format=rss&x=1",
			want: []Source{{Lang: "en", URL: "https://a.md/feed?format=rss&x=1"}}},
		{name: "missing equals", in: "ro=https://a.md/ro.xml,ru-https://a.md/ru.xml", wantErr: `part 2 "ru-https://a.md/ru.xml": want lang=URL`},
		{name: "bad language", in: "romanian=https://a.md/ro.xml", wantErr: `part 1 "romanian=https://a.md/ro.xml": language "romanian"`},
		{name: "not http", in: "ro=ftp://a.md/ro.xml", wantErr: `feed URL "ftp://a.md/ro.xml" is not an http(s) URL`},
		{name: "no host", in: "ro=https:///ro.xml", wantErr: "is not an http(s) URL"},
		{name: "listed twice", in: "ro=https://a.md/ro.xml,ro=https://a.md/ro.xml", wantErr: "part 2"},
		{name: "empty", in: " , ", wantErr: "no lang=URL pair"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFeedsEnv(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i].Lang != tt.want[i].Lang || got[i].URL != tt.want[i].URL {
					t.Errorf("source %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	const good = `
interval: 2m
timeout: 10s
max_bytes: 1048576
default_section: international
fetch_pages: true
max_alert_age: 6h
categories:
  "Politică": politics
feeds:
  - lang: ro
    url: https://a.md/ro.xml
    interval: 30s
    section: politics
    group_pattern: '/story/(\d+)'
    categories: {"Sport local": sport}
  - lang: ru
    url: https://a.md/ru.xml
`
	t.Run("full", func(t *testing.T) {
		cfg, err := LoadConfig(strings.NewReader(good))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Interval != 2*time.Minute || cfg.Timeout != 10*time.Second || cfg.MaxBytes != 1<<20 ||
			cfg.DefaultSection != "international" || cfg.FetchPages != On || cfg.MaxAlertAge != 6*time.Hour || cfg.Categories["Politică"] != "politics" ||
			cfg.MaxBackoff != DefaultMaxBackoff {
			t.Errorf("config = %+v", cfg)
		}
		if len(cfg.Sources) != 2 || cfg.Sources[0].Interval != 30*time.Second || cfg.Sources[0].Section != "politics" ||
			cfg.Sources[0].GroupPattern == "" || cfg.Sources[0].Categories["Sport local"] != "sport" || cfg.Sources[1].Lang != "ru" {
			t.Errorf("sources = %+v", cfg.Sources)
		}
	})
	t.Run("empty gives defaults", func(t *testing.T) {
		cfg, err := LoadConfig(strings.NewReader(""))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Interval != DefaultInterval || cfg.DefaultSection != DefaultSection || cfg.MaxBytes != DefaultMaxBytes ||
			cfg.FetchPages != On || cfg.MaxAlertAge != DefaultMaxAlertAge {
			t.Errorf("config = %+v", cfg)
		}
	})
	bad := []struct {
		name, yaml, wantErr string
	}{
		{"unknown field", "intervall: 5m", "intervall"},
		{"bad duration", "interval: soon", "line 1"},
		{"unknown section", "default_section: weather", `default_section "weather"`},
		{"category to unknown section", "categories: {Meteo: weather}", `"Meteo" maps to unknown section "weather"`},
		{"bad feed", "feeds: [{lang: ro, url: 'not a url'}]", "feeds[0]: feed URL"},
		{"bad pattern", "feeds: [{lang: ro, url: 'https://a.md/x', group_pattern: '(['}]", "feeds[0]: group_pattern"},
		{"negative timeout", "timeout: -1s", "timeout"},
		{"negative alert age", "max_alert_age: -1h", "max_alert_age"},
		{"fetch_pages not a boolean", "fetch_pages: sometimes", "line 1"},
		{"not yaml", "feeds: [", "config"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(strings.NewReader(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	t.Run("pages off", func(t *testing.T) {
		cfg, err := LoadConfig(strings.NewReader("fetch_pages: false"))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.FetchPages != Off {
			t.Errorf("fetch_pages: false gave %v, want Off", cfg.FetchPages)
		}
	})
	t.Run("validate", func(t *testing.T) {
		if err := (Config{Sources: []Source{{Lang: "ro", URL: "https://a.md/x", Section: "nope"}}}).Validate(); err == nil {
			t.Error("Validate accepted an unknown section")
		}
		if err := (Config{FetchPages: 7}).Validate(); err == nil || !strings.Contains(err.Error(), "fetch_pages Switch(7)") {
			t.Errorf("Validate of fetch_pages 7 = %v, want an error naming it", err)
		}
	})
}
