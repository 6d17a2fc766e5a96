package discord

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DefaultAPIEndpoint is Discord's base URL.
const DefaultAPIEndpoint = "https://discord.com/"

// Config configures a Bot. cmd/bot fills it from the DISCORD_* variables.
type Config struct {
	// Token is the bot token, without the "Bot " prefix.
	Token string
	// APIEndpoint replaces Discord's base URL (scheme, host and an
	// optional path prefix) for every REST call and the gateway lookup:
	// a shared REST proxy, or a test fake. Default DefaultAPIEndpoint.
	APIEndpoint string
	// Moderators are the user IDs of the newsroom's moderators.
	Moderators []string
	// GuildID registers the commands to that one server (instant, for
	// development) instead of globally; interactions from other servers
	// are refused.
	GuildID string
	// ShardID and ShardCount split the gateway across processes; a
	// ShardCount of 0 or 1 is no sharding.
	ShardID, ShardCount int
	// Workers bounds the interactions handled at once. Default 16.
	Workers int
	// DeferAfter is how long an interaction waits for the engine's answer
	// before it is deferred (Discord allows 3 seconds for the first
	// response); negative defers at once. Default 2s.
	DeferAfter time.Duration
}

func (c Config) withDefaults() Config {
	if c.APIEndpoint == "" {
		c.APIEndpoint = DefaultAPIEndpoint
	}
	if c.Workers <= 0 {
		c.Workers = 16
	}
	if c.DeferAfter == 0 {
		c.DeferAfter = 2 * time.Second
	}
	return c
}

// ParseEndpoint checks an API endpoint: an http or https URL with a host
// and no query.
func ParseEndpoint(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q is not an http(s) base URL like %s", s, DefaultAPIEndpoint)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}
