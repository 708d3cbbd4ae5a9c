package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
pkg: github.com/rgml/rgml/plugins/rbm
BenchmarkEpoch/Nh=64/avx512-2   	      85	  20000000 ns/op	    946173 configs/s	   10000000 min-ns/epoch	  20000000 ns/epoch	  25000000 numpy-min-ns/epoch	 40000000 numpy-ns/epoch	         2.0 speedup	         2.5 speedup-min	         1.6 GFLOP/epoch	  16000000 cpu-ns/epoch	      70 B/op	       0 allocs/op
BenchmarkEpoch/Nv=1024/Nh=655/avx512-2   	       4	 300000000 ns/op	       120.7 GFLOP/epoch	 241400000 min-ns/epoch	 300000000 ns/epoch	 600000000 cpu-ns/epoch
BenchmarkFlow/Nh=400-2   	       2	3820637716 ns/op	         0.75 s/flow
pkg: github.com/rgml/rgml/plugins/thermometer
BenchmarkEpoch/generic-2   	       5	 300000000 ns/op	 300000000 ns/epoch	 200000000 min-ns/epoch	  15000000 numpy-ns/epoch	 0.05 x-numpy	  10000000 numpy-min-ns/epoch	 0.05 x-numpy-min	 0.88 GFLOP/epoch
pkg: github.com/rgml/rgml/plugins/internal/kernels
BenchmarkPeak-2   	      20	 201744822 ns/op	       493.7 GFLOP/s
BenchmarkGemm/vW/avx512-2       	      30	  10648705 ns/op	       238.6 GFLOP/s	         0.9083 of-peak	       262.8 peak-GFLOP/s
PASS
`

func TestTable(t *testing.T) {
	rs, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	write(&b, rs)
	for _, want := range []string{
		"| rbm N_h = 64 | avx512 | 20.0 ms | 40.0 ms | 2.00 | 10.0 ms | 25.0 ms | 2.50 | 160 | 32 % | 16 % | 100 |",
		"| thermometer | generic | 300.0 ms | 15.0 ms | 0.05 | 200.0 ms | 10.0 ms | 0.05 | 4 | 1 % | 1 % | – |",
		"| rbm N_v = 1024 N_h = 655 | avx512 | 300.0 ms | – | – | 241.4 ms | – | – | 500 | 101 % | 81 % | 201 |",
		"| vW/avx512 | 239 | 48 % |",
		"share of the peak, 494 GFLOP/s",
		"N_h = 400: 0.75 s",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestBadMetric(t *testing.T) {
	if _, err := parse(strings.NewReader("BenchmarkX-2 1 abc ns/op 2 x")); err == nil {
		t.Error("a bad metric value was accepted")
	}
}
