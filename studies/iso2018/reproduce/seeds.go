package reproduce

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// CriteriaVersion names this set of criteria; it changes whenever a
// criterion does (TestCriteriaVersion holds it to the criteria's text), so
// that a verdict says which criteria judged it.
const CriteriaVersion = "iso2018/2"

// Seeded is a row judged over independent seeds (data, RBM
// initialisation, thermometer): it passes only if it passes for every
// seed whose study has the row.
type Seeded struct {
	Verdict          // the row; Measured and Beyond per seed when more than one
	Seeds   []uint64 // the seeds the row was judged on
	Passed  int      // how many of them pass
	// Spread is the row's Value per seed and their range, when judged on
	// more than one seed.
	Spread string
}

// AcrossSeeds combines each seed's verdicts (Judge of that seed's
// inputs) row by row, in the order of the table. A seed whose study does
// not have a row (Absent) is left out of it; a row no seed has is Absent;
// a row missing an input in any seed that has it is Missing.
func AcrossSeeds(bySeed map[uint64][]Verdict) []Seeded {
	seeds := make([]uint64, 0, len(bySeed))
	for s := range bySeed {
		seeds = append(seeds, s)
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	if len(seeds) == 0 {
		return nil
	}
	var out []Seeded
	for i, first := range bySeed[seeds[0]] {
		row := Seeded{Verdict: first}
		row.Measured, row.Beyond, row.Missing, row.Pass, row.Absent = "", "", nil, false, false
		var measured, beyond, values []string
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, s := range seeds {
			v := bySeed[s][i]
			if v.Absent {
				continue
			}
			row.Seeds = append(row.Seeds, s)
			if v.Missing != nil && row.Missing == nil {
				row.Missing = fmt.Errorf("seed %d: %w", s, v.Missing)
			}
			if v.Pass {
				row.Passed++
			}
			measured = append(measured, fmt.Sprintf("seed %d: %s", s, v.Measured))
			if v.Beyond != "" {
				beyond = append(beyond, fmt.Sprintf("seed %d: %s", s, v.Beyond))
			}
			values = append(values, fmt.Sprintf("%.4g", v.Value))
			lo, hi = math.Min(lo, v.Value), math.Max(hi, v.Value)
		}
		switch len(row.Seeds) {
		case 0:
			row.Absent, row.Missing = true, first.Missing
		case 1:
			v := bySeed[row.Seeds[0]][i]
			row.Measured, row.Beyond, row.Value = v.Measured, v.Beyond, v.Value
		default:
			row.Measured, row.Beyond = strings.Join(measured, " | "), strings.Join(beyond, " | ")
			if row.Quantity != "" {
				row.Spread = fmt.Sprintf("%s: %s (seeds %s); range %.4g–%.4g", row.Quantity, strings.Join(values, ", "), seedList(row.Seeds), lo, hi)
			}
		}
		row.Pass = row.Missing == nil && len(row.Seeds) > 0 && row.Passed == len(row.Seeds)
		out = append(out, row)
	}
	return out
}

func seedList(seeds []uint64) string {
	s := make([]string, len(seeds))
	for i, x := range seeds {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
