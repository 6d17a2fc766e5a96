package memory_test

import (
	"context"
	"testing"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/memory"
	"github.com/newsbot/newsbot/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(*testing.T) core.Store { return memory.New() })
}

func TestHitRatio(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	if r := s.HitRatio(); r != 0 {
		t.Fatalf("HitRatio before any lookup = %v", r)
	}
	if err := s.Set(ctx, "k", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"k", "k", "k", "absent"} {
		if _, _, err := s.Get(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.CacheStats(); got != (memory.CacheStats{Hits: 3, Misses: 1}) {
		t.Fatalf("CacheStats = %+v", got)
	}
	if r := s.HitRatio(); r != 0.75 {
		t.Fatalf("HitRatio = %v, want 0.75", r)
	}
}
