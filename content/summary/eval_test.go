package summary

import (
	"os"
	"strings"
	"testing"
)

// TestEvaluate runs both halves of the evaluation set and fails unless our
// summaries beat Lead-3 on ROUGE-1 and ROUGE-L in every language of each
// half while fitting the budget. It is a quality test: it checks the
// summarizer's output, not its speed.
func TestEvaluate(t *testing.T) {
	var out strings.Builder
	tune, heldOut, err := EvaluateHalves(&out, os.DirFS("testdata/eval"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out.String())
	total := map[string]int{}
	for _, half := range []struct {
		name string
		rep  Report
	}{{TuneHalf, tune}, {HeldOutHalf, heldOut}} {
		for _, lang := range []string{"en", "ro", "ru"} {
			n := 0
			for _, l := range half.rep.Langs {
				if l.Lang == lang {
					n = l.Articles
				}
			}
			if n < 10 {
				t.Errorf("%s/%s: %d articles, want at least 10", half.name, lang, n)
			}
			total[lang] += n
		}
		if err := half.rep.Check(); err != nil {
			t.Errorf("%s: %v", half.name, err)
		}
	}
	for lang, n := range total {
		if n < 20 {
			t.Errorf("%s: %d articles in the evaluation set, want at least 20", lang, n)
		}
	}
}

func TestCheckMargin(t *testing.T) {
	rep := Report{Budget: 400, Langs: []LangReport{
		{Lang: "en", Ours: Scores{R1: 0.45, RL: 0.40}, Lead3: Scores{R1: 0.42, RL: 0.39}},
	}}
	for _, tc := range []struct {
		margin float64
		fails  []string
	}{
		{0, nil},
		{0.01, nil},
		{0.02, []string{"ROUGE-L"}},
		{0.05, []string{"ROUGE-1", "ROUGE-L"}},
	} {
		err := rep.CheckMargin(tc.margin)
		if (err == nil) != (len(tc.fails) == 0) {
			t.Errorf("margin %.2f: error %v, want failures %v", tc.margin, err, tc.fails)
			continue
		}
		for _, f := range tc.fails {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("margin %.2f: %v does not name %s", tc.margin, err, f)
			}
		}
	}
	if err := (Report{}).Check(); err == nil {
		t.Error("an empty report passes")
	}
}
