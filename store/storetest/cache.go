package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
)

func testCache(t *testing.T, newStore func(t *testing.T) core.Store) {
	runAll(t, newStore, []subtest{
		{"MissAndHit", cacheMissAndHit},
		{"Overwrite", cacheOverwrite},
		{"TTL", cacheTTL},
	})
}

// get reads key and fails t on error.
func get(t *testing.T, s core.Store, key string) ([]byte, bool) {
	t.Helper()
	v, ok, err := s.Get(context.Background(), key)
	must(t, err)
	return v, ok
}

func cacheMissAndHit(t *testing.T, s core.Store) {
	ctx := context.Background()
	if v, ok := get(t, s, "summary:a1:ro:1"); ok {
		t.Fatalf("Get of an absent key = %q, true", v)
	}
	value := []byte("Rezumat: guvernul a adoptat bugetul. Итог.")
	must(t, s.Set(ctx, "summary:a1:ro:1", value, time.Hour))
	value[0] = 'X' // the cache keeps its own copy
	v, ok := get(t, s, "summary:a1:ro:1")
	if !ok || string(v) != "Rezumat: guvernul a adoptat bugetul. Итог." {
		t.Fatalf("Get = %q, %v", v, ok)
	}
	v[0] = 'Y'
	if again, _ := get(t, s, "summary:a1:ro:1"); again[0] != 'R' {
		t.Fatal("changing a returned value changed the cached one")
	}
	must(t, s.Set(ctx, "empty", []byte{}, 0))
	if v, ok := get(t, s, "empty"); !ok || len(v) != 0 {
		t.Fatalf("Get of an empty value = %q, %v; want a hit", v, ok)
	}
	binary := []byte{0, 1, 2, 255, '\n'}
	must(t, s.Set(ctx, "binary", binary, 0))
	if v, ok := get(t, s, "binary"); !ok || !bytes.Equal(v, binary) {
		t.Fatalf("Get of a binary value = %v, %v", v, ok)
	}
}

func cacheOverwrite(t *testing.T, s core.Store) {
	ctx := context.Background()
	must(t, s.Set(ctx, "card", []byte("v1"), time.Hour))
	must(t, s.Set(ctx, "card", []byte("v2"), 0))
	if v, ok := get(t, s, "card"); !ok || string(v) != "v2" {
		t.Fatalf("Get after overwrite = %q, %v", v, ok)
	}
}

func cacheTTL(t *testing.T, s core.Store) {
	ctx := context.Background()
	const ttl = 150 * time.Millisecond
	must(t, s.Set(ctx, "short", []byte("soon gone"), ttl))
	must(t, s.Set(ctx, "forever", []byte("kept"), 0))
	must(t, s.Set(ctx, "negative", []byte("kept too"), -time.Second))
	must(t, s.Set(ctx, "long", []byte("kept a while"), time.Hour))
	if _, ok := get(t, s, "short"); !ok {
		t.Fatal("a value was gone before its TTL")
	}
	time.Sleep(ttl + 100*time.Millisecond)
	if v, ok := get(t, s, "short"); ok {
		t.Fatalf("Get after the TTL = %q, true", v)
	}
	for _, key := range []string{"forever", "negative", "long"} {
		if _, ok := get(t, s, key); !ok {
			t.Fatalf("%s expired", key)
		}
	}
	// Setting an expired key again brings it back.
	must(t, s.Set(ctx, "short", []byte("back"), time.Hour))
	if v, ok := get(t, s, "short"); !ok || string(v) != "back" {
		t.Fatalf("Get after setting again = %q, %v", v, ok)
	}
}
