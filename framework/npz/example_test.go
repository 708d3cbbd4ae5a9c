package npz_test

import (
	"bytes"
	"fmt"

	"github.com/rgml/rgml/framework/npz"
)

func Example() {
	var buf bytes.Buffer
	// Two 2×2 configurations and their temperatures.
	err := npz.Encode(&buf,
		npz.Int8("configs", []int8{1, 1, -1, 1, -1, -1, 1, -1}, 2, 4),
		npz.Float64("T", []float64{1.5, 3}, 2),
	)
	if err != nil {
		panic(err)
	}
	arrays, err := npz.Decode(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		panic(err)
	}
	for _, a := range arrays {
		fmt.Println(a.Name, a.Shape, a.Data)
	}
	// Output:
	// configs [2 4] [1 1 -1 1 -1 -1 1 -1]
	// T [2] [1.5 3]
}
