package summary

import "math"

// TextRank's damping factor and stopping rule.
const (
	damping       = 0.85
	rankIters     = 50
	rankTolerance = 1e-6
)

// textRank returns the centrality of each sentence, scaled so that the most
// central one has 1: PageRank over the graph whose edges weigh the terms two
// sentences share, normalised by their lengths (Mihalcea and Tarau, 2004).
func textRank(cands []sentence) []float64 {
	n := len(cands)
	rank := make([]float64, n)
	if n == 0 {
		return rank
	}
	if n == 1 {
		rank[0] = 1
		return rank
	}
	w := make([]float64, n*n)
	out := make([]float64, n) // each node's total edge weight
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := cands[i].terms, cands[j].terms
			if len(a) < 2 || len(b) < 2 {
				continue
			}
			c := shared(a, b)
			if c == 0 {
				continue
			}
			sim := float64(c) / (math.Log(float64(len(a))) + math.Log(float64(len(b))))
			w[i*n+j], w[j*n+i] = sim, sim
			out[i] += sim
			out[j] += sim
		}
	}
	for i := range rank {
		rank[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for it := 0; it < rankIters; it++ {
		delta := 0.0
		for i := 0; i < n; i++ {
			sum := 0.0
			for j := 0; j < n; j++ {
				if wji := w[j*n+i]; wji > 0 {
					sum += wji / out[j] * rank[j]
				}
			}
			next[i] = (1-damping)/float64(n) + damping*sum
			delta += math.Abs(next[i] - rank[i])
		}
		rank, next = next, rank
		if delta < rankTolerance {
			break
		}
	}
	hi := 0.0
	for _, r := range rank {
		hi = max(hi, r)
	}
	for i := range rank {
		rank[i] /= hi
	}
	return rank
}
