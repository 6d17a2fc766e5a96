package telegram

import (
	"strings"
	"time"

	"github.com/newsbot/newsbot/core"
)

// MaxCallbackData is Telegram's limit on a button's callback_data, in
// bytes.
const MaxCallbackData = 64

// Traits describe Telegram to core and delivery. Global is the Bot API's
// broadcast limit of about 30 messages per second (TELEGRAM_RATE_GLOBAL
// replaces it); a private chat takes one message per second and a group or
// channel 20 per minute. Telegram writes the IDs of groups, supergroups
// and channels as negative numbers.
var Traits = core.Platform{
	Name:   Platform,
	Global: core.Rate{Count: 30, Per: time.Second},
	ChatRates: map[core.ChatKind]core.Rate{
		core.ChatPrivate: {Count: 1, Per: time.Second},
		core.ChatGroup:   {Count: 20, Per: time.Minute, Burst: 3},
		core.ChatChannel: {Count: 20, Per: time.Minute, Burst: 3},
	},
	KindOf:         kindOf,
	MaxButtonData:  MaxCallbackData,
	ArticleCommand: "/read_%s",
}

// kindOf tells a Telegram chat's kind from its ID: negative IDs are groups
// (and channels, which share their limit); positive ones are users.
func kindOf(chatID string) core.ChatKind {
	if strings.HasPrefix(chatID, "-") {
		return core.ChatGroup
	}
	return core.ChatPrivate
}
