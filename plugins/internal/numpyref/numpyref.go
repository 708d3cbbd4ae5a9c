package numpyref

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rgml/rgml/framework/sdk"
)

// Python is the interpreter of the scripts: Debian's, whose numpy links
// to Debian's OpenBLAS.
const Python = "/usr/bin/python3"

// Server is a running numpy_epoch.py --serve.
type Server struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Scanner
	Times []float64 // ns of the epochs run since the last Reset
}

// Start runs Python on script with args (which must make it serve) and
// waits for its "ready". The script gets the OPENBLAS_CORETYPE the rgml
// host would set for a plugin, unless the environment has one.
func Start(script string, args ...string) (*Server, error) {
	if _, err := os.Stat(Python); err != nil {
		return nil, err
	}
	cmd := exec.Command(Python, append([]string{script}, args...)...)
	cmd.Env = os.Environ()
	if os.Getenv("OPENBLAS_CORETYPE") == "" && sdk.OpenBLASCoreType() != "" {
		cmd.Env = append(cmd.Env, "OPENBLAS_CORETYPE="+sdk.OpenBLASCoreType())
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	s.out.Buffer(nil, 1<<20)
	if !s.out.Scan() || s.out.Text() != "ready" {
		s.Close()
		return nil, fmt.Errorf("%s did not start: %s", script, bytes.TrimSpace(stderr.Bytes()))
	}
	return s, nil
}

// Settle is how long Epochs waits after numpy's epochs before it returns.
// OpenBLAS's idle threads spin for 2^THREAD_TIMEOUT TSC cycles (its
// blas_server.c; 2^28 by default, 0.13 s at this machine's 2.1 GHz TSC)
// after each product before they sleep: without the wait they run beside
// the benchmark's next round of Go epochs and take a core from it.
// Measured on two idle cores, the RBM's N_h = 400 epoch on avx512: the
// first epoch after a numpy round 41.8 ms and the next ones 38-39 ms
// without it, 33.9-35.3 ms with 300 ms, the fastest 31.6 and 32.1 ms.
// Go's side needs no such wait: the learners' workers block on channels
// when idle, and the runtime's idle threads spin for microseconds.
const Settle = 250 * time.Millisecond

// Epochs runs k numpy epochs, records their times, and waits Settle.
func (s *Server) Epochs(k int) error {
	defer time.Sleep(Settle)
	if _, err := fmt.Fprintln(s.in, k); err != nil {
		return err
	}
	if !s.out.Scan() {
		return fmt.Errorf("numpy script stopped: %v", s.out.Err())
	}
	for _, f := range strings.Fields(s.out.Text()) {
		ns, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return err
		}
		s.Times = append(s.Times, ns)
	}
	return nil
}

// CPUNanos returns the CPU time this process has used, user and system,
// all its threads, in nanoseconds (0 if the system does not say): the
// benchmarks' CPU time per epoch, from which they take out what they
// used while numpy's rounds ran.
func CPUNanos() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return float64(u.Utime.Nano() + u.Stime.Nano())
}

// Reset forgets the recorded times.
func (s *Server) Reset() { s.Times = s.Times[:0] }

// Stats returns the mean and the least of the recorded times (NaN if none).
func (s *Server) Stats() (mean, least float64) {
	if len(s.Times) == 0 {
		return math.NaN(), math.NaN()
	}
	least = math.Inf(1)
	for _, x := range s.Times {
		mean += x / float64(len(s.Times))
		least = min(least, x)
	}
	return mean, least
}

// Close stops the script.
func (s *Server) Close() {
	s.in.Close()
	s.cmd.Wait()
}
