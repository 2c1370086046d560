package tickets

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRankBetweenKnownKeys(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"", "", "a0"},
		{"", "a0", "Zz"},
		{"a0", "", "a1"},
		{"a0", "a1", "a0V"},
		{"a1", "a2", "a1V"},
		{"a0V", "a1", "a0l"},
		{"Zz", "a0", "ZzV"},
		{"Zz", "a1", "a0"},
		{"", "Y00", "Xzzz"},
		{"bzz", "", "c000"},
		{"a0", "a0V", "a0G"},
		{"a0", "a0G", "a08"},
		{"b125", "b129", "b127"},
		{"a4", "a8", "a5"}, // the next integer lies between
		{"a0", "b00", "a1"},
	}
	for _, c := range cases {
		got, err := RankBetween(c.a, c.b)
		if err != nil || got != c.want {
			t.Errorf("RankBetween(%q, %q) = %q, %v; want %q", c.a, c.b, got, err, c.want)
		}
	}
}

func TestRankBetweenRefusesBadInput(t *testing.T) {
	for _, c := range [][2]string{{"a1", "a0"}, {"a0", "a0"}, {"a00", ""}, {"", "A00000000000000000000000000"}, {"a!", ""}, {"0", ""}} {
		if got, err := RankBetween(c[0], c[1]); err == nil {
			t.Errorf("RankBetween(%q, %q) = %q, want an error", c[0], c[1], got)
		}
	}
}

// Inserting at random places many times keeps every key strictly between its neighbours, so the order
// the user made is the order the keys sort in.
func TestRankRandomInsertionsKeepOrder(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, seed))
		keys := []string{}
		for range 2000 {
			i := r.IntN(len(keys) + 1)
			lo, hi := "", ""
			if i > 0 {
				lo = keys[i-1]
			}
			if i < len(keys) {
				hi = keys[i]
			}
			k, err := RankBetween(lo, hi)
			if err != nil {
				t.Fatalf("seed %d: RankBetween(%q, %q): %v", seed, lo, hi, err)
			}
			if (lo != "" && k <= lo) || (hi != "" && k >= hi) {
				t.Fatalf("seed %d: %q is not between %q and %q", seed, k, lo, hi)
			}
			keys = slices.Insert(keys, i, k)
		}
		if !slices.IsSorted(keys) {
			t.Fatalf("seed %d: keys are not sorted", seed)
		}
	}
}

func TestRanksAfterIncreases(t *testing.T) {
	ks, err := RanksAfter("", 5000)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(ks) || len(slices.Compact(slices.Clone(ks))) != len(ks) {
		t.Fatal("RanksAfter must return strictly increasing keys")
	}
}

func FuzzRankBetween(f *testing.F) {
	f.Add("a0", "a1")
	f.Add("", "a0")
	f.Add("Zz", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		k, err := RankBetween(a, b)
		if err != nil {
			return
		}
		if (a != "" && k <= a) || (b != "" && k >= b) {
			t.Fatalf("%q is not between %q and %q", k, a, b)
		}
		if validateRank(k) != nil {
			t.Fatalf("%q is not a valid key", k)
		}
	})
}
