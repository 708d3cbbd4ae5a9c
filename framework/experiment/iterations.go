package experiment

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseIterations parses the iteration counts of a flow written as
// "0,1,10,100" (a flow's --iterations, or a spec's iterations given as
// text): non-negative and increasing.
func ParseIterations(s string) ([]int64, error) {
	var its []int64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q: want non-negative integers separated by commas, e.g. 0,1,10,100", s)
		}
		if len(its) > 0 && n <= its[len(its)-1] {
			return nil, fmt.Errorf("%q: counts must increase", s)
		}
		its = append(its, n)
	}
	return its, nil
}

// RefError marks a reference the user got wrong (no such entry, an
// ambiguous prefix, a bad name, an entry others still need) as a usage
// error, for callers outside the package that resolve references
// themselves.
func RefError(err error) error { return refErr(err) }
