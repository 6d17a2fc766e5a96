package summary

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/newsbot/newsbot/content"
)

// LangReport is the evaluation of one language.
type LangReport struct {
	Lang     string
	Articles int
	// Ours and Lead3 are the mean ROUGE F1 scores of our summaries and of
	// the Lead-3 baseline (the first three sentences of the body).
	Ours, Lead3 Scores
	// OursChars and Lead3Chars are the mean lengths in characters.
	OursChars, Lead3Chars float64
	// OursOver and Lead3Over count summaries longer than the budget.
	OursOver, Lead3Over int
}

// Report is the result of Evaluate, one entry per language in name order.
type Report struct {
	Budget int
	Langs  []LangReport
}

// Check returns nil when, in every language, our summaries score at least as
// well as Lead-3 on ROUGE-1 and ROUGE-L and none exceeds the budget; else an
// error naming each shortfall. A report with no language fails.
func (r Report) Check() error { return r.CheckMargin(0) }

// CheckMargin is Check with a margin: our ROUGE-1 and ROUGE-L must each be
// at least margin above Lead-3's.
func (r Report) CheckMargin(margin float64) error {
	if len(r.Langs) == 0 {
		return errors.New("summary: no language evaluated")
	}
	var errs []error
	for _, l := range r.Langs {
		if l.Ours.R1 < l.Lead3.R1+margin {
			errs = append(errs, fmt.Errorf("%s: ROUGE-1 %.4f below Lead-3 %.4f + %.2f", l.Lang, l.Ours.R1, l.Lead3.R1, margin))
		}
		if l.Ours.RL < l.Lead3.RL+margin {
			errs = append(errs, fmt.Errorf("%s: ROUGE-L %.4f below Lead-3 %.4f + %.2f", l.Lang, l.Ours.RL, l.Lead3.RL, margin))
		}
		if l.OursOver > 0 {
			errs = append(errs, fmt.Errorf("%s: %d summaries over the %d-character budget", l.Lang, l.OursOver, r.Budget))
		}
	}
	return errors.Join(errs...)
}

// The two halves of the evaluation set, folders of the set's root. The
// summarizer's weights and rules are chosen by looking at TuneHalf only;
// HeldOutHalf holds articles written apart from that work, and its scores
// are the ones to report.
const (
	TuneHalf    = "tune"
	HeldOutHalf = "heldout"
)

// TargetMargin is how far above Lead-3 our ROUGE-1 and ROUGE-L F1 should be
// on the held-out half, in every language.
const TargetMargin = 0.02

// EvaluateHalves runs Evaluate on the TuneHalf and HeldOutHalf folders of
// dir, writing each table under a line that names its half, and returns
// both reports. A missing half is an error.
func EvaluateHalves(w io.Writer, dir fs.FS, opts ...Option) (tune, heldOut Report, err error) {
	for _, h := range []struct {
		name, label string
		rep         *Report
	}{
		{TuneHalf, "tuning half", &tune},
		{HeldOutHalf, "held-out half", &heldOut},
	} {
		sub, err := fs.Sub(dir, h.name)
		if err != nil {
			return tune, heldOut, err
		}
		if _, err := fmt.Fprintf(w, "== %s (%s)\n", h.label, h.name); err != nil {
			return tune, heldOut, err
		}
		if *h.rep, err = Evaluate(w, sub, opts...); err != nil {
			return tune, heldOut, fmt.Errorf("summary: %s: %w", h.name, err)
		}
	}
	return tune, heldOut, nil
}

// Evaluate summarises every article of dir with a Summarizer built from opts
// and with Lead-3, scores both against the reference summaries with Rouge,
// writes a table of the mean F1 scores per language to w and returns them.
//
// dir holds one directory per language code; in it, NAME.txt is an article
// in the format ParsePlainText reads and NAME.ref its reference summary,
// written the way an editor writes a chat alert. An article without a
// reference, an unreadable file or a write error is an error.
func Evaluate(w io.Writer, dir fs.FS, opts ...Option) (Report, error) {
	s := New(opts...)
	rep := Report{Budget: s.Budget()}
	langs, err := fs.ReadDir(dir, ".")
	if err != nil {
		return rep, err
	}
	for _, l := range langs {
		if !l.IsDir() {
			continue
		}
		lr, err := evaluateLang(s, dir, l.Name())
		if err != nil {
			return rep, err
		}
		if lr.Articles > 0 {
			rep.Langs = append(rep.Langs, lr)
		}
	}
	return rep, rep.write(w)
}

// evaluateLang evaluates the articles of one language directory.
func evaluateLang(s *Summarizer, dir fs.FS, lang string) (LangReport, error) {
	lr := LangReport{Lang: lang}
	names, err := fs.Glob(dir, path.Join(lang, "*.txt"))
	if err != nil {
		return lr, err
	}
	slices.Sort(names)
	var ours, lead []Scores
	for _, name := range names {
		a, err := readArticle(dir, name, lang)
		if err != nil {
			return lr, err
		}
		ref, err := fs.ReadFile(dir, strings.TrimSuffix(name, ".txt")+".ref")
		if err != nil {
			return lr, fmt.Errorf("summary: reference of %s: %w", name, err)
		}
		sum, err := s.Summarize(context.Background(), a)
		if err != nil {
			return lr, err
		}
		l3 := Lead3(lang, a.Body)
		ours = append(ours, Rouge(sum, string(ref)))
		lead = append(lead, Rouge(l3, string(ref)))
		n, m := utf8.RuneCountInString(sum), utf8.RuneCountInString(l3)
		lr.OursChars += float64(n)
		lr.Lead3Chars += float64(m)
		if n > s.Budget() {
			lr.OursOver++
		}
		if m > s.Budget() {
			lr.Lead3Over++
		}
	}
	lr.Articles = len(names)
	if lr.Articles > 0 {
		lr.Ours, lr.Lead3 = mean(ours), mean(lead)
		lr.OursChars /= float64(lr.Articles)
		lr.Lead3Chars /= float64(lr.Articles)
	}
	return lr, nil
}

// readArticle reads one plain-text article of the evaluation set.
func readArticle(dir fs.FS, name, lang string) (content.Article, error) {
	f, err := dir.Open(name)
	if err != nil {
		return content.Article{}, err
	}
	defer f.Close()
	title, body, err := ParsePlainText(f)
	if err != nil {
		return content.Article{}, fmt.Errorf("summary: %s: %w", name, err)
	}
	id := strings.TrimSuffix(path.Base(name), ".txt")
	return content.Article{ID: lang + "-" + id, Lang: lang, Title: title, Body: body}, nil
}

// Lead3 returns the first three sentences of body: the baseline that news
// summarizers are measured against. It ignores any length budget.
func Lead3(lang string, body []string) string {
	var sents []string
	for _, p := range body {
		sents = append(sents, Split(lang, p)...)
		if len(sents) >= 3 {
			break
		}
	}
	return strings.Join(sents[:min(3, len(sents))], " ")
}

// mean returns the mean of each score.
func mean(ss []Scores) Scores {
	var m Scores
	for _, s := range ss {
		m.R1 += s.R1
		m.R2 += s.R2
		m.RL += s.RL
	}
	n := float64(len(ss))
	return Scores{R1: m.R1 / n, R2: m.R2 / n, RL: m.RL / n}
}

// write prints the report as a table.
func (r Report) write(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "ROUGE F1: ours (budget %d chars) vs Lead-3 (no budget); chars = mean length, over = summaries over budget\n", r.Budget); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "lang\tarticles\tR-1 ours\tR-1 lead3\tR-2 ours\tR-2 lead3\tR-L ours\tR-L lead3\tchars ours\tchars lead3\tover ours\tover lead3\t")
	for _, l := range r.Langs {
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.0f\t%.0f\t%d\t%d\t\n",
			l.Lang, l.Articles, l.Ours.R1, l.Lead3.R1, l.Ours.R2, l.Lead3.R2, l.Ours.RL, l.Lead3.RL,
			l.OursChars, l.Lead3Chars, l.OursOver, l.Lead3Over)
	}
	return tw.Flush()
}
