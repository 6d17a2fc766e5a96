package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/content/summary"
	"github.com/newsbot/newsbot/delivery/deliverytest"
)

// runSummarize is `bot summarize -lang xx [-chars N] FILE|-`: the summary
// of a plain-text article (title, blank line, body), for checking by hand.
func runSummarize(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("summarize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "", "the article's language: ro, ru, en, …")
	chars := fs.Int("chars", summary.DefaultBudget, "the summary's length budget in characters")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *lang == "" || fs.NArg() != 1 || *chars < 40 {
		fmt.Fprintln(stderr, "usage: bot summarize -lang xx [-chars N ≥ 40] FILE|-")
		return 2
	}
	in := stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "newsbot: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	title, body, err := summary.ParsePlainText(in)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: %s: expected a plain-text article (title, blank line, body): %v\n", fs.Arg(0), err)
		return 1
	}
	s, err := summary.New(summary.WithBudget(*chars)).Summarize(ctx, content.Article{Lang: strings.ToLower(*lang), Title: title, Body: body})
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, s)
	return 0
}

// runEvalSummaries is `bot eval-summaries [-dir DIR]`: ROUGE of our
// summarizer and of Lead-3 on the evaluation set, per language. A set split
// into tuning and held-out halves gets one table per half, and a last line
// that says whether the held-out half meets summary.TargetMargin; a folder
// of languages alone gets one table.
func runEvalSummaries(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval-summaries", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "content/summary/testdata/eval", "the evaluation set: "+summary.TuneHalf+"/ and "+summary.HeldOutHalf+"/ halves, or one, of <lang>/NN.txt articles with NN.ref references")
	chars := fs.Int("chars", summary.DefaultBudget, "the summary's length budget in characters")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "newsbot: -dir %s: not a directory (run from the repository root, or name the evaluation set)\n", *dir)
		return 2
	}
	set := os.DirFS(*dir)
	if st, err := os.Stat(filepath.Join(*dir, summary.HeldOutHalf)); err != nil || !st.IsDir() {
		rep, err := summary.Evaluate(stdout, set, summary.WithBudget(*chars))
		if err != nil {
			fmt.Fprintf(stderr, "newsbot: %v\n", err)
			return 1
		}
		if err := rep.Check(); err != nil {
			fmt.Fprintf(stderr, "newsbot: target missed: %v\n", err)
			return 1
		}
		return 0
	}
	tune, heldOut, err := summary.EvaluateHalves(stdout, set, summary.WithBudget(*chars))
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: %v\n", err)
		return 1
	}
	code := 0
	for _, h := range []struct {
		name string
		rep  summary.Report
	}{{summary.TuneHalf, tune}, {summary.HeldOutHalf, heldOut}} {
		if err := h.rep.Check(); err != nil {
			fmt.Fprintf(stderr, "newsbot: target missed on %s: %v\n", h.name, err)
			code = 1
		}
	}
	if err := heldOut.CheckMargin(summary.TargetMargin); err != nil {
		fmt.Fprintf(stdout, "held-out margin over Lead-3 (R-1 and R-L, +%.2f): missed: %s\n", summary.TargetMargin, strings.ReplaceAll(err.Error(), "\n", "; "))
	} else {
		fmt.Fprintf(stdout, "held-out margin over Lead-3 (R-1 and R-L, +%.2f): met in every language\n", summary.TargetMargin)
	}
	return code
}

// runBenchFanout is `bot bench-fanout`: the real delivery engine on the
// real queue (Redis when REDIS_URL is set) against a sink that enforces a
// platform's limits. Its last line is the figure.
func runBenchFanout(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench-fanout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bc := deliverytest.BenchConfig{RedisURL: cfg.RedisURL, Platform: telegram.Traits}
	fs.IntVar(&bc.Chats, "chats", 10000, "chats subscribed to breaking news")
	fs.IntVar(&bc.Rate, "rate", 1000, "the platform's global limit, messages per second")
	fs.IntVar(&bc.Consumers, "consumers", 2, "consumers sharing the queue")
	fs.Float64Var(&bc.Crash, "crash", 0, "kill a consumer without acknowledgements after this share of the chats (e.g. 0.4)")
	name := fs.String("platform", telegram.Platform, "whose per-chat limits the sink enforces: telegram or discord")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch *name {
	case telegram.Platform:
		bc.Platform = telegram.Traits
	case discord.Platform:
		bc.Platform = discord.Traits
	default:
		bc.Chats = 0 // refused below
	}
	if bc.Chats < 1 || bc.Rate < 1 || bc.Consumers < 1 || bc.Crash < 0 || bc.Crash >= 1 {
		fmt.Fprintln(stderr, "usage: bot bench-fanout [-platform telegram|discord] [-chats N ≥ 1] [-rate N ≥ 1] [-consumers N ≥ 1] [-crash 0…1)")
		return 2
	}
	if err := deliverytest.BenchFanout(ctx, bc, stdout); err != nil {
		fmt.Fprintf(stderr, "newsbot: bench-fanout: %v\n", err)
		return 1
	}
	return 0
}
