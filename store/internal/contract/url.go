package contract

import (
	"net/url"
	"strings"
)

// URLKey is the form in which stores compare article URLs (see
// core.ArticleStore.ArticleByURL): scheme and host lowercase, https for
// http, the default port, fragment and trailing slash of the path dropped.
// The query is kept as is. It returns "" for an empty URL; a URL that does
// not parse is compared as given, trimmed.
func URLKey(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "http" {
		scheme = "https"
	}
	host := strings.ToLower(u.Host)
	if h, port, ok := strings.Cut(host, ":"); ok && !strings.Contains(port, ":") && (port == "80" || port == "443" || port == "") {
		host = h
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	key := scheme + "://" + host + path
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	return key
}
