package grid_test

import (
	"fmt"

	"github.com/rgml/rgml/framework/grid"
)

func Example() {
	T, _ := grid.Parse("T=1:2:0.5")
	D, _ := grid.Parse("Delta=0,1")
	points, _ := grid.Product([]grid.Axis{T, D})
	for _, p := range points {
		fmt.Println(p["T"], p["Delta"])
	}
	// Output:
	// 1 0
	// 1 1
	// 1.5 0
	// 1.5 1
	// 2 0
	// 2 1
}
