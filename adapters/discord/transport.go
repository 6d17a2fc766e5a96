package discord

import (
	"net/http"
	"net/url"
	"strings"
)

// rewrite is an HTTP transport that sends the requests discordgo makes to
// Discord's base URL to another base (scheme, host and path prefix). Other
// requests go out unchanged.
type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

func (t rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "discord.com" || (t.base.Scheme == "https" && t.base.Host == "discord.com" && t.base.Path == "") {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.Host = t.base.Host
	if t.base.Path != "" {
		r.URL.Path = t.base.Path + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = t.base.Path + r.URL.RawPath
		}
	}
	return t.next.RoundTrip(r)
}

// redact removes the token from s.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "<token>")
}
