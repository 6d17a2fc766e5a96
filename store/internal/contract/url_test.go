package contract

import "testing"

func TestURLKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"https://News.Example.md/ro/story/1", "http://news.example.md/ro/story/1/"},
		{"https://news.example.md:443/ro/story/1#top", "https://news.example.md/ro/story/1"},
		{"http://news.example.md:80/ro/", "https://news.example.md/ro"},
		{"https://news.example.md/", "https://news.example.md"},
		{" https://news.example.md/a?id=1 ", "https://news.example.md/a/?id=1"},
	}
	for _, tt := range tests {
		if ka, kb := URLKey(tt.a), URLKey(tt.b); ka != kb {
			t.Errorf("URLKey(%q) = %q, URLKey(%q) = %q; want equal", tt.a, ka, tt.b, kb)
		}
	}
	different := []struct{ a, b string }{
		{"https://news.example.md/ro/story/1", "https://news.example.md/ru/story/1"},
		{"https://news.example.md/a?id=1", "https://news.example.md/a?id=2"},
		{"https://news.example.md:8080/a", "https://news.example.md/a"},
		{"https://news.example.md/A", "https://news.example.md/a"},
	}
	for _, tt := range different {
		if URLKey(tt.a) == URLKey(tt.b) {
			t.Errorf("URLKey(%q) = URLKey(%q) = %q; want different", tt.a, tt.b, URLKey(tt.a))
		}
	}
	if URLKey("  ") != "" {
		t.Errorf("URLKey of blanks = %q, want empty", URLKey("  "))
	}
}

// FuzzURLKey checks that URLKey is stable: a key is its own key, so a URL
// saved and a URL looked up meet whatever their spelling.
func FuzzURLKey(f *testing.F) {
	for _, s := range []string{"https://news.example.md/ro/story/1?utm=x#f", "HTTP://A.md:80/", "//x", "http://[::1]:443/a/", "%zz", "https://a.md/%2F/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := URLKey(s)
		if k2 := URLKey(k); k2 != k {
			t.Fatalf("URLKey(%q) = %q, but URLKey(%q) = %q", s, k, k, k2)
		}
	})
}
