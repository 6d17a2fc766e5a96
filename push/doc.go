// Package push is newsbot's push side: everything the bot says without
// being asked. Moderators' breaking news (previewed, confirmed, then
// delivered in each chat's language), corrections and retractions of what
// went out, section alerts for new articles (one per story, after a grace
// period that waits for the story's other editions), and the daily digests
// and quiet hours that hold routine alerts for chats that want them later.
//
// A Desk composes broadcasts and hands them to a core.Broadcaster (package
// delivery); it adds its commands (/breaking, /correct, /retract,
// /broadcasts, /digest, /quiet) and its buttons to the request engine as a
// core.Extension. It shares the engine's core.Renderer, so that an alert
// reads like a /read card, and its core.Chats, which decides each chat's
// language and whether an alert waits. Alerts implements content/feed's
// Listener; RunDigests starts due digests and due alerts in any process.
package push
