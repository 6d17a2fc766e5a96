package feed

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestIngestOnce(t *testing.T) {
	srv := newFeedServer(t)
	store := newMapStore()
	var out bytes.Buffer
	cfg := srv.config("ro=/ro.xml", "en=/en.json")
	if err := IngestOnce(context.Background(), cfg, store, &out, WithSectionNames(testNames)); err != nil {
		t.Fatalf("IngestOnce: %v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d lines, want 5 articles and a summary:\n%s", len(lines), out.String())
	}
	line := regexp.MustCompile(`^new [0-9a-z]{8} (ro|en) [a-z]+ \S.*$`)
	for _, l := range lines[:5] {
		if !line.MatchString(l) {
			t.Errorf("line %q does not read \"new <id> <lang> <section> <title>\"", l)
		}
	}
	if !strings.Contains(out.String(), " ro politics Parlamentul a adoptat bugetul pe 2025 & modificările fiscale\n") {
		t.Errorf("output lacks the budget story:\n%s", out.String())
	}
	if want := "2 feeds: 0 not modified, 0 failed; articles: 5 new (0 announced), 0 updated, 0 unchanged"; lines[5] != want {
		t.Errorf("summary = %q, want %q", lines[5], want)
	}

	t.Run("updates and failures", func(t *testing.T) {
		srv.set("/ro.xml", "ro_rss_v2.xml")
		out.Reset()
		err := IngestOnce(context.Background(), srv.config("ro=/ro.xml", "ro=/malformed.xml"), store, &out, WithSectionNames(testNames))
		if err == nil {
			t.Error("IngestOnce with a malformed feed returned nil")
		}
		for _, want := range []string{
			"updated ", " ro politics Parlamentul a adoptat bugetul pe 2025 în lectură finală (v2)\n",
			"new ", "failed ro " + srv.URL + "/malformed.xml: parsing feed",
			"2 feeds: 0 not modified, 1 failed; articles: 1 new (0 announced), 1 updated, 2 unchanged",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("one feed", func(t *testing.T) {
		out.Reset()
		if err := IngestOnce(context.Background(), srv.config("en=/en.json"), store, &out, WithSectionNames(testNames)); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), "1 feed: 0 not modified") && !strings.Contains(out.String(), "\n1 feed: 0 not modified") {
			t.Errorf("summary of one feed:\n%s", out.String())
		}
	})
	t.Run("no feeds", func(t *testing.T) {
		if err := IngestOnce(context.Background(), Config{}, store, &out); err == nil {
			t.Error("IngestOnce with no feeds returned nil")
		}
	})
}
