package summary

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbot/newsbot/content"
)

// evalArticles reads every article of both halves of the evaluation set,
// in name order. Each ID names its half: "tune/en-01".
func evalArticles(t testing.TB) []content.Article {
	t.Helper()
	names, err := filepath.Glob("testdata/eval/*/*/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no evaluation articles: %v", err)
	}
	slices.Sort(names)
	fsys := os.DirFS("testdata/eval")
	var out []content.Article
	for _, n := range names {
		rel := filepath.ToSlash(strings.TrimPrefix(n, filepath.Join("testdata", "eval")+string(filepath.Separator)))
		half, _, _ := strings.Cut(rel, "/")
		a, err := readArticle(fsys, rel, filepath.Base(filepath.Dir(n)))
		if err != nil {
			t.Fatal(err)
		}
		a.ID = half + "/" + a.ID
		out = append(out, a)
	}
	return out
}

func TestSummariesGolden(t *testing.T) {
	s := New()
	var b strings.Builder
	for _, a := range evalArticles(t) {
		sum, err := s.Summarize(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s (%d chars)\n%s\n", a.ID, utf8.RuneCountInString(sum), sum)
	}
	golden(t, "summaries.golden", b.String())
}

// TestSummarizeProperties checks on every evaluation article and several
// budgets that a summary fits the budget and is made of sentences of the
// article, in order, each whole or cut by compress to a run of its words,
// without near-duplicates.
func TestSummarizeProperties(t *testing.T) {
	articles := evalArticles(t)
	for _, budget := range []int{120, 250, 400, 800} {
		t.Run(fmt.Sprintf("budget %d", budget), func(t *testing.T) {
			s := New(WithBudget(budget))
			for _, a := range articles {
				sum, err := s.Summarize(context.Background(), a)
				if err != nil {
					t.Fatal(err)
				}
				if n := utf8.RuneCountInString(sum); n > budget || n == 0 {
					t.Errorf("%s: %d characters, budget %d", a.ID, n, budget)
				}
				if strings.HasSuffix(sum, "…") {
					continue // no sentence fit: the best one was cut
				}
				var sents [][]string
				for _, p := range a.Body {
					for _, sent := range Split(a.Lang, p) {
						sents = append(sents, Words(sent))
					}
				}
				next := 0
				for _, got := range Split(a.Lang, sum) {
					w := Words(got)
					i := slices.IndexFunc(sents[next:], func(sent []string) bool { return containsRun(sent, w) })
					if i < 0 {
						t.Errorf("%s: %q is not a run of a sentence of the article after #%d", a.ID, got, next)
						break
					}
					next += i + 1
				}
			}
		})
	}
}

// containsRun reports whether run is a contiguous part of words.
func containsRun(words, run []string) bool {
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

func TestSummarize(t *testing.T) {
	long := strings.Repeat("Cuvânt lung de umplutură fără sfârșit ", 20)
	tests := []struct {
		name   string
		budget int
		a      content.Article
		want   string
	}{
		{
			name: "empty article",
			a:    content.Article{Lang: "en", Title: "Nothing"},
			want: "",
		},
		{
			name: "lead when there is no body",
			a:    content.Article{Lang: "en", Title: "T", Lead: "  The council met.\n It voted.  "},
			want: "The council met. It voted.",
		},
		{
			name:   "long lead trimmed at a sentence",
			budget: 40,
			a:      content.Article{Lang: "ro", Lead: "Consiliul s-a întrunit marți. A votat bugetul pe anul viitor cu 20 de voturi."},
			want:   "Consiliul s-a întrunit marți.",
		},
		{
			name:   "long lead sentence cut at a word",
			budget: 30,
			a:      content.Article{Lang: "ro", Lead: long},
			want:   "Cuvânt lung de umplutură fără…",
		},
		{
			name:   "no sentence fits: the best is cut",
			budget: 25,
			a:      content.Article{Lang: "ru", Title: "Мост", Body: []string{"Мост через Днестр закроют на ремонт до декабря этого года."}},
			want:   "Мост через Днестр…",
		},
		{
			name: "duplicate lead and first sentence kept once",
			a: content.Article{Lang: "en", Title: "Bridge closed",
				Lead: "The Prut bridge closes on Monday for repairs.",
				Body: []string{"The Prut bridge closes on Monday for repairs. Bridge traffic will use the Leușeni crossing, closed bridge or not, until 15 December."}},
			want: "The Prut bridge closes on Monday for repairs. Bridge traffic will use the Leușeni crossing, closed bridge or not, until 15 December.",
		},
		{
			name: "unknown language",
			a:    content.Article{Lang: "de", Title: "Brücke", Body: []string{"Die Brücke wird am Montag gesperrt. Autos fahren über Leușeni."}},
			want: "Die Brücke wird am Montag gesperrt. Autos fahren über Leușeni.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(WithBudget(tt.budget)).Summarize(context.Background(), tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSummarizeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New().Summarize(ctx, content.Article{Lang: "en", Body: []string{"Text."}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestSummarizeConcurrent(t *testing.T) {
	s := New()
	rng := rand.New(rand.NewPCG(3, 4))
	articles := []content.Article{syntheticArticle(rng, "ro", 300), syntheticArticle(rng, "ru", 300), syntheticArticle(rng, "en", 300)}
	want := make([]string, len(articles))
	for i, a := range articles {
		want[i], _ = s.Summarize(context.Background(), a)
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			for i, a := range articles {
				got, err := s.Summarize(context.Background(), a)
				if err == nil && got != want[i] {
					err = fmt.Errorf("%s: got %q, want %q", a.Lang, got, want[i])
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ŞTIRI Ţară", "știri țară"},
		{"Ёлка ЁЖ", "елка еж"},
		{"Mixed ș ț", "mixed ș ț"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func ExampleSummarizer_Summarize() {
	s := New(WithBudget(120))
	sum, err := s.Summarize(context.Background(), content.Article{
		Lang:  "en",
		Title: "Bălți raises trolleybus fares",
		Body: []string{
			"The Bălți council raised the trolleybus fare from 3 to 5 lei. The new price applies from March 1.",
			"Residents near the market were divided. Some praised the service.",
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sum)
	// Output: The Bălți council raised the trolleybus fare from 3 to 5 lei. The new price applies from March 1.
}

func ExampleSplit() {
	for _, s := range Split("ru", "В. Путин прибыл в г. Бельцы. Цены выросли на 3,5%. «Едем!» — сказал он.") {
		fmt.Println(s)
	}
	// Output:
	// В. Путин прибыл в г. Бельцы.
	// Цены выросли на 3,5%.
	// «Едем!» — сказал он.
}
