package summary

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/content"
)

// syntheticVocab holds words of each language for synthetic articles.
var syntheticVocab = map[string][]string{
	"en": strings.Fields("the council approved new budget for city hospital roads schools mayor said minister government " +
		"parliament vote police reported fire district villagers water prices rose percent farmers harvest wine export " +
		"company plant workers jobs bridge repair railway station election campaign candidates court ruling judge"),
	"ro": strings.Fields("consiliul a aprobat noul buget pentru spitalul orașului drumuri școli primarul a declarat ministrul guvernul " +
		"parlamentul votul poliția a raportat incendiu raionul sătenii apă prețurile au crescut procente fermierii recolta vin export " +
		"compania fabrica muncitorii locuri podul reparația calea ferată gara alegeri campania candidații instanța decizia judecătorul"),
	"ru": strings.Fields("совет утвердил новый бюджет для городской больницы дороги школы мэр заявил министр правительство " +
		"парламент голосование полиция сообщила пожар район жители вода цены выросли процентов фермеры урожай вино экспорт " +
		"компания завод рабочие места мост ремонт железная дорога вокзал выборы кампания кандидаты суд решение судья"),
}

// syntheticArticle returns an article of about words words in lang, in
// sentences of 12 to 25 words and paragraphs of three sentences.
func syntheticArticle(rng *rand.Rand, lang string, words int) content.Article {
	return syntheticFrom(rng, lang, syntheticVocab[lang], words)
}

// syntheticFrom is syntheticArticle over the given vocabulary.
func syntheticFrom(rng *rand.Rand, lang string, vocab []string, words int) content.Article {
	pick := func() string { return vocab[rng.IntN(len(vocab))] }
	var body []string
	var para []string
	for n := 0; n < words; {
		k := 12 + rng.IntN(14)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = pick()
		}
		r, size := utf8.DecodeRuneInString(ws[0])
		ws[0] = string(unicode.ToUpper(r)) + ws[0][size:]
		if rng.IntN(4) == 0 {
			ws[k/2] = fmt.Sprintf("%d,%d%%", rng.IntN(20), rng.IntN(10))
		}
		para = append(para, strings.Join(ws, " ")+".")
		n += k
		if len(para) == 3 {
			body = append(body, strings.Join(para, " "))
			para = nil
		}
	}
	if len(para) > 0 {
		body = append(body, strings.Join(para, " "))
	}
	return content.Article{ID: "bench", Lang: lang, Title: pick() + " " + pick() + " " + pick(), Body: body}
}

// evalVocab returns the words of the evaluation set's articles in lang, so
// that synthetic articles have a newsroom's vocabulary, not a toy one.
func evalVocab(tb testing.TB, lang string) []string {
	var vocab []string
	for _, a := range evalArticles(tb) {
		if a.Lang == lang {
			vocab = append(vocab, Words(a.Text())...)
		}
	}
	return vocab
}

// BenchmarkSummarize measures throughput on synthetic 300-word articles
// drawn from the evaluation set's vocabulary; the target is 1,000 articles
// per second on one core (run with -cpu 1).
func BenchmarkSummarize(b *testing.B) {
	const target = 1000.0
	for _, lang := range []string{"en", "ro", "ru"} {
		b.Run(lang, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			vocab := evalVocab(b, lang)
			articles := make([]content.Article, 256)
			for i := range articles {
				articles[i] = syntheticFrom(rng, lang, vocab, 300)
			}
			s := New()
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Summarize(ctx, articles[i%len(articles)]); err != nil {
					b.Fatal(err)
				}
			}
			perSec := float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(perSec, "articles/s")
			b.Logf("%s: %.0f articles/s on one goroutine; target %.0f; ratio %.1fx", lang, perSec, target, perSec/target)
		})
	}
}
