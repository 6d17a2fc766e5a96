package summary

import (
	"os"
	"strings"
	"testing"
)

// TestEvaluate runs the evaluation set and fails unless our summaries beat
// Lead-3 on ROUGE-1 and ROUGE-L in every language while fitting the budget.
// It is a quality test: it checks the summarizer's output, not its speed.
func TestEvaluate(t *testing.T) {
	var out strings.Builder
	rep, err := Evaluate(&out, os.DirFS("testdata/eval"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out.String())
	for _, lang := range []string{"en", "ro", "ru"} {
		found := false
		for _, l := range rep.Langs {
			if l.Lang == lang {
				found = true
				if l.Articles < 15 {
					t.Errorf("%s: %d articles in the evaluation set, want at least 15", lang, l.Articles)
				}
			}
		}
		if !found {
			t.Errorf("%s: not in the evaluation set", lang)
		}
	}
	if err := rep.Check(); err != nil {
		t.Error(err)
	}
}
