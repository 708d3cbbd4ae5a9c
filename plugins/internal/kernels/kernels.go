package kernels

import (
	"fmt"
	"os"
)

// Implementation levels, in order of preference.
const (
	generic = iota
	avx2
	avx512
)

var names = [...]string{generic: "generic", avx2: "avx2", avx512: "avx512"}

// level is the implementation in use; best the best this CPU runs.
var level, best int

// envErr is the error of a bad RGML_KERNELS.
var envErr error

func init() {
	switch {
	case hasAVX512:
		best = avx512
	case hasAVX2:
		best = avx2
	}
	level = best
	if v := os.Getenv("RGML_KERNELS"); v != "" {
		l, err := parse(v, best)
		if err != nil {
			envErr = fmt.Errorf("RGML_KERNELS: %w", err)
			return
		}
		level = l
	}
}

func parse(name string, best int) (int, error) {
	for l, n := range names {
		if n == name {
			if l > best {
				return 0, fmt.Errorf("this CPU cannot run the %s kernels (it runs: %v)", name, Available())
			}
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown kernels %q (want one of %v)", name, Available())
}

// Err reports a bad RGML_KERNELS; the learners refuse to work with it.
func Err() error { return envErr }

// Name names the implementation in use: "avx512", "avx2" or "generic".
func Name() string { return names[level] }

// Available lists the implementations this CPU runs, best last.
func Available() []string { return append([]string(nil), names[:best+1]...) }

// Force makes the named implementation the one in use and returns a
// function restoring the previous one. For tests: not safe while
// products run.
func Force(name string) (restore func(), err error) {
	l, err := parse(name, best)
	if err != nil {
		return nil, err
	}
	old := level
	level = l
	return func() { level = old }, nil
}

// Pad16 rounds n up to a multiple of 16, Pad4 to a multiple of 4.
func Pad16(n int) int { return (n + 15) &^ 15 }
func Pad4(n int) int  { return (n + 3) &^ 3 }
