package feed

import (
	"slices"
	"testing"
	"time"
)

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain text", "One line.\n\nSecond  line\nwrapped.", []string{"One line.", "Second line wrapped."}},
		{"p and br", "<p>A <b>bold</b> start.</p><p>Then<br>a break.</p>", []string{"A bold start.", "Then", "a break."}},
		{"entities", "<p>Tom &amp; Jerry &laquo;quoted&raquo; &#8212; &nbsp;x&hellip;</p>", []string{"Tom & Jerry «quoted» — x…"}},
		{"entities without tags", "Fish &amp; chips", []string{"Fish & chips"}},
		{"script style iframe dropped", "<p>Keep</p><script>evil()</script><style>p{}</style><iframe src=x>no</iframe><noscript>js off</noscript>", []string{"Keep"}},
		{"divs and lists", "<div>One</div><div><ul><li>a</li><li>b</li></ul></div>", []string{"One", "a", "b"}},
		{"inline links stay in the paragraph", `<p>Read <a href="/x">the report</a> now.</p>`, []string{"Read the report now."}},
		{"invisible and control runes", "<p>a\u200bb\u202ec\u0007d</p>", []string{"abcd"}},
		{"unclosed tags", "<p>open <i>italic<p>next", []string{"open italic", "next"}},
		{"empty", "  <p> </p><br/> ", nil},
		{"comments", "<p>x<!-- hidden -->y</p>", []string{"xy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := paragraphs(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("paragraphs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"short", "abc", 5, "abc"},
		{"word boundary", "one two three four", 16, "one two three…"},
		{"runes not bytes", "ăăăăăăăăăă", 5, "ăăăă…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := truncate(tt.in, tt.n); got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{"seconds", "120", 2 * time.Minute},
		{"http date", "Tue, 14 May 2024 09:01:30 GMT", 90 * time.Second},
		{"past date", "Tue, 14 May 2024 08:00:00 GMT", 0},
		{"empty", "", 0},
		{"garbage", "soon", 0},
		{"negative", "-5", 0},
		{"huge", "99999999999", maxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.in, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
