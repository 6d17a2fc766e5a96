// Package telegram connects newsbot's engine to Telegram through
// go-telegram-bot-api v5. It turns updates (messages, button presses, the
// bot's own membership changes) into core requests, renders core replies as
// Telegram HTML with inline keyboards, and is the delivery Sender, Editor
// and Deleter for Telegram, classifying the Bot API's errors into core's
// delivery classes.
//
// A card with a picture (an article read with /read, an alert) goes as a
// photo with the card as its caption when it fits Telegram's 1,024
// characters, else as text with the picture as a large link preview above
// it; lists never show pictures. Telegram fetches a picture once: the next
// chats get the file it kept. A picture it refuses falls back to the text
// card (the picture as its preview) once, and is not tried again for ten
// minutes. Corrections of a photo edit its picture and caption
// (editMessageMedia), or only the caption; retractions delete it.
//
// Updates come by long polling (the default) or by webhook when
// TELEGRAM_WEBHOOK_URL is set; see ConfigFromEnv for every variable. The
// bot never logs its token, and errors it returns have the token removed:
// the library's own debug logging, which prints it, stays off.
//
// The package telegramtest holds a fake Bot API server that the tests here
// run the real library against.
package telegram
