package telegramtest

import (
	"strings"
	"testing"
)

func TestParseHTML(t *testing.T) {
	tests := []struct {
		name, in, text, err string
	}{
		{"plain", "hello", "hello", ""},
		{"allowed tags", `<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del><code>c</code><pre>p</pre><tg-spoiler>x</tg-spoiler><blockquote>q</blockquote>`, "bsieunskdcpxq", ""},
		{"link", `<a href="https://x.example/?a=1&amp;b=2">x</a>`, "x", ""},
		{"entities", "&lt;&gt;&amp;&quot;&#65;&#x42;", `<>&"AB`, ""},
		{"nested", "<b><i>x</i></b>", "x", ""},
		{"unknown tag", "<div>x</div>", "", "unsupported start tag"},
		{"unclosed", "<b>x", "", "can't find end tag"},
		{"crossed", "<b><i>x</b></i>", "", "unmatched end tag"},
		{"bare ampersand", "a & b", "", "must be escaped"},
		{"bare gt", "a > b", "", "reserved"},
		{"unknown entity", "&nbsp;", "", "unsupported HTML entity"},
		{"link without href", "<a>x</a>", "", "href"},
		{"unquoted attribute", "<a href=x>x</a>", "", "quoted"},
		{"invalid UTF-8", "a\xff", "", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, err := ParseHTML(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				if !strings.HasPrefix(err.Error(), "can't parse entities") {
					t.Errorf("error %q does not read like Telegram's", err)
				}
				return
			}
			if err != nil || text != tt.text {
				t.Errorf("got %q, %v; want %q", text, err, tt.text)
			}
		})
	}
	if n := TextLen("a😀я"); n != 4 {
		t.Errorf("TextLen = %d, want 4 UTF-16 units", n)
	}
}
