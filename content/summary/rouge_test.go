package summary

import (
	"math"
	"testing"
)

func TestRouge(t *testing.T) {
	tests := []struct {
		name, cand, ref string
		want            Scores
	}{
		{"identical", "the cat sat", "The cat sat.", Scores{1, 1, 1}},
		{"disjoint", "a b", "c d", Scores{}},
		{"empty candidate", "", "c d", Scores{}},
		// 2 of 3 words shared each way: P=R=2/3; one bigram of two; LCS 2.
		{"partial", "the cat ran", "the cat sat", Scores{2.0 / 3, 0.5, 2.0 / 3}},
		// Cyrillic counts, ё is е and case folds.
		{"cyrillic", "Ёлка горит", "елка ГОРИТ ярко", Scores{0.8, 2.0 / 3, 0.8}},
		// ş with cedilla matches ș with comma below.
		{"romanian cedilla", "şase ţări", "șase țări", Scores{1, 1, 1}},
		// LCS respects order: "b a" against "a b" shares one in order.
		{"order", "b a", "a b", Scores{1, 0, 0.5}},
		// Clipped counts: "a a a" against "a" hits once.
		{"clipped", "a a a", "a", Scores{0.5, 0, 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rouge(tt.cand, tt.ref)
			if math.Abs(got.R1-tt.want.R1) > 1e-9 || math.Abs(got.R2-tt.want.R2) > 1e-9 || math.Abs(got.RL-tt.want.RL) > 1e-9 {
				t.Errorf("Rouge(%q, %q) = %+v, want %+v", tt.cand, tt.ref, got, tt.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	got := Words("Preşedintele «Ёлки» a spus: 3,5% — OK!")
	want := []string{"președintele", "елки", "a", "spus", "3", "5", "ok"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}
