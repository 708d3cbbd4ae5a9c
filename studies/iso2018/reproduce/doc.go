// Package reproduce judges the reproduction table of Iso, Shiba and Yokoo
// (2018) row by row: pure functions from plain data (thermometer readings
// per flow iteration, loss histories, WWᵀ spectra, ⟨vᵀWWᵀv⟩ curves, decay
// curves, sample configurations) to a Verdict that quotes the paper's
// sentence it encodes (Says), states the criterion, the measured value
// and pass or fail.
//
// A row is judged only on the starts and sizes the paper shows; what the
// study measured beyond them is reported in Beyond, never judged. A row
// none of whose inputs the study has is Absent (not in this study); a
// row with some is judged on those and names the others; a row whose
// input is malformed has Missing set. Absent and Missing rows never pass.
// Judge computes every row of the table from an Inputs; each row is also
// a function of its own (FlowsNearTc, SmallNhFaster, …) so a caller can
// judge one row from the data it has. AcrossSeeds combines the verdicts
// of independent seeds: a row passes only if every seed that has it
// passes. The criteria, versioned as CriteriaVersion, are listed in
// docs/reproduction.md.
//
// Temperatures are in units of J/k_B; the thermometer's classes are the
// temperature grid (0, 0.25, …, 6 in the paper) and "within one grid step
// of T_c" means |mode − T_c| ≤ step, i.e. mode ∈ {2.25, 2.5} on the
// paper's grid, with T_c = 2/ln(1+√2) ≈ 2.269.
package reproduce
