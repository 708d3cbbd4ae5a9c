package ising_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/ising"
)

// Energy and magnetisation per spin of two 4×4 configurations: all spins up,
// and rows of alternating sign (every bond along y satisfied, every bond
// along x broken).
func ExampleModel_Observables() {
	const L = 4
	up := make([]int8, L*L)
	stripes := make([]int8, L*L)
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			up[x*L+y] = 1
			stripes[x*L+y] = int8(1 - 2*(x%2))
		}
	}
	obs, err := ising.New().Observables(context.Background(), sdk.Params{"T": 2}, L, append(up, stripes...))
	if err != nil {
		panic(err)
	}
	fmt.Println("energy:", obs["energy"])
	fmt.Println("magnetization:", obs["magnetization"])
	// Output:
	// energy: [-2 0]
	// magnetization: [1 0]
}

// Ten configurations at each of two temperatures with the paper's protocol.
func ExampleModel_Sample() {
	req := sdk.SampleRequest{
		Points:   []sdk.Params{{"T": 0}, {"T": 6}},
		Size:     10,
		PerPoint: 10,
		Seed:     1,
	}
	counts := make([]int, len(req.Points))
	var mu sync.Mutex // emit is called from several workers
	err := ising.New().Sample(context.Background(), req, func(c sdk.SampleChunk) error {
		mu.Lock()
		defer mu.Unlock()
		counts[c.Point] += c.Count(req.Size * req.Size)
		return nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("configurations per point:", counts)
	// Output:
	// configurations per point: [10 10]
}
