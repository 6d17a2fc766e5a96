// Package discord connects the newsroom bot to Discord with discordgo:
// slash commands and buttons come in over the gateway as interactions and
// are answered through the engine; alerts, breaking news, corrections and
// retractions go out as channel messages through the Bot's Send, Edit and
// Delete (it is delivery's sender for Discord).
//
// Replies are embeds; every message the bot creates or edits allows no
// mentions, so article or breaking text can never ping anyone. Traits
// describe Discord's limits to core and delivery.
//
// Every REST call and the gateway lookup go to Config.APIEndpoint, through
// the session's HTTP client (discordgo builds its endpoint URLs at package
// init, so the client's transport rewrites their scheme and host). Tests
// point it at the fakes of package discordtest.
package discord
