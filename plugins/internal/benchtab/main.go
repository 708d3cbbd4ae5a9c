package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// result is one benchmark line: its package, name (without the
// -GOMAXPROCS suffix) and metrics by unit.
type result struct {
	pkg, name string
	m         map[string]float64
}

var procs = regexp.MustCompile(`-\d+$`)

func parse(r io.Reader) ([]result, error) {
	var out []result
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = p[strings.LastIndex(p, "/")+1:]
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		res := result{pkg: pkg, name: procs.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), ""), m: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: metric %q: %v", f[0], f[i], err)
			}
			res.m[f[i+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

func ms(ns float64) string { return fmt.Sprintf("%.1f ms", ns/1e6) }

// epochName splits an epoch benchmark's name into its learner (and size)
// and its kernel set: "Epoch/Nh=64/avx512" in package rbm is "rbm N_h =
// 64" and "avx512".
func epochName(r result) (learner, kernels string) {
	parts := strings.Split(r.name, "/")
	learner = r.pkg
	for _, p := range parts[1 : len(parts)-1] {
		if v, ok := strings.CutPrefix(p, "Nh="); ok {
			p = "N_h = " + v
		}
		if v, ok := strings.CutPrefix(p, "Nv="); ok {
			p = "N_v = " + v
		}
		learner += " " + p
	}
	return learner, parts[len(parts)-1]
}

func write(w io.Writer, rs []result) {
	// The peak is the machine's: load from other processes only lowers a
	// measurement of it, so the highest one of the run counts.
	peak := 0.0
	for _, r := range rs {
		switch {
		case r.name == "Peak":
			peak = max(peak, r.m["GFLOP/s"])
		case strings.HasPrefix(r.name, "Gemm/"):
			peak = max(peak, r.m["peak-GFLOP/s"])
		}
	}
	// Each learner's epoch on every kernel set of the machine, beside
	// numpy's in the same run; its arithmetic rate by the fastest and by
	// the mean epoch as a share of the vector peak of the same cores
	// (every kernel set runs on them, generic too); and by CPU time
	// (GFLOP per CPU-second of all its threads), which load from other
	// processes disturbs less than wall time.
	fmt.Fprintf(w, "| learner epoch | kernels | rgml mean | numpy mean | × numpy | rgml fastest | numpy fastest | × numpy (fastest) | GFLOP/s (fastest) | share of the peak, %.0f GFLOP/s (fastest) | share (mean) | GFLOP per CPU-s |\n", peak)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		if !strings.HasPrefix(r.name, "Epoch/") || r.m["ns/epoch"] == 0 {
			continue
		}
		learner, kernels := epochName(r)
		rate, share, shareMean, cpuRate := "–", "–", "–", "–"
		if g := r.m["GFLOP/epoch"]; g > 0 {
			if r.m["min-ns/epoch"] > 0 {
				gs := g / (r.m["min-ns/epoch"] * 1e-9)
				rate = fmt.Sprintf("%.0f", gs)
				if peak > 0 {
					share = fmt.Sprintf("%.0f %%", 100*gs/peak)
				}
			}
			if peak > 0 {
				shareMean = fmt.Sprintf("%.0f %%", 100*g/(r.m["ns/epoch"]*1e-9)/peak)
			}
			if c := r.m["cpu-ns/epoch"]; c > 0 {
				cpuRate = fmt.Sprintf("%.0f", g/(c*1e-9))
			}
		}
		np, ok := r.m["numpy-ns/epoch"]
		if !ok {
			fmt.Fprintf(w, "| %s | %s | %s | – | – | %s | – | – | %s | %s | %s | %s |\n", learner, kernels, ms(r.m["ns/epoch"]), ms(r.m["min-ns/epoch"]),
				rate, share, shareMean, cpuRate)
			continue
		}
		npMin := r.m["numpy-min-ns/epoch"]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %.2f | %s | %s | %.2f | %s | %s | %s | %s |\n", learner, kernels, ms(r.m["ns/epoch"]), ms(np),
			np/r.m["ns/epoch"], ms(r.m["min-ns/epoch"]), ms(npMin), npMin/r.m["min-ns/epoch"], rate, share, shareMean, cpuRate)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| GEMM (N = 25 000, N_v = 100, N_h = 400) | GFLOP/s | share of the peak, %.0f GFLOP/s |\n", peak)
	fmt.Fprintln(w, "|---|---|---|")
	for _, r := range rs {
		if strings.HasPrefix(r.name, "Gemm/") {
			fmt.Fprintf(w, "| %s | %.0f | %.0f %% |\n", strings.TrimPrefix(r.name, "Gemm/"), r.m["GFLOP/s"], 100*r.m["GFLOP/s"]/peak)
		}
	}
	fmt.Fprintln(w)
	for _, r := range rs {
		switch {
		case r.pkg == "rbm" && strings.HasPrefix(r.name, "Flow/Nh="):
			fmt.Fprintf(w, "rbm flow, 1000 configurations × 1000 iterations, N_h = %s: %.2f s\n", strings.TrimPrefix(r.name, "Flow/Nh="), r.m["s/flow"])
		case r.pkg == "thermometer" && r.name == "Predict":
			fmt.Fprintf(w, "thermometer predict: %.0f ns per configuration\n", r.m["ns/config"])
		}
	}
}

func main() {
	rs, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtab:", err)
		os.Exit(1)
	}
	if len(rs) == 0 {
		fmt.Fprintln(os.Stderr, "benchtab: no benchmark lines on stdin (pipe `go test -bench` output in)")
		os.Exit(2)
	}
	write(os.Stdout, rs)
}
