package content

import (
	"embed"
	"slices"
	"sync"
)

// sampleFiles are the bundled sample articles: one JSON file per story
// under sample/, in the format LoadDir reads.
//
//go:embed sample
var sampleFiles embed.FS

// loadSample parses the bundled sample once.
var loadSample = sync.OnceValues(func() ([]Article, error) { return LoadDir(sampleFiles) })

// Sample returns the bundled sample content: invented news of a Moldovan
// newsroom in Romanian, Russian and English, over the sections of
// DefaultSections except Breaking, published in late November 2026. Many
// stories exist in all three languages (editions share a Group), some in two
// and some in one. The articles come newest first, as LoadDir returns them.
//
// Each call returns a fresh copy that the caller may change. Sample is safe
// for concurrent use. It panics only if the embedded data is broken, which
// the package's tests rule out.
func Sample() []Article {
	articles, err := loadSample()
	if err != nil {
		panic("content: bundled sample is broken: " + err.Error())
	}
	out := make([]Article, len(articles))
	for i, a := range articles {
		a.Body = slices.Clone(a.Body)
		a.Tags = slices.Clone(a.Tags)
		out[i] = a
	}
	return out
}
