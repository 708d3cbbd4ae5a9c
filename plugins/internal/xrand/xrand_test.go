package xrand

import (
	"math"
	"slices"
	"testing"
)

// TestXoshiroReference: the first outputs of xoshiro256** from state
// {1, 2, 3, 4}, the test vector of github.com/morinim/xoshiro256ss (from
// Vigna's reference C code).
func TestXoshiroReference(t *testing.T) {
	r := &RNG{s: [4]uint64{1, 2, 3, 4}}
	want := []uint64{11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
		607988272756665600, 16172922978634559625, 8476171486693032832,
		10595114339597558777, 2904607092377533576}
	for i, w := range want {
		if got := r.Uint64(); got != w {
			t.Fatalf("output %d: %d, want %d", i, got, w)
		}
	}
}

// TestSplitMix64: the first SplitMix64 output from seed 0 is
// 0xe220a8397b1dcdaf (Steele, Lea and Flood's reference), and Seed uses
// consecutive outputs.
func TestSplitMix64(t *testing.T) {
	if got := SplitMix64(0); got != 0xe220a8397b1dcdaf {
		t.Errorf("SplitMix64(0) = %#x", got)
	}
	st := New(0).State()
	for k, w := range st {
		if want := SplitMix64(uint64(k) * golden); w != want {
			t.Errorf("New(0) word %d = %#x, want %#x", k, w, want)
		}
	}
}

// TestDerive: Derive is the SplitMix64 chain, distinct over a grid of
// indices, and the streams it seeds differ from their first word on.
func TestDerive(t *testing.T) {
	if got, want := Derive(7, 3, 5), SplitMix64(SplitMix64(SplitMix64(7)^3)^5); got != want {
		t.Errorf("Derive(7, 3, 5) = %#x, want %#x", got, want)
	}
	seeds := map[uint64]bool{}
	firsts := map[uint64]bool{}
	for i := 0; i < 30; i++ {
		for j := 0; j < 30; j++ {
			s := Derive(7, i, j)
			if seeds[s] {
				t.Fatalf("Derive(7, %d, %d) repeats a seed", i, j)
			}
			seeds[s] = true
			w := New(s).Uint64()
			if firsts[w] {
				t.Fatalf("the stream of Derive(7, %d, %d) repeats a first word", i, j)
			}
			firsts[w] = true
		}
	}
	if Derive(7, 1, 2) == Derive(7, 2, 1) || Derive(7, 0, 0) == Derive(8, 0, 0) {
		t.Error("Derive is symmetric in its indices or ignores the seed")
	}
}

// chi2Max is a bound on χ² with up to 15 degrees of freedom that a correct
// generator exceeds with probability below 10^-5.
const chi2Max = 50

// TestBelow: Below(n) stays in [0, n) for small and huge n, and over 10^6
// draws its counts in n bins pass χ² for several n (including ones that
// are not powers of two).
func TestBelow(t *testing.T) {
	r := New(123)
	for _, n := range []int{1, 2, 3, 7, 1 << 31, 1<<32 + 1, math.MaxInt} {
		for range 1000 {
			if v := r.Below(n); v < 0 || v >= n {
				t.Fatalf("Below(%d) = %d", n, v)
			}
		}
	}
	const draws = 1_000_000
	for _, n := range []int{2, 3, 10, 16} {
		counts := make([]float64, n)
		for range draws {
			counts[r.Below(n)]++
		}
		e := float64(draws) / float64(n)
		chi2 := 0.0
		for _, c := range counts {
			chi2 += (c - e) * (c - e) / e
		}
		if chi2 > chi2Max {
			t.Errorf("Below(%d): χ² = %.1f over %d bins", n, chi2, n)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Below(0) did not panic")
		}
	}()
	r.Below(0)
}

// TestFloat64Normal: Float64 lies in [0, 1) with mean 1/2; Normal has mean
// 0 and variance 1 (10^6 draws, within 5σ) and consumes two words.
func TestFloat64Normal(t *testing.T) {
	const n = 1_000_000
	r := New(5)
	sum := 0.0
	for range n {
		x := r.Float64()
		if x < 0 || x >= 1 {
			t.Fatalf("Float64 = %g", x)
		}
		sum += x
	}
	if mean := sum / n; math.Abs(mean-0.5) > 5*math.Sqrt(1.0/12/n) {
		t.Errorf("Float64 mean %g", mean)
	}
	sum, sum2 := 0.0, 0.0
	for range n {
		z := r.Normal()
		sum += z
		sum2 += z * z
	}
	if mean := sum / n; math.Abs(mean) > 5/math.Sqrt(n) {
		t.Errorf("Normal mean %g", mean)
	}
	if v := sum2 / n; math.Abs(v-1) > 5*math.Sqrt(2.0/n) {
		t.Errorf("Normal variance %g", v)
	}
	a, b := New(9), New(9)
	a.Normal()
	b.Uint64()
	b.Uint64()
	if a.State() != b.State() {
		t.Error("Normal does not consume exactly two words")
	}
}

// TestShuffleInt32: the result is a permutation of the input, and over
// many shuffles of three elements the six orders are equally frequent.
func TestShuffleInt32(t *testing.T) {
	r := New(11)
	p := make([]int32, 1000)
	for i := range p {
		p[i] = int32(i)
	}
	r.ShuffleInt32(p)
	if slices.IsSorted(p) {
		t.Error("1000 elements left in order")
	}
	q := slices.Clone(p)
	slices.Sort(q)
	for i, v := range q {
		if v != int32(i) {
			t.Fatalf("not a permutation: sorted[%d] = %d", i, v)
		}
	}
	r.ShuffleInt32(nil)
	r.ShuffleInt32([]int32{4})

	const draws = 600_000
	counts := map[[3]int32]float64{}
	for range draws {
		s := []int32{0, 1, 2}
		r.ShuffleInt32(s)
		counts[[3]int32(s)]++
	}
	if len(counts) != 6 {
		t.Fatalf("%d orders of three elements, want 6", len(counts))
	}
	chi2 := 0.0
	for _, c := range counts {
		chi2 += (c - draws/6) * (c - draws/6) / (draws / 6)
	}
	if chi2 > chi2Max {
		t.Errorf("orders of three: χ² = %.1f over 6 bins", chi2)
	}
}

// TestStateRoundTrip: a generator restored from State or StateInt64 (in a
// fresh RNG) continues the stream bit for bit; bad states are refused.
func TestStateRoundTrip(t *testing.T) {
	r := New(42)
	for range 17 {
		r.Uint64()
	}
	var a, b RNG
	a.SetState(r.State())
	if err := b.SetStateInt64(r.StateInt64()); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		w := r.Uint64()
		if a.Uint64() != w || b.Uint64() != w {
			t.Fatalf("restored streams differ at word %d", i)
		}
	}
	hi := New(0)
	hi.SetState([4]uint64{1 << 63, math.MaxUint64, 0, 1})
	if got := hi.StateInt64(); got[0] != math.MinInt64 || got[1] != -1 || got[3] != 1 {
		t.Errorf("StateInt64 = %v, not the words bit for bit", got)
	}

	before := b.State()
	for _, bad := range [][]int64{nil, {1, 2, 3}, {1, 2, 3, 4, 5}, {0, 0, 0, 0}} {
		if err := b.SetStateInt64(bad); err == nil {
			t.Errorf("SetStateInt64(%v) accepted", bad)
		}
	}
	if b.State() != before {
		t.Error("a refused SetStateInt64 changed the state")
	}
	defer func() {
		if recover() == nil {
			t.Error("SetState of the all-zero state did not panic")
		}
	}()
	b.SetState([4]uint64{})
}

func BenchmarkUint64(b *testing.B) {
	r := New(1)
	var x uint64
	for b.Loop() {
		x += r.Uint64()
	}
	sink = x
}

func BenchmarkBelow(b *testing.B) {
	r := New(1)
	x := 0
	for b.Loop() {
		x += r.Below(1000)
	}
	sink = uint64(x)
}

var sink uint64

func TestDomainSeparates(t *testing.T) {
	seen := map[uint64]string{}
	for _, name := range []string{"", "rbm/train", "rbm/flow", "thermometer/train", "ising/wolff/L=10/T=2.25", "ising/wolff/L=10/T=2.5"} {
		for seed := uint64(0); seed < 4; seed++ {
			d := Domain(seed, name)
			if prev, dup := seen[d]; dup {
				t.Fatalf("Domain(%d, %q) = Domain of %s", seed, name, prev)
			}
			seen[d] = name
		}
	}
	if Domain(1, "rbm/flow") != Domain(1, "rbm/flow") {
		t.Fatal("Domain is not a function")
	}
}
