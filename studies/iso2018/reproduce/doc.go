// Package reproduce judges the reproduction table of Iso, Shiba and Yokoo
// (2018) row by row: pure functions from plain data (thermometer readings
// per flow iteration, loss histories, WWᵀ spectra, ⟨vᵀWWᵀv⟩ curves, decay
// curves, sample configurations) to a Verdict that states the criterion,
// the measured value and pass or fail.
//
// A row whose input is absent or malformed has Missing set and Pass false:
// a criterion never passes by default. Judge computes every row of the
// table from an Inputs; each row is also a function of its own
// (FlowsNearTc, SmallNhFaster, …) so a caller can judge one row from the
// data it has. The criteria are listed in docs/reproduction.md.
//
// Temperatures are in units of J/k_B; the thermometer's classes are the
// temperature grid (0, 0.25, …, 6 in the paper) and "within one grid step
// of T_c" means |mode − T_c| ≤ step, i.e. mode ∈ {2.25, 2.5} on the
// paper's grid, with T_c = 2/ln(1+√2) ≈ 2.269.
package reproduce
