// Package grid parses parameter specifications such as "T=0:6:0.25" and
// builds the grid of all their combinations.
//
// A specification is NAME=VALUES where VALUES is a single number, an
// inclusive range start:stop:step, or a comma-separated list. A single
// value or a list item may be "inf" (+Inf, e.g. T=0,inf); range bounds are
// finite. Range values are computed as start + i*step (not by repeated
// addition) and rounded to 12 significant digits, so 0:6:0.25 gives
// exactly 0, 0.25, …, 6 and 0:1:0.1 ends at exactly 1.
package grid
