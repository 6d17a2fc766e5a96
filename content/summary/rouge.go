package summary

// Scores are ROUGE F1 scores (Lin, 2004), from 0 to 1.
type Scores struct {
	R1 float64 // ROUGE-1: shared words
	R2 float64 // ROUGE-2: shared word pairs
	RL float64 // ROUGE-L: longest common subsequence of words
}

// Rouge scores a candidate summary against a reference. Both are cut into
// words by Words (any script's letters and digits, normalised as search
// normalises them); there is no stemming and no stop list. ROUGE-L is
// computed over each whole text as one sequence.
func Rouge(candidate, reference string) Scores {
	c, r := Words(candidate), Words(reference)
	return Scores{
		R1: f1(ngramOverlap(c, r, 1), len(c), len(r)),
		R2: f1(ngramOverlap(c, r, 2), len(c)-1, len(r)-1),
		RL: f1(lcs(c, r), len(c), len(r)),
	}
}

// f1 is the harmonic mean of precision hits/nc and recall hits/nr.
func f1(hits, nc, nr int) float64 {
	if hits == 0 || nc <= 0 || nr <= 0 {
		return 0
	}
	p, r := float64(hits)/float64(nc), float64(hits)/float64(nr)
	return 2 * p * r / (p + r)
}

// ngramOverlap counts the n-grams of c that are in r, each as often as it
// occurs in both (clipped counts).
func ngramOverlap(c, r []string, n int) int {
	key := func(ws []string) string {
		if n == 1 {
			return ws[0]
		}
		k := ws[0]
		for _, w := range ws[1:] {
			k += "\x00" + w
		}
		return k
	}
	ref := make(map[string]int)
	for i := 0; i+n <= len(r); i++ {
		ref[key(r[i:i+n])]++
	}
	hits := 0
	for i := 0; i+n <= len(c); i++ {
		k := key(c[i : i+n])
		if ref[k] > 0 {
			ref[k]--
			hits++
		}
	}
	return hits
}

// lcs returns the length of the longest common subsequence of a and b.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
