// Package core is newsbot's engine: platform-neutral, it knows no chat
// library, no Redis client and no adapter. Adapters turn platform updates
// into a Request and render the Reply that Engine.Handle returns; stores,
// searchers and summarizers plug in through the small interfaces declared
// here (Store, Searcher, Summarizer, …), next to the code that calls them.
package core
