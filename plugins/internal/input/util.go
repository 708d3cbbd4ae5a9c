package input

import (
	"slices"
	"strconv"
)

func itoa(i int) string { return strconv.Itoa(i) }

func sortFloats(v []float64) { slices.Sort(v) }
