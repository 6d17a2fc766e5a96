package discord

import (
	"time"

	"github.com/newsbot/newsbot/core"
)

// Platform is the platform name of Discord requests and chat references.
const Platform = "discord"

// Discord's limits on what the bot sends.
const (
	// MaxCustomID is the longest custom_id of a button, in characters.
	MaxCustomID = 100
	// Embed limits, in characters.
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxEmbedFooter      = 2048
	maxEmbedsTotal      = 6000 // all embeds of one message together
	maxButtonLabel      = 80
	maxRows             = 5
	maxRowButtons       = 5
)

// channelRate is Discord's limit on messages to one channel: 5 per 5
// seconds, whether a server channel or a DM.
var channelRate = core.Rate{Count: 5, Per: 5 * time.Second, Burst: 5}

// Traits describe Discord to core and delivery. Global is the REST limit
// of 50 requests per second (DISCORD_RATE_GLOBAL replaces it); each channel
// takes 5 messages per 5 seconds. Discord's channel IDs (snowflakes) do not
// tell a DM from a server channel, and both have the same limit, so every
// kind maps to it. Discord has no tappable article command: articles open
// with /read and its autocomplete.
var Traits = core.Platform{
	Name:   Platform,
	Global: core.Rate{Count: 50, Per: time.Second},
	ChatRates: map[core.ChatKind]core.Rate{
		core.ChatPrivate: channelRate,
		core.ChatGroup:   channelRate,
		core.ChatChannel: channelRate,
	},
	MaxButtonData:  MaxCustomID,
	ArticleCommand: "",
}
