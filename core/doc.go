// Package core is newsbot's shared vocabulary and its request engine. It is
// platform-neutral: it knows no chat library, no Redis client and no
// adapter, and imports only content and locales of newsbot.
//
// The vocabulary is what every other part speaks: Request and Reply, the
// store contracts (Store, DigestStore, AlertStore), broadcasts and the
// Broadcaster that delivers them, the Sender an adapter gives delivery,
// one Error type with a few codes, the Platform value by which each adapter
// describes its limits and manners, and the parsers of outside input
// (ParseCommand, ParseTexts, ParseClock, FindZone), each fuzzed.
//
// Engine answers chat commands: adapters turn platform updates into a
// Request and render the Reply that Engine.Handle returns. Other parts add
// commands and buttons as an Extension (the push side's breaking news and
// digests). Two values are shared with them, so that each fact has one
// owner: Renderer writes cards, lists, times and broadcast reports in a
// reader's language, and Chats decides about a chat (its alert language,
// whether an alert waits for its digest or quiet hours, what happens when
// it is gone or moved). Stores, searchers and summarizers plug in through
// the small interfaces declared here, next to the code that calls them.
package core
