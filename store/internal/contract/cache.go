package contract

// CacheStats counts a store's cache lookups since the store was made (or
// opened): plain counters of that store value, not shared between
// processes. Failed lookups count as neither.
type CacheStats struct {
	Hits   uint64
	Misses uint64
}

// HitRatio returns Hits / (Hits + Misses), or 0 before the first lookup.
func (c CacheStats) HitRatio() float64 {
	if c.Hits+c.Misses == 0 {
		return 0
	}
	return float64(c.Hits) / float64(c.Hits+c.Misses)
}
