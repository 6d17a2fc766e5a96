package telegram

import (
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// BenchmarkRender renders a 20-article list, the biggest everyday reply.
// Target: well under 1 ms, so rendering is never what a user waits for.
func BenchmarkRender(b *testing.B) {
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		b.Fatal(err)
	}
	r := core.Reply{Lang: "ru", Title: "Последние новости", ItemLabel: "читать", Footer: "Статьи 1–20"}
	for i := 0; i < 20; i++ {
		r.Items = append(r.Items, core.Item{ArticleID: "heat-ru", Title: "Тариф на тепловую энергию <снизится> на 4,8% & больше",
			Section: "Экономика", Time: "2 часа назад", Snippet: "…тариф на " + string(core.MarkStart) + "тепло" + string(core.MarkEnd) + " снизится…"})
	}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		render(cat, r)
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds()), "µs/reply")
	b.Logf("render of a 20-item list: %v per reply; target < 1ms (ratio %.3f)", per, float64(per)/float64(time.Millisecond))
}

// BenchmarkSplit splits 1 MB of escaped HTML into messages. Target: linear,
// under 50 ms per MB.
func BenchmarkSplit(b *testing.B) {
	s := strings.Repeat("<b>Știri</b> &amp; новости din Moldova. ", 25000) // ~1 MB
	b.SetBytes(int64(len(s)))
	start := time.Now()
	for b.Loop() {
		splitHTML(s, MaxMessageLen)
	}
	per := time.Since(start) / time.Duration(b.N)
	b.Logf("split of %d KB: %v; target < 50ms per MB (ratio %.2f)", len(s)/1024, per, float64(per)/float64(50*time.Millisecond)*float64(1<<20)/float64(len(s)))
}
