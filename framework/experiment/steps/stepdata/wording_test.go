package stepdata

import "testing"

// "is not an 64×64 lattice": the article follows the number's sound.
func TestANum(t *testing.T) {
	for n, want := range map[int]string{
		8: "an", 11: "an", 18: "an", 80: "an", 86: "an", 800: "an", 8000: "an", 11000: "an", 18000: "an", 850000: "an",
		1: "a", 6: "a", 10: "a", 16: "a", 64: "a", 100: "a", 180: "a", 1000: "a", 1800: "a", 90: "a",
	} {
		if got := aNum(n); got != want {
			t.Errorf("aNum(%d) = %q, want %q", n, got, want)
		}
	}
}
