// Command benchtab reads the output of `go test -bench` (make bench)
// and prints the learners' benchmarks as one table, each beside its numpy
// reference with the ratio, and the GEMM micro-benchmarks with their share
// of the measured float32 peak (the highest measurement of the run: load
// from other processes only lowers it).
//
//	go test -run '^$' -bench . ./plugins/... | go run ./plugins/internal/benchtab
package main
