package xrand_test

import (
	"fmt"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// One stream per (point, chain), whatever the number of workers; a
// checkpointed state resumes the stream exactly.
func Example() {
	const seed = 2018
	r := xrand.New(xrand.Derive(seed, 1, 0)) // point 1, chain 0

	perm := []int32{0, 1, 2, 3, 4, 5}
	r.ShuffleInt32(perm)
	fmt.Println("permutation:", perm)
	fmt.Println("die:", r.Below(6)+1)

	saved := r.StateInt64() // e.g. into a checkpoint tensor
	want := r.Uint64()
	var resumed xrand.RNG
	if err := resumed.SetStateInt64(saved); err != nil {
		panic(err)
	}
	fmt.Println("resumed stream agrees:", resumed.Uint64() == want)
	fmt.Printf("normal variate: %.4f\n", r.Normal())
	// Output:
	// permutation: [5 2 3 0 1 4]
	// die: 3
	// resumed stream agrees: true
	// normal variate: 0.6032
}
